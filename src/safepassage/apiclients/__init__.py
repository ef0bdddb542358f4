"""API clients of the partner API: tokens, scopes, approval, rate windows, idempotency keys."""

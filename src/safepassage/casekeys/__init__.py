"""Per-case data-encryption keys, the root of crypto-shredding (see docs/decisions.md)."""

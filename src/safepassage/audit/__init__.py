"""Append-only, hash-chained audit log of every state change and every decryption."""

"""Console accounts: roles, languages read, password (Argon2) and TOTP."""

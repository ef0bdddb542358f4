"""The public tier: accepts and seals submissions; can decrypt nothing it stores."""

"""Cross-cutting protections: response headers and log redaction."""

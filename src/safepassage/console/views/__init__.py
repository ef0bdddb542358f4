"""Console views: thin, each behind ``console_view`` or ``console_public``."""

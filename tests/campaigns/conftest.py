from tests.analytics.conftest import adam, anna, sofia, stats_urls

__all__ = ["adam", "anna", "sofia", "stats_urls"]

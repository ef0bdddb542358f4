from tests.analytics.conftest import adam, anna, sofia

__all__ = ["adam", "anna", "sofia"]

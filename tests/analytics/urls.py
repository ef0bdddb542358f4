"""TEMPORARY shim for a running benchmark; delete."""

from safepassage.urls import urlpatterns

__all__ = ["urlpatterns"]

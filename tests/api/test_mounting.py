"""Where the API lives: the console tier only; its reference page uses vendored assets."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

import safepassage.urls


@pytest.fixture
def reload_urls(settings: Settings) -> Iterator[None]:
    original = settings.SAFEPASSAGE_ROLE
    yield
    # Rebuild the URLconf of the role every other test runs with, before settings reset.
    settings.SAFEPASSAGE_ROLE = original
    importlib.reload(safepassage.urls)


@pytest.mark.parametrize(
    ("role", "mounted"), [("intake", False), ("worker", False), ("console", True)]
)
def test_the_api_is_mounted_on_the_console_tier_only(
    settings: Settings, reload_urls: None, role: str, mounted: bool
) -> None:
    settings.SAFEPASSAGE_ROLE = role
    module = importlib.reload(safepassage.urls)
    prefixes = [str(p.pattern) for p in module.urlpatterns]
    assert ("api/v1/" in prefixes) is mounted


@pytest.mark.django_db
def test_the_reference_page_loads_only_vendored_assets(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    # Nothing from a CDN.
    assert "http://" not in page
    assert "https://" not in page
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    assert document.json()["info"]["title"] == "SafePassage partner API"

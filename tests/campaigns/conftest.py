from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from safepassage.accounts.models import Account
from tests.console.helpers import force_verified_login


@pytest.fixture(autouse=True)
def stats_urls(settings: Settings) -> None:
    """Serve the stats and campaign pages even before console/urls.py includes them."""
    settings.ROOT_URLCONF = "tests.analytics.urls"


def signed_in(account: Account) -> Client:
    """A client signed in (password and second factor) as ``account``."""
    client = Client()
    force_verified_login(client, account)
    return client

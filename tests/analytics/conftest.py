from __future__ import annotations

import pytest
from django.test import Client

from safepassage.accounts.models import Account
from safepassage.crypto.keys import Keyring
from tests.conftest import make_persona
from tests.console.helpers import force_verified_login


def signed_in(account: Account) -> Client:
    """A client signed in (password and second factor) as ``account``."""
    client = Client()
    force_verified_login(client, account)
    return client


@pytest.fixture
def anna(db: None, installed_keys: Keyring) -> Account:
    """Only the analyst persona (cheaper than all six)."""
    return make_persona("anna", installed_keys)


@pytest.fixture
def sofia(db: None, installed_keys: Keyring) -> Account:
    """Only the supervisor persona."""
    return make_persona("sofia", installed_keys)


@pytest.fixture
def adam(db: None, installed_keys: Keyring) -> Account:
    """Only the admin persona."""
    return make_persona("adam", installed_keys)

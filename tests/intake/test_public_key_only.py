"""The intake tier works with the programme's public key alone.

Between the intake steps only the public keyring is installed and the process runs as
the intake role, where asking for the secret key raises; the worker step (and the
operator's reply) run with the full keyring, as they do in their own processes.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from safepassage.accounts.models import Account
from safepassage.cases.domain import post_reply
from safepassage.cases.models import Case
from safepassage.crypto import runtime
from safepassage.crypto.errors import SecretKeyUnavailable
from safepassage.crypto.keys import Keyring
from safepassage.envelopes.models import InboundEnvelope
from safepassage.worker.envelopes import process_pending

from .helpers import html, post_form, receipt_from

pytestmark = pytest.mark.django_db


def _as_intake(settings: SettingsWrapper, keyring: Keyring) -> None:
    settings.SAFEPASSAGE_ROLE = "intake"
    runtime.install_keyring(None, public=keyring.public)
    with pytest.raises(SecretKeyUnavailable):
        runtime.get_keyring()


def _as_worker(settings: SettingsWrapper, keyring: Keyring) -> None:
    settings.SAFEPASSAGE_ROLE = "worker"
    runtime.install_keyring(keyring)


def test_submission_and_inbox_need_only_the_public_key(
    client: Client,
    settings: SettingsWrapper,
    installed_keys: Keyring,
    personas: dict[str, Account],
) -> None:
    _as_intake(settings, installed_keys)
    receipt = receipt_from(post_form(client, "/ru/", {"message": "Хочу сдаться, я один"}))
    assert InboundEnvelope.objects.count() == 1

    _as_worker(settings, installed_keys)
    assert process_pending() == 1
    post_reply(Case.objects.get(), by=personas["olga"], text="Мы вас слышим. Где вы сейчас?")

    _as_intake(settings, installed_keys)
    response = post_form(client, "/ru/inbox", {"receipt": receipt})
    assert response.status_code == 303
    page = html(client.get("/ru/inbox"))
    assert "Хочу сдаться, я один" in page
    assert "Мы вас слышим. Где вы сейчас?" in page
    token = re.search(r'name="token" value="([0-9a-f]+)"', page)
    assert token is not None
    response = post_form(
        client, "/ru/inbox/send", {"message": "В лесополосе", "token": token.group(1)}
    )
    assert response.status_code == 303

    _as_worker(settings, installed_keys)
    assert process_pending() == 1
    _as_intake(settings, installed_keys)
    assert "В лесополосе" in html(client.get("/ru/inbox"))

"""``keys rotate-receipt-salt``: new receipts use the new salt; receipts issued before
keep opening their inbox through the real intake sign-in, and follow-ups still arrive."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from safepassage.cases.models import Contact, Message
from safepassage.cli import main
from safepassage.crypto.keyfile import load_public_keyfile
from safepassage.crypto.keys import MAX_PREVIOUS_RECEIPT_SALTS
from safepassage.crypto.receipts import derive_receipt_keys, new_receipt

from ..intake.helpers import html, post_form, run_worker
from .conftest import Deployment
from .support import make_data

pytestmark = pytest.mark.django_db


def sign_in(client: Client, receipt: str) -> int:
    return int(post_form(client, "/ru/inbox", {"receipt": receipt}).status_code)


def test_old_receipts_keep_working_after_the_rotation(
    client: Client, deployment: Deployment, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = make_data(client, deployment.keyring)
    old_salt = deployment.keyring.public.receipt_salt

    assert main(["keys", "rotate-receipt-salt"]) == 0
    assert "1 earlier salts kept" in capsys.readouterr().out
    ring = deployment.restart()
    assert ring.public.receipt_salt != old_salt
    assert ring.public.previous_receipt_salts == (old_salt,)
    # The intake's public key file carries the old salt too.
    public_file = tmp_path / "public-keys.json"
    assert main(["keys", "show-public", "--output", str(public_file)]) == 0
    assert load_public_keyfile(public_file).receipt_salts == (ring.public.receipt_salt, old_salt)

    # The old receipt opens its inbox and the operator's reply, and can write again.
    applicant = Client()
    assert sign_in(applicant, old.receipt) == 303
    page = html(applicant.get("/ru/inbox"))
    assert "Оставайтесь на месте." in page
    token = re.search(r'name="token" value="([0-9a-f]+)"', page)
    assert token is not None
    sent = post_form(
        applicant, "/ru/inbox/send", {"message": "Мы ещё здесь.", "token": token.group(1)}
    )
    assert sent.status_code == 303
    assert run_worker(ring) == 1
    assert "Мы ещё здесь." in html(applicant.get("/ru/inbox"))
    assert Message.objects.filter(case=old.case).count() == 3

    # A receipt issued now is registered under the new salt, and opens its inbox too.
    new = make_data(client, ring, name="Петров Пётр", relative="+380 50 111 22 33")
    contact = Contact.objects.get(case=new.case, channel="web")
    assert contact.receipt_lookup_hash == derive_receipt_keys(new.receipt, ring.public).lookup_hash
    assert sign_in(Client(), new.receipt) == 303
    # A receipt nobody was given is still just not found.
    assert sign_in(Client(), new_receipt()) == 400


def test_salts_are_capped(deployment: Deployment, capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(MAX_PREVIOUS_RECEIPT_SALTS):
        assert main(["keys", "rotate-receipt-salt"]) == 0
    capsys.readouterr()
    assert main(["keys", "rotate-receipt-salt"]) == 1
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1
    assert "would stop working" in error[0]

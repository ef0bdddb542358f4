"""The first two admins of an empty deployment, and nothing more, without a second person."""

from __future__ import annotations

import re
from contextlib import nullcontext

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import AccessRequest, Account, Role
from safepassage.audit.chain import verify_chain
from safepassage.audit.models import AuditEvent
from safepassage.cli import main
from safepassage.crypto.keys import Keyring

from ..conftest import make_persona

pytestmark = pytest.mark.django_db

CODE_LINE = re.compile(r"^  ([a-z0-9._-]+): (\S{5}-\S{5}) (\S{5}-\S{5})$", re.MULTILINE)


def test_bootstrap_creates_two_admins_who_enrol_with_their_own_codes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["accounts", "bootstrap", "olena", "taras"]) == 0
    out = capsys.readouterr().out
    codes = {name: (first, second) for name, first, second in CODE_LINE.findall(out)}
    assert set(codes) == {"olena", "taras"}
    admins = Account.objects.order_by("username")
    assert [(a.username, a.role, a.has_usable_password()) for a in admins] == [
        ("olena", Role.ADMIN, False),
        ("taras", Role.ADMIN, False),
    ]
    requests = AccessRequest.objects.order_by("username")
    assert [(r.username, r.requested_by.username) for r in requests] == [
        ("olena", "taras"),
        ("taras", "olena"),
    ]
    # No code half is stored or audited in the clear.
    stored = " ".join(str(v) for r in requests.values() for v in r.values())
    audited = " ".join(str(e.detail) for e in AuditEvent.objects.all())
    for first, second in codes.values():
        for half in (first, second):
            assert half not in stored
            assert half not in audited
    assert AuditEvent.objects.filter(action="access.bootstrapped").count() == 2
    assert verify_chain().ok

    client = Client()
    first, second = codes["olena"]
    wrong = client.post(
        reverse("console:enrol-code"),
        {"username": "olena", "first_half": codes["taras"][0], "second_half": second},
    )
    assert wrong.status_code == 200  # refused: the halves of another admin's code
    response = client.post(
        reverse("console:enrol-code"),
        {"username": "olena", "first_half": first, "second_half": second},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("console:enrol")


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["olena"], "the following arguments are required: ADMIN"),
        (["olena", "Olena"], "exactly two different account names"),
        (["olena", "x"], "is not an account name"),
    ],
)
def test_bootstrap_needs_two_different_well_formed_names(
    capsys: pytest.CaptureFixture[str], names: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) if len(names) == 1 else nullcontext():
        assert main(["accounts", "bootstrap", *names]) == 1
    assert message in capsys.readouterr().err
    assert not Account.objects.exists()


def test_bootstrap_is_refused_once_any_account_exists(
    capsys: pytest.CaptureFixture[str], installed_keys: Keyring
) -> None:
    make_persona("kim", installed_keys)
    assert main(["accounts", "bootstrap", "olena", "taras"]) == 1
    error = capsys.readouterr().err.strip().splitlines()
    assert error == [
        "safepassage: error: accounts exist already: new access goes through the two-person rule"
    ]
    assert list(Account.objects.values_list("username", flat=True)) == ["kim"]

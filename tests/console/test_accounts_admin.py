"""Admin account management through the console pages; every action audited."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent

from .helpers import force_verified_login


@pytest.fixture
def admin(personas: dict[str, Account]) -> Client:
    client = Client()
    force_verified_login(client, personas["adam"])
    return client


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_admin_lists_accounts_with_role_languages_and_state(admin: Client) -> None:
    page = admin.get("/console/accounts/").content.decode()
    for name in ("kim", "olga", "sofia", "roman", "anna", "adam"):
        assert f">{name}</a>" in page
    assert "KO, RU" in page


def test_admin_creates_an_account_and_sees_its_first_password_once(
    admin: Client, personas: dict[str, Account]
) -> None:
    response = admin.post(
        "/console/accounts/new/",
        {
            "username": "Mira",
            "display_name": "Mira K.",
            "role": "operator",
            "languages": ["ko", "en"],
        },
    )
    assert response.status_code == 200
    match = re.search(r'<code id="initial-password">([^<]+)</code>', response.content.decode())
    assert match is not None
    account = Account.objects.get(username="mira")
    assert account.role == "operator"
    assert account.languages == ["ko", "en"]
    assert account.check_password(match.group(1))
    assert account.must_change_password
    assert not account.totp_confirmed
    [event] = _events("account.created")
    assert event.actor_label == "adam"
    assert event.object_ref == "mira"
    assert event.detail == {"role": "operator", "languages": ["ko", "en"]}
    # The password is in no audit event and not on the account page.
    assert match.group(1) not in str(event.detail)
    assert match.group(1) not in admin.get(f"/console/accounts/{account.pk}/").content.decode()


def test_a_taken_or_malformed_account_name_is_refused_and_the_form_kept(
    admin: Client, personas: dict[str, Account]
) -> None:
    taken = admin.post(
        "/console/accounts/new/",
        {"username": "kim", "display_name": "Another Kim", "role": "operator", "languages": ["ko"]},
    )
    page = taken.content.decode()
    assert "already exists" in page
    assert 'value="Another Kim"' in page
    malformed = admin.post(
        "/console/accounts/new/",
        {"username": "no spaces please", "display_name": "", "role": "operator"},
    )
    assert "lower-case letters" in malformed.content.decode()
    assert not _events("account.created")


def test_admin_changes_role_and_languages(admin: Client, personas: dict[str, Account]) -> None:
    kim = personas["kim"]
    response = admin.post(
        f"/console/accounts/{kim.pk}/",
        {"display_name": "Kim", "role": "supervisor", "languages": ["ko"]},
    )
    assert response.status_code == 302
    kim.refresh_from_db()
    assert kim.role == "supervisor"
    assert kim.languages == ["ko"]
    [event] = _events("account.updated")
    assert event.detail["role"] == ["operator", "supervisor"]


def test_admin_cannot_change_its_own_role_or_deactivate_itself(
    admin: Client, personas: dict[str, Account]
) -> None:
    adam = personas["adam"]
    response = admin.post(
        f"/console/accounts/{adam.pk}/",
        {"display_name": "Adam", "role": "supervisor", "languages": ["en"]},
    )
    assert "cannot change your own role" in response.content.decode()
    admin.post(f"/console/accounts/{adam.pk}/deactivate/")
    adam.refresh_from_db()
    assert adam.role == "admin"
    assert adam.is_active


def test_admin_deactivates_and_reactivates_an_account(
    admin: Client, personas: dict[str, Account]
) -> None:
    olga = personas["olga"]
    olga_client = Client()
    force_verified_login(olga_client, olga)
    response = admin.post(f"/console/accounts/{olga.pk}/deactivate/", follow=True)
    assert "Account deactivated" in response.content.decode()
    olga.refresh_from_db()
    assert not olga.is_active
    assert olga_client.get("/console/").status_code == 302
    admin.post(f"/console/accounts/{olga.pk}/reactivate/")
    olga.refresh_from_db()
    assert olga.is_active
    assert [e.action for e in AuditEvent.objects.filter(object_ref="olga").order_by("seq")] == [
        "account.deactivated",
        "account.reactivated",
    ]


def test_admin_resets_totp_and_password(admin: Client, personas: dict[str, Account]) -> None:
    kim = personas["kim"]
    admin.post(f"/console/accounts/{kim.pk}/reset-totp/")
    kim.refresh_from_db()
    assert kim.totp_secret is None
    assert not kim.totp_confirmed
    assert kim.recovery_codes == []
    response = admin.post(f"/console/accounts/{kim.pk}/reset-password/")
    match = re.search(r'<code id="initial-password">([^<]+)</code>', response.content.decode())
    assert match is not None
    kim.refresh_from_db()
    assert kim.check_password(match.group(1))
    assert kim.must_change_password
    assert _events("account.totp_reset")[0].object_ref == "kim"
    assert _events("account.password_reset")[0].object_ref == "kim"


def test_admin_sets_an_account_on_and_off_shift(
    admin: Client, personas: dict[str, Account]
) -> None:
    kim = personas["kim"]
    admin.post(f"/console/accounts/{kim.pk}/on-shift/")
    kim.refresh_from_db()
    assert kim.on_shift
    admin.post(f"/console/accounts/{kim.pk}/off-shift/")
    kim.refresh_from_db()
    assert not kim.on_shift
    assert [e.detail for e in _events("account.on_shift_changed")] == [
        {"on_shift": True},
        {"on_shift": False},
    ]


def test_account_operations_are_post_only(admin: Client, personas: dict[str, Account]) -> None:
    kim = personas["kim"]
    assert admin.get(f"/console/accounts/{kim.pk}/deactivate/").status_code == 405
    kim.refresh_from_db()
    assert kim.is_active


def test_an_unknown_account_is_not_found(admin: Client) -> None:
    assert admin.get("/console/accounts/999999/").status_code == 404

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


def test_admin_requests_an_account_and_sees_the_first_code_half_once(
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
    page = response.content.decode()
    match = re.search(r'<code id="code-half">([^<]+)</code>', page)
    assert match is not None
    assert "first half" in page
    # Not an account yet: it waits for a second person.
    assert not Account.objects.filter(username="mira").exists()
    [event] = _events("access.requested")
    assert event.actor_label == "adam"
    assert event.object_ref == "mira"
    assert event.detail["kind"] == "create"
    assert event.detail["role"] == "operator"
    assert event.detail["languages"] == ["ko", "en"]
    # The code half is in no audit event and on no later page.
    assert match.group(1) not in str(event.detail)
    assert match.group(1) not in admin.get("/console/accounts/requests/").content.decode()


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
    assert not _events("access.requested")


def test_admin_asks_for_a_new_role_and_it_waits_for_approval(
    admin: Client, personas: dict[str, Account]
) -> None:
    kim = personas["kim"]
    response = admin.post(
        f"/console/accounts/{kim.pk}/",
        {"display_name": "Kim", "role": "supervisor", "languages": ["ko"]},
        follow=True,
    )
    assert "another admin approves it" in response.content.decode()
    assert 'id="pending-for-account"' in response.content.decode()
    kim.refresh_from_db()
    # The language removed and the name shown change at once; the role waits.
    assert kim.role == "operator"
    assert kim.languages == ["ko"]
    assert kim.display_name == "Kim"
    [event] = _events("access.requested")
    assert event.detail["role"] == "supervisor"


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


def test_admin_deactivates_at_once_and_reactivation_waits_for_approval(
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
    response = admin.post(f"/console/accounts/{olga.pk}/reactivate/", follow=True)
    assert "supervisor or another admin approves it" in response.content.decode()
    olga.refresh_from_db()
    assert not olga.is_active
    assert [e.action for e in AuditEvent.objects.filter(object_ref="olga").order_by("seq")] == [
        "account.deactivated",
        "access.requested",
    ]


def test_admin_asks_for_a_sign_in_reset_and_nothing_changes_yet(
    admin: Client, personas: dict[str, Account]
) -> None:
    kim = personas["kim"]
    kim_client = Client()
    force_verified_login(kim_client, kim)
    response = admin.post(f"/console/accounts/{kim.pk}/reset-sign-in/")
    assert re.search(r'<code id="code-half">[^<]+</code>', response.content.decode())
    kim.refresh_from_db()
    assert kim.totp_confirmed
    assert kim.has_usable_password()
    assert kim_client.get("/console/").status_code == 200
    assert _events("access.requested")[0].detail["kind"] == "reset_sign_in"


def test_no_page_lets_an_admin_set_or_see_a_password(
    admin: Client, personas: dict[str, Account]
) -> None:
    kim = personas["kim"]
    page = admin.get(f"/console/accounts/{kim.pk}/").content.decode()
    assert "reset-password" not in page
    assert 'type="password"' not in page
    assert admin.post(f"/console/accounts/{kim.pk}/reset-password/").status_code == 404


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

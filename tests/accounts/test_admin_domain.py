"""Admin account functions: admin-only, audited, and careful with the admin's own account."""

from __future__ import annotations

import pytest

from safepassage.accounts import domain
from safepassage.accounts.models import Account
from safepassage.audit.chain import verify_chain
from safepassage.audit.models import AuditEvent


@pytest.mark.parametrize("name", ["kim", "sofia", "roman", "anna"])
def test_only_an_admin_may_manage_accounts(personas: dict[str, Account], name: str) -> None:
    actor = personas[name]
    with pytest.raises(PermissionError):
        domain.create_account(by=actor, username="x1", display_name="", role="admin", languages=[])
    with pytest.raises(PermissionError):
        domain.reset_totp(by=actor, account=personas["kim"])
    with pytest.raises(PermissionError):
        domain.set_on_shift(by=actor, account=personas["kim"], on_shift=True)
    assert not AuditEvent.objects.exists()


def test_a_deactivated_admin_can_do_nothing(personas: dict[str, Account]) -> None:
    adam = personas["adam"]
    adam.is_active = False
    with pytest.raises(PermissionError):
        domain.reset_password(by=adam, account=personas["kim"])


def test_every_admin_action_is_one_audit_event_and_the_chain_holds(
    personas: dict[str, Account],
) -> None:
    adam, kim = personas["adam"], personas["kim"]
    account, _password = domain.create_account(
        by=adam, username="mira", display_name="Mira", role="operator", languages=["ko"]
    )
    domain.update_account(
        by=adam, account=account, display_name="Mira", role="supervisor", languages=["ko", "ru"]
    )
    domain.set_on_shift(by=adam, account=kim, on_shift=True)
    domain.reset_totp(by=adam, account=kim)
    domain.reset_password(by=adam, account=kim)
    domain.set_account_active(by=adam, account=kim, active=False)
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", "actor_label"))
    assert actions == [
        ("account.created", "adam"),
        ("account.updated", "adam"),
        ("account.on_shift_changed", "adam"),
        ("account.totp_reset", "adam"),
        ("account.password_reset", "adam"),
        ("account.deactivated", "adam"),
    ]
    assert verify_chain().ok


def test_an_unchanged_save_is_not_audited(personas: dict[str, Account]) -> None:
    kim = personas["kim"]
    domain.update_account(
        by=personas["adam"],
        account=kim,
        display_name=kim.display_name,
        role=kim.role,
        languages=list(kim.languages),
    )
    assert not AuditEvent.objects.exists()


def test_unknown_languages_and_roles_are_refused(personas: dict[str, Account]) -> None:
    with pytest.raises(domain.AccountError):
        domain.create_account(
            by=personas["adam"], username="zed", display_name="", role="operator", languages=["xx"]
        )
    with pytest.raises(domain.AccountError):
        domain.create_account(
            by=personas["adam"], username="zed", display_name="", role="root", languages=[]
        )


def test_deactivating_takes_the_account_off_shift(personas: dict[str, Account]) -> None:
    kim = personas["kim"]
    domain.set_on_shift(by=personas["adam"], account=kim, on_shift=True)
    domain.set_account_active(by=personas["adam"], account=kim, active=False)
    kim.refresh_from_db()
    assert not kim.on_shift
    with pytest.raises(domain.AccountError):
        domain.set_on_shift(by=personas["adam"], account=kim, on_shift=True)


def test_initial_passwords_pass_the_password_rules() -> None:
    from django.contrib.auth.password_validation import validate_password

    from safepassage.accounts.domain.signin import new_initial_password

    password = new_initial_password()
    validate_password(password)
    assert len(password) == 24

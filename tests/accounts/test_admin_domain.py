"""Admin account functions: admin-only, audited, careful with the admin's own account,
and only what narrows access happens at once."""

from __future__ import annotations

import pytest

from safepassage.accounts import domain
from safepassage.accounts.models import AccessRequest, Account
from safepassage.audit.chain import verify_chain
from safepassage.audit.models import AuditEvent


@pytest.mark.parametrize("name", ["kim", "sofia", "roman", "anna"])
def test_only_an_admin_may_manage_accounts(personas: dict[str, Account], name: str) -> None:
    actor = personas[name]
    with pytest.raises(PermissionError):
        domain.request_new_account(
            by=actor, username="x1", display_name="", role="admin", languages=[]
        )
    with pytest.raises(PermissionError):
        domain.request_sign_in_reset(by=actor, account=personas["kim"])
    with pytest.raises(PermissionError):
        domain.set_on_shift(by=actor, account=personas["kim"], on_shift=True)
    with pytest.raises(PermissionError):
        domain.deactivate_account(by=actor, account=personas["olga"])
    assert not AuditEvent.objects.exists()
    assert not AccessRequest.objects.exists()


def test_a_deactivated_admin_can_do_nothing(personas: dict[str, Account]) -> None:
    adam = personas["adam"]
    adam.is_active = False
    with pytest.raises(PermissionError):
        domain.request_sign_in_reset(by=adam, account=personas["kim"])
    with pytest.raises(PermissionError):
        domain.deactivate_account(by=adam, account=personas["kim"])


def test_every_admin_action_is_one_audit_event_and_the_chain_holds(
    personas: dict[str, Account],
) -> None:
    adam, kim = personas["adam"], personas["kim"]
    domain.request_new_account(
        by=adam, username="mira", display_name="Mira", role="operator", languages=["ko"]
    )
    domain.update_account(
        by=adam, account=kim, display_name="Kim", role="operator", languages=["ko", "ru", "en"]
    )
    domain.set_on_shift(by=adam, account=kim, on_shift=True)
    domain.request_sign_in_reset(by=adam, account=kim)
    domain.deactivate_account(by=adam, account=kim)
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", "actor_label"))
    assert actions == [
        ("access.requested", "adam"),
        ("account.updated", "adam"),
        ("access.requested", "adam"),
        ("account.on_shift_changed", "adam"),
        ("access.requested", "adam"),
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


def test_removing_a_language_is_immediate_and_adding_one_is_a_request(
    personas: dict[str, Account],
) -> None:
    kim = personas["kim"]
    request = domain.update_account(
        by=personas["adam"], account=kim, display_name="Kim", role="operator", languages=["ko"]
    )
    assert request is None
    kim.refresh_from_db()
    assert kim.languages == ["ko"]
    request = domain.update_account(
        by=personas["adam"],
        account=kim,
        display_name="Kim",
        role="operator",
        languages=["ru", "ko"],
    )
    assert request is not None
    assert request.payload == {"role": "operator", "languages": ["ru", "ko"]}
    kim.refresh_from_db()
    assert kim.languages == ["ko"]


def test_unknown_languages_and_roles_are_refused(personas: dict[str, Account]) -> None:
    with pytest.raises(domain.AccountError):
        domain.request_new_account(
            by=personas["adam"], username="zed", display_name="", role="operator", languages=["xx"]
        )
    with pytest.raises(domain.AccountError):
        domain.request_new_account(
            by=personas["adam"], username="zed", display_name="", role="root", languages=[]
        )


def test_deactivating_takes_the_account_off_shift(personas: dict[str, Account]) -> None:
    kim = personas["kim"]
    domain.set_on_shift(by=personas["adam"], account=kim, on_shift=True)
    domain.deactivate_account(by=personas["adam"], account=kim)
    kim.refresh_from_db()
    assert not kim.on_shift
    with pytest.raises(domain.AccountError):
        domain.set_on_shift(by=personas["adam"], account=kim, on_shift=True)

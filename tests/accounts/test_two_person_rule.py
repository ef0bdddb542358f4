"""The two-person rule (issue 12), tried as an insider would: no single account,
whatever its role, can bring about its own or a puppet account's access to case contents.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pyotp
import pytest
from django.utils import timezone

from safepassage.accounts import domain, rules
from safepassage.accounts.domain.enrolment import do_enrol, do_enrolment_code_step
from safepassage.accounts.models import AccessRequest, Account
from safepassage.audit.models import AuditEvent
from tests.conftest import totp_code_for

from .helpers import extra_account

ADDRESS = "10.4.4.4"
NEW_PASSWORD = "violet harbour under quiet rain"


@pytest.fixture
def alma(personas: dict[str, Account]) -> Account:
    """A second admin."""
    return extra_account("alma", "admin", ["en"])


def _enrol(username: str, first: str, second: str) -> Account:
    """Enrol through the domain steps as the holder would; returns the account."""
    step = do_enrolment_code_step(
        username=username, first_half=first, second_half=second, address=ADDRESS
    )
    assert step.ok, "enrolment code refused"
    assert step.account is not None
    assert step.request_id is not None
    account = step.account
    secret = domain.begin_totp_enrolment(account=account)
    done = do_enrol(
        account=account,
        request_id=step.request_id,
        password=NEW_PASSWORD,
        code=pyotp.TOTP(secret).now(),
        address=ADDRESS,
    )
    assert done.ok
    return Account.objects.get(pk=account.pk)


def test_an_admin_creates_a_supervisor_that_exists_only_once_another_admin_approves(
    personas: dict[str, Account], alma: Account
) -> None:
    adam, sofia = personas["adam"], personas["sofia"]
    request, first = domain.request_new_account(
        by=adam, username="sam", display_name="Sam", role="supervisor", languages=["ru"]
    )
    assert not Account.objects.filter(username="sam").exists()
    # The requester cannot approve, nor can a supervisor approve a supervisor.
    for approver in (adam, sofia):
        with pytest.raises(PermissionError):
            domain.approve_request(by=approver, request=request)
    assert not Account.objects.filter(username="sam").exists()
    second = domain.approve_request(by=alma, request=request)
    sam = Account.objects.get(username="sam")
    assert sam.role == "supervisor"
    # Nobody knows a password for it and it has no second factor yet.
    assert not sam.has_usable_password()
    assert not sam.totp_confirmed
    assert first != second
    sam = _enrol("sam", first, second)
    assert sam.check_password(NEW_PASSWORD)
    assert sam.totp_confirmed
    actions = list(
        AuditEvent.objects.filter(object_ref="sam").order_by("seq").values_list("action", flat=True)
    )
    assert actions == [
        "access.requested",
        "account.created",
        "access.approved",
        "account.totp_enrolled",
        "account.enrolled",
    ]
    # No code half and no password in any event.
    for event in AuditEvent.objects.all():
        assert first not in str(event.detail)
        assert second not in str(event.detail)


def test_one_half_of_the_code_is_not_enough(personas: dict[str, Account], alma: Account) -> None:
    request, first = domain.request_new_account(
        by=personas["adam"], username="pup", display_name="", role="admin", languages=[]
    )
    second = domain.approve_request(by=alma, request=request)
    for a, b in ((first, first), (second, second), (first, "ABCDE-FGHJK"), (second, first)):
        step = do_enrolment_code_step(username="pup", first_half=a, second_half=b, address=ADDRESS)
        assert not step.ok


def test_an_enrolment_code_works_once_and_expires(
    personas: dict[str, Account], alma: Account
) -> None:
    request, first = domain.request_new_account(
        by=personas["adam"], username="nia", display_name="", role="operator", languages=["ko"]
    )
    second = domain.approve_request(by=alma, request=request)
    AccessRequest.objects.filter(pk=request.pk).update(
        enrolment_expires_at=timezone.now() - timedelta(seconds=1)
    )
    step = do_enrolment_code_step(
        username="nia", first_half=first, second_half=second, address=ADDRESS
    )
    assert not step.ok
    AccessRequest.objects.filter(pk=request.pk).update(
        enrolment_expires_at=timezone.now() + timedelta(hours=1)
    )
    _enrol("nia", first, second)
    again = do_enrolment_code_step(
        username="nia", first_half=first, second_half=second, address="10.4.4.5"
    )
    assert not again.ok


def test_a_supervisor_approves_operator_grants_only(
    personas: dict[str, Account], alma: Account
) -> None:
    adam, sofia, kim = personas["adam"], personas["sofia"], personas["kim"]
    languages = domain.request_grant(by=adam, account=kim, role="operator", languages=["ko", "en"])
    promotion = domain.request_grant(
        by=adam, account=personas["olga"], role="supervisor", languages=["ru"]
    )
    assert promotion.kind == AccessRequest.Kind.GRANT
    assert rules.may_approve(sofia, languages)
    assert not rules.may_approve(sofia, promotion)
    with pytest.raises(PermissionError):
        domain.approve_request(by=sofia, request=promotion)
    assert Account.objects.get(username="olga").role == "operator"
    domain.approve_request(by=sofia, request=languages)
    kim.refresh_from_db()
    assert kim.languages == ["ko", "en"]


def test_the_same_request_cannot_wait_twice(personas: dict[str, Account]) -> None:
    domain.request_sign_in_reset(by=personas["adam"], account=personas["kim"])
    with pytest.raises(domain.AccountError):
        domain.request_sign_in_reset(by=personas["adam"], account=personas["kim"])


def test_nobody_approves_a_grant_to_themselves(personas: dict[str, Account], alma: Account) -> None:
    request, _first = domain.request_sign_in_reset(by=personas["adam"], account=alma)
    with pytest.raises(PermissionError):
        domain.approve_request(by=alma, request=request)
    sofia_languages = domain.request_grant(
        by=alma, account=personas["sofia"], role="supervisor", languages=["ru", "uk", "en", "ko"]
    )
    # Sofia may not approve her own languages (nor, as a supervisor, any supervisor grant).
    assert not rules.may_approve(personas["sofia"], sofia_languages)
    assert rules.may_approve(personas["adam"], sofia_languages)


def test_a_sign_in_reset_takes_effect_only_when_approved(
    personas: dict[str, Account], alma: Account
) -> None:
    adam, sofia = personas["adam"], personas["sofia"]
    request, first = domain.request_sign_in_reset(by=adam, account=sofia)
    sofia.refresh_from_db()
    # Nothing changed: her password and TOTP still work.
    assert domain.check_password_step(username="sofia", password="a long test password 1")
    assert domain.check_second_factor(account=sofia, code=totp_code_for("sofia")) == "totp"
    second = domain.approve_request(by=alma, request=request)
    sofia.refresh_from_db()
    assert not sofia.totp_confirmed
    assert not sofia.has_usable_password()
    assert domain.check_password_step(username="sofia", password="a long test password 1") is None
    sofia = _enrol("sofia", first, second)
    assert sofia.check_password(NEW_PASSWORD)


def test_re_activation_needs_a_second_person(personas: dict[str, Account], alma: Account) -> None:
    adam, kim = personas["adam"], personas["kim"]
    domain.deactivate_account(by=adam, account=kim)
    request = domain.request_reactivation(by=adam, account=kim)
    kim.refresh_from_db()
    assert not kim.is_active
    with pytest.raises(PermissionError):
        domain.approve_request(by=adam, request=request)
    domain.approve_request(by=personas["sofia"], request=request)
    kim.refresh_from_db()
    assert kim.is_active


def test_a_request_can_be_refused_or_withdrawn_and_then_changes_nothing(
    personas: dict[str, Account], alma: Account
) -> None:
    adam = personas["adam"]
    refused, _half = domain.request_new_account(
        by=adam, username="rex", display_name="", role="admin", languages=[]
    )
    domain.refuse_request(by=alma, request=refused)
    withdrawn, _half = domain.request_new_account(
        by=adam, username="rex", display_name="", role="admin", languages=[]
    )
    domain.refuse_request(by=adam, request=withdrawn)
    assert not Account.objects.filter(username="rex").exists()
    with pytest.raises(PermissionError):
        domain.approve_request(by=alma, request=refused)
    with pytest.raises(PermissionError):
        # A supervisor cannot refuse an admin grant either.
        domain.refuse_request(by=personas["sofia"], request=refused)
    assert AuditEvent.objects.filter(action="access.refused").count() == 2


@pytest.mark.parametrize("name", ["kim", "olga", "sofia", "roman", "anna", "adam"])
def test_no_single_account_can_give_itself_or_a_puppet_case_access(
    personas: dict[str, Account], name: str
) -> None:
    """Whatever one account does alone — request and approve, grant itself a role or
    languages, reset a colleague's sign-in, re-activate — nobody gains access."""
    actor = personas[name]
    attempts: list[Callable[[], AccessRequest]] = [
        lambda: domain.request_grant(
            by=actor, account=actor, role=actor.role, languages=["ru", "ko", "uk", "en"]
        ),
        lambda: domain.request_new_account(
            by=actor, username="puppet", display_name="", role="supervisor", languages=[]
        )[0],
        lambda: domain.request_grant(
            by=actor, account=personas["olga"], role="supervisor", languages=["ru"]
        ),
        lambda: domain.request_grant(
            by=actor, account=personas["kim"], role="operator", languages=["ko", "ru", "uk"]
        ),
        lambda: domain.request_sign_in_reset(by=actor, account=personas["sofia"])[0],
    ]
    before = list(Account.objects.order_by("pk").values_list("role", "languages", "password"))
    for attempt in attempts:
        try:
            request = attempt()
        except PermissionError:
            continue
        with pytest.raises(PermissionError):
            domain.approve_request(by=actor, request=request)
    after = list(Account.objects.order_by("pk").values_list("role", "languages", "password"))
    assert after == before
    assert not Account.objects.filter(username="puppet").exists()

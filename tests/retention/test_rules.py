"""Retention settings, rule selection, holds and purges brought forward."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import transition_case
from safepassage.cases.models import Case, Message
from safepassage.register.models import CapturedPerson
from safepassage.retention.conf import retention_settings
from safepassage.retention.holds import RetentionRefused, bring_purge_forward, set_legal_hold
from safepassage.retention.models import CaseRetention
from safepassage.retention.purge import purge_due
from safepassage.retention.rules import due_cases

from ..cases.casework import make_case, reload
from ..console.helpers import force_verified_login

pytestmark = pytest.mark.django_db


def _closed_days_ago(reason: str, days: int, by: Account) -> Case:
    case = transition_case(make_case(language="ru"), to="closed", by=by, reason=reason)
    Case.objects.filter(pk=case.pk).update(
        state_changed_at=timezone.now() - datetime.timedelta(days=days)
    )
    return reload(case)


def test_settings_are_validated_and_never_keeps(settings: Settings) -> None:
    settings.SAFEPASSAGE_RETENTION_INELIGIBLE_DAYS = "never"
    settings.SAFEPASSAGE_RETENTION_DUPLICATE_DAYS = 5
    conf = retention_settings()
    assert conf.periods["ineligible"] is None
    assert conf.periods["duplicate"] == datetime.timedelta(days=5)
    settings.SAFEPASSAGE_RETENTION_BATCH = "0"
    with pytest.raises(ValueError, match="SAFEPASSAGE_RETENTION_BATCH must be at least 1"):
        retention_settings()
    settings.SAFEPASSAGE_RETENTION_BATCH = "10"
    settings.SAFEPASSAGE_RETENTION_PROVOCATION_DAYS = "-1"
    with pytest.raises(ValueError, match="SAFEPASSAGE_RETENTION_PROVOCATION_DAYS"):
        retention_settings()


def test_each_rule_waits_for_its_period(personas: dict[str, Account], settings: Settings) -> None:
    sofia = personas["sofia"]
    young = _closed_days_ago("ineligible", 80, sofia)  # never answered: no_contact, 90 days
    old = _closed_days_ago("ineligible", 95, sofia)
    assert list(due_cases("no_contact")) == [old]
    settings.SAFEPASSAGE_RETENTION_NO_CONTACT_DAYS = "never"
    assert list(due_cases("no_contact")) == []
    settings.SAFEPASSAGE_RETENTION_NO_CONTACT_DAYS = "30"
    assert set(due_cases("no_contact")) == {young, old}
    # Open cases are never due under a rule.
    Case.objects.filter(pk=make_case().pk).update(
        created_at=timezone.now() - datetime.timedelta(days=999)
    )
    assert set(due_cases("no_contact")) == {young, old}


def test_a_held_case_is_not_purged_until_the_hold_is_lifted(personas: dict[str, Account]) -> None:
    sofia = personas["sofia"]
    case = _closed_days_ago("withdrawn", 400, sofia)
    assert set_legal_hold(case, hold=True, by=sofia)
    assert not set_legal_hold(case, hold=True, by=sofia)  # unchanged: no second event
    purge_due()
    assert Message.objects.filter(case=case).exists()
    with pytest.raises(RetentionRefused):
        bring_purge_forward(case, by=sofia)
    with pytest.raises(RetentionRefused):
        set_legal_hold(case, hold=False, by=personas["olga"])
    set_legal_hold(case, hold=False, by=sofia)
    report = purge_due()
    assert report.references == [case.reference]
    assert not Message.objects.filter(case=case).exists()
    actions = list(
        AuditEvent.objects.filter(object_ref=case.reference, action__startswith="retention.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["retention.hold_set", "retention.hold_cleared"]


def test_a_purge_brought_forward_takes_an_open_case_and_spares_an_interned_one(
    personas: dict[str, Account],
) -> None:
    sofia = personas["sofia"]
    open_case = make_case(language="ru")
    bring_purge_forward(open_case, by=sofia)
    interned = make_case(language="ru")
    for state in ("engaged", "verified", "planning", "surrendered"):
        interned = transition_case(interned, to=state, by=sofia)
    assert CapturedPerson.objects.filter(case=interned).exists()
    with pytest.raises(RetentionRefused):
        bring_purge_forward(interned, by=sofia)
    # Even a request slipped in directly is ignored while the record is open.
    CaseRetention.objects.create(case=interned, purge_requested_at=timezone.now())
    report = purge_due()
    assert report.references == [open_case.reference]
    assert dict(report.cases) == {"brought_forward": 1}
    assert Message.objects.filter(case=interned).exists()
    assert AuditEvent.objects.filter(
        action="retention.purge_brought_forward", object_ref=open_case.reference
    ).exists()


def test_the_supervisor_page_lists_due_cases_and_changes_holds(
    personas: dict[str, Account],
) -> None:
    sofia = personas["sofia"]
    case = _closed_days_ago("unreachable", 400, sofia)
    client = Client()
    force_verified_login(client, sofia)
    page = client.get(reverse("console:retention")).content.decode()
    assert case.reference in page
    assert 'data-rule="no_contact"' in page

    held = client.post(reverse("console:retention-hold", args=[case.reference]), {"hold": "1"})
    assert held.status_code == 302
    assert CaseRetention.objects.get(case=case).legal_hold
    page = client.get(reverse("console:retention")).content.decode()
    assert case.reference not in page.split('id="retention-rules"')[1].split("</table>")[0]

    client.post(reverse("console:retention-hold", args=[case.reference]), {"hold": "0"})
    forward = client.post(reverse("console:retention-purge-forward", args=[case.reference]))
    assert forward.status_code == 302
    assert CaseRetention.objects.get(case=case).purge_requested_at is not None
    status = client.get(reverse("console:retention"), {"case": case.reference}).content.decode()
    assert 'id="retention-case-status"' in status
    # In Ukrainian too.
    sofia.console_language = "uk"
    sofia.save(update_fields=["console_language"])
    ukrainian = client.get(reverse("console:retention")).content.decode()
    assert "Зберігання" in ukrainian
    assert "Прискорити" not in ukrainian  # already brought forward: no second button


def test_due_cases_are_purged_in_audited_batches_once(personas: dict[str, Account]) -> None:
    cases = [_closed_days_ago("unreachable", 400, personas["sofia"]) for _ in range(3)]
    report = purge_due(batch=2)
    assert sorted(report.references) == sorted(c.reference for c in cases)
    events = AuditEvent.objects.filter(action="retention.purge").order_by("seq")
    assert [len(e.detail["references"]) for e in events] == [2, 1]
    assert all(e.detail["cases"] == {"no_contact": len(e.detail["references"])} for e in events)
    # Purged cases are never selected again, by any rule.
    assert purge_due().references == []
    assert events.count() == 2

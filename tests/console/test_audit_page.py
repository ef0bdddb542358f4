"""The audit page: supervisors and admins list, filter and page events, and verify the
chain."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from safepassage.accounts.models import Account
from safepassage.audit.chain import record_event
from safepassage.audit.models import AuditEvent

from .helpers import force_verified_login


@pytest.fixture
def supervisor(personas: dict[str, Account]) -> Client:
    client = Client()
    force_verified_login(client, personas["sofia"])
    return client


def _rows(page: str) -> int:
    return page.count("<tr>") - 1  # minus the header row


def test_supervisor_sees_the_newest_events_first(
    supervisor: Client, personas: dict[str, Account]
) -> None:
    record_event("case.viewed", actor=personas["kim"], object_type="case", object_ref="AAA-BBB-CCC")
    record_event(
        "case.viewed", actor=personas["olga"], object_type="case", object_ref="DDD-EEE-FFF"
    )
    page = supervisor.get("/console/audit/").content.decode()
    assert page.index("DDD-EEE-FFF") < page.index("AAA-BBB-CCC")


def test_filters_by_action_actor_case_and_date(
    supervisor: Client, personas: dict[str, Account]
) -> None:
    record_event("case.viewed", actor=personas["kim"], object_type="case", object_ref="AAA-BBB-CCC")
    record_event(
        "case.viewed", actor=personas["olga"], object_type="case", object_ref="DDD-EEE-FFF"
    )
    record_event(
        "account.created", actor=personas["adam"], object_type="account", object_ref="nadia"
    )
    by_actor = supervisor.get("/console/audit/", {"actor": "kim"}).content.decode()
    assert "AAA-BBB-CCC" in by_actor
    assert "DDD-EEE-FFF" not in by_actor
    by_case = supervisor.get("/console/audit/", {"case": "ddd-eee-fff"}).content.decode()
    assert "DDD-EEE-FFF" in by_case
    assert "AAA-BBB-CCC" not in by_case
    by_action = supervisor.get("/console/audit/", {"action": "account.created"}).content.decode()
    assert "nadia" in by_action
    assert "AAA-BBB-CCC" not in by_action
    today = dt.datetime.now(dt.UTC).date()
    in_range = supervisor.get(
        "/console/audit/", {"date_from": today.isoformat(), "date_to": today.isoformat()}
    ).content.decode()
    assert "AAA-BBB-CCC" in in_range
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    out_of_range = supervisor.get(
        "/console/audit/", {"date_from": yesterday, "date_to": yesterday}
    ).content.decode()
    assert "AAA-BBB-CCC" not in out_of_range
    assert "No events match these filters." in out_of_range


def test_events_are_paged_fifty_at_a_time(supervisor: Client, personas: dict[str, Account]) -> None:
    for number in range(120):
        record_event(
            "case.viewed", actor=personas["kim"], object_type="case", object_ref=f"REF-{number:03d}"
        )
    first = supervisor.get("/console/audit/", {"actor": "kim"})
    assert _rows(first.content.decode()) == 50
    assert "REF-119" in first.content.decode()
    assert "Newer" not in first.content.decode()
    older = first.context["older"]
    second = supervisor.get("/console/audit/", {"actor": "kim", "before": older})
    page = second.content.decode()
    assert _rows(page) == 50
    assert "REF-069" in page
    assert "REF-070" not in page
    third = supervisor.get("/console/audit/", {"actor": "kim", "before": second.context["older"]})
    assert _rows(third.content.decode()) == 20
    assert third.context["older"] is None
    back = supervisor.get("/console/audit/", {"actor": "kim", "after": third.context["newer"]})
    assert "REF-069" in back.content.decode()
    assert _rows(back.content.decode()) == 50


def test_verify_button_reports_an_intact_chain(
    supervisor: Client, personas: dict[str, Account]
) -> None:
    record_event("case.viewed", actor=personas["kim"], object_type="case", object_ref="AAA-BBB-CCC")
    response = supervisor.post("/console/audit/verify/")
    assert response.status_code == 200
    assert "The audit chain is intact" in response.content.decode()
    event = AuditEvent.objects.get(action="audit.verified")
    assert event.actor_label == "sofia"
    assert event.detail["ok"] is True


def test_verify_button_names_the_first_altered_event(
    personas: dict[str, Account],
) -> None:
    admin = Client()
    force_verified_login(admin, personas["adam"])
    record_event("case.viewed", actor=personas["kim"], object_type="case", object_ref="AAA-BBB-CCC")
    tampered = record_event(
        "case.viewed", actor=personas["kim"], object_type="case", object_ref="DDD-EEE-FFF"
    )
    AuditEvent.objects.filter(pk=tampered.pk).update(object_ref="XXX-XXX-XXX")
    response = admin.post("/console/audit/verify/")
    page = response.content.decode()
    assert f"broken at event #{tampered.seq}" in page


@pytest.mark.parametrize("name", ["kim", "roman", "anna"])
def test_other_roles_cannot_see_the_audit_log(personas: dict[str, Account], name: str) -> None:
    client = Client()
    force_verified_login(client, personas[name])
    assert client.get("/console/audit/").status_code == 403
    assert client.post("/console/audit/verify/").status_code == 403
    assert not AuditEvent.objects.filter(action="audit.verified").exists()

"""Coverage alerts reach supervisors through a real SMTP server, once per gap."""

from __future__ import annotations

import datetime
import socket
from collections.abc import Iterator
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.rota.domain import first_gap, plan_shift, start_shift
from safepassage.rota.domain.alerts import raise_coverage_alerts
from safepassage.rota.models import CoverageAlert
from safepassage.rota.tasks import coverage_alerts_task
from tests.cases.casework import make_case

H = datetime.timedelta(hours=1)


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp_inbox(settings: Any) -> Iterator[_Inbox]:
    """A real SMTP server on loopback; Django's SMTP backend sends to it."""
    inbox = _Inbox()
    # aiosmtpd pings its own port at start-up, so it needs a real number, not 0.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.SAFEPASSAGE_ALERT_EMAILS = ["duty@example.org"]
    settings.SAFEPASSAGE_ROTA_LANGUAGES = ["ko"]
    settings.SAFEPASSAGE_COVERAGE_HORIZON_MINUTES = 120
    try:
        yield inbox
    finally:
        controller.stop()


def _body(message: Any) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def test_rota_gap_alerts_before_it_starts_and_only_once(
    personas: dict[str, Account], smtp_inbox: _Inbox
) -> None:
    now = timezone.now().replace(microsecond=0)
    shift = plan_shift(
        by=personas["sofia"],
        account=personas["kim"],
        languages=["ko"],
        starts_at=now - H,
        ends_at=now + 5 * H,
    )
    start_shift(by=personas["kim"], shift=shift, now=now - H)
    # Covered through the horizon: nothing to say.
    assert raise_coverage_alerts(now=now).gaps == []
    assert smtp_inbox.messages == []
    # Three hours later the gap at now + 5 h is 2 h ahead: inside the horizon.
    later = now + 3 * H + datetime.timedelta(minutes=1)
    report = raise_coverage_alerts(now=later)
    assert [(gap.language, gap.starts_at) for gap in report.gaps] == [("ko", now + 5 * H)]
    assert report.mailed == 1
    assert len(smtp_inbox.messages) == 1
    recipients, message = smtp_inbox.messages[0]
    assert recipients == ["duty@example.org"]
    body = _body(message)
    assert "Nobody will be on shift for ko from" in body
    assert f"{now + 5 * H:%H:%M}" in body
    # Every further sweep of the same gap, before and into it, stays silent.
    for minutes in (1, 30, 120, 125):
        assert raise_coverage_alerts(now=later + datetime.timedelta(minutes=minutes)).gaps == []
    assert len(smtp_inbox.messages) == 1
    assert CoverageAlert.objects.filter(kind="gap").count() == 1


def test_gap_closed_by_a_new_shift_resolves_and_a_later_gap_alerts_again(
    personas: dict[str, Account], smtp_inbox: _Inbox
) -> None:
    now = timezone.now().replace(microsecond=0)
    # Nobody on shift at all: alert now.
    report = raise_coverage_alerts(now=now)
    assert [gap.starts_at for gap in report.gaps] == [now]
    assert "Nobody is on shift for ko now." in _body(smtp_inbox.messages[0][1])
    shift = plan_shift(
        by=personas["sofia"],
        account=personas["kim"],
        languages=["ko"],
        starts_at=now,
        ends_at=now + 4 * H,
    )
    start_shift(by=personas["kim"], shift=shift, now=now)
    assert raise_coverage_alerts(now=now).resolved == 1
    # The end of kim's shift comes into the horizon: a new gap, a second e-mail.
    report = raise_coverage_alerts(now=now + 2 * H + datetime.timedelta(minutes=1))
    assert [gap.starts_at for gap in report.gaps] == [now + 4 * H]
    assert len(smtp_inbox.messages) == 2


def test_planned_shift_not_started_after_grace_leaves_a_gap(
    personas: dict[str, Account], settings: Any
) -> None:
    now = timezone.now()
    plan_shift(
        by=personas["sofia"],
        account=personas["kim"],
        languages=["ko"],
        starts_at=now + H,
        ends_at=now + 9 * H,
    )
    settings.SAFEPASSAGE_ROTA_START_GRACE_MINUTES = 10
    within = 2 * H
    gap = first_gap("ko", now=now + H + datetime.timedelta(minutes=11), within=within)
    assert gap is not None
    assert gap.starts_at == now + H + datetime.timedelta(minutes=11)


def test_late_case_alerts_once_without_case_content(
    personas: dict[str, Account], smtp_inbox: _Inbox, settings: Any
) -> None:
    settings.SAFEPASSAGE_ROTA_LANGUAGES = []
    settings.SAFEPASSAGE_FIRST_RESPONSE_TARGET_MINUTES = 15
    received = timezone.now() - datetime.timedelta(minutes=40)
    case = make_case(language="ko", message="살려주세요 부대 위치", received_at=received)
    assert case.waiting_since is not None
    report = raise_coverage_alerts()
    assert report.late == {"ko": 1}
    assert raise_coverage_alerts().late == {}
    assert len(smtp_inbox.messages) == 1
    _recipients, message = smtp_inbox.messages[0]
    text = message.as_string() + _body(message)
    assert "1 case(s) in ko waited longer than 15 minutes." in _body(message)
    assert case.reference not in text
    assert "살려주세요" not in _body(message)
    event = AuditEvent.objects.get(action="rota.coverage_alert")
    assert event.detail == {"gaps": [], "late": {"ko": 1}, "mailed": 1}


def test_worker_task_runs_the_sweep(personas: dict[str, Account], smtp_inbox: _Inbox) -> None:
    result = coverage_alerts_task.call()
    assert result["gaps"] == ["ko"]
    assert len(smtp_inbox.messages) == 1

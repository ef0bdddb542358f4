"""The supervisor's page (coverage, alerts, response times) and canned replies."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.cases.models import CannedReply, Case

from ..cases.casework import make_case
from .helpers import force_verified_login

pytestmark = pytest.mark.django_db


def _client(account: Account) -> Client:
    client = Client()
    force_verified_login(client, account)
    return client


def test_alert_when_a_language_waits_and_nobody_on_shift_reads_it(
    personas: dict[str, Account],
) -> None:
    make_case(language="ko")
    Account.objects.filter(username__in=["olga", "sofia"]).update(on_shift=True)
    body = _client(personas["sofia"]).get(reverse("console:supervision")).content.decode()
    assert "People are waiting in 한국어 and nobody on shift reads it." in body
    assert "olga" in body.split('id="on-shift"')[1].split("</table>")[0]
    Account.objects.filter(username="kim").update(on_shift=True)
    body = _client(personas["sofia"]).get(reverse("console:supervision")).content.decode()
    assert "nobody on shift reads it" not in body


def test_response_times_and_late_cases_are_listed(personas: dict[str, Account]) -> None:
    late = make_case(received_at=timezone.now() - datetime.timedelta(minutes=50))
    quick = make_case(received_at=timezone.now() - datetime.timedelta(minutes=10))
    assert quick.waiting_since is not None
    Case.objects.filter(pk=quick.pk).update(
        first_response_at=quick.waiting_since + datetime.timedelta(minutes=3)
    )
    response = _client(personas["sofia"]).get(reverse("console:supervision"), {"days": "1"})
    stats = response.context["stats"]
    assert stats.median == datetime.timedelta(minutes=3)
    body = response.content.decode()
    assert late.reference in body.split('id="late-cases"')[1]
    assert "not answered yet" in body


def test_a_bad_window_falls_back_to_a_week(personas: dict[str, Account]) -> None:
    response = _client(personas["sofia"]).get(reverse("console:supervision"), {"days": "9999"})
    assert response.context["window"] == "7"


def test_supervisor_adds_edits_and_retires_a_canned_reply(personas: dict[str, Account]) -> None:
    client = _client(personas["sofia"])
    response = client.post(
        reverse("console:canned"),
        {"language": "ko", "title": "인사", "body": "안녕하세요 {name}", "is_active": "on"},
    )
    assert response.status_code == 302
    reply = CannedReply.objects.get()
    client.post(
        reverse("console:canned-edit", args=[reply.pk]),
        {"language": "ko", "title": "인사", "body": "안녕하세요"},
    )
    reply.refresh_from_db()
    assert (reply.body, reply.is_active) == ("안녕하세요", False)


def test_a_bad_placeholder_is_explained_and_the_text_kept(personas: dict[str, Account]) -> None:
    response = _client(personas["sofia"]).post(
        reverse("console:canned"), {"language": "ru", "title": "x", "body": "Привет {phone}"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Unknown placeholder {phone}" in body
    assert "Привет {phone}" in body
    assert not CannedReply.objects.exists()


@pytest.mark.parametrize("persona", ["kim", "anna", "adam"])
def test_supervision_pages_are_for_supervisors(personas: dict[str, Account], persona: str) -> None:
    client = _client(personas[persona])
    assert client.get(reverse("console:supervision")).status_code == 403
    assert client.get(reverse("console:canned")).status_code == 403

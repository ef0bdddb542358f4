"""Console pages for channels: admin configuration, hotline call log, media, call-backs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import add_inbound_message, open_case
from safepassage.cases.models import Case, Contact
from safepassage.channels.domain.hotline import log_hotline_call
from safepassage.channels.domain.instances import create_channel_instance
from safepassage.channels.models import (
    Callback,
    CallbackState,
    ChannelInstance,
    MediaAttachment,
    MediaState,
)
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import seal
from tests.console.helpers import force_verified_login

pytestmark = pytest.mark.django_db
BOT_TOKEN = "987654321:AAEsecretsecretsecretsecretsecret12"


def client_for(account: Account) -> Client:
    client = Client()
    force_verified_login(client, account)
    return client


def test_admin_creates_a_telegram_channel_and_never_sees_the_token_again(
    personas: dict[str, Account],
) -> None:
    admin = client_for(personas["adam"])
    response = admin.post(
        reverse("console:channel-create", args=["telegram"]),
        {
            "name": "Main bot",
            "is_active": "on",
            "cred_bot_token": BOT_TOKEN,
            "cfg_public_base_url": "https://intake.example.org",
            "default_language": "ru",
        },
    )
    assert response.status_code == 200
    instance = ChannelInstance.objects.get()
    assert b"https://intake.example.org/hooks/telegram/" in response.content
    assert BOT_TOKEN.encode() not in response.content
    assert instance.credentials is not None
    assert BOT_TOKEN.encode() not in instance.credentials.blob
    listing = admin.get(reverse("console:channels"))
    assert b"Main bot" in listing.content
    assert BOT_TOKEN.encode() not in listing.content
    edit = admin.get(reverse("console:channel-edit", args=[instance.pk]))
    assert BOT_TOKEN.encode() not in edit.content
    assert AuditEvent.objects.filter(action="channel.created").exists()


def test_whatsapp_channel_needs_its_app_secret_and_shows_the_verify_token_once(
    personas: dict[str, Account],
) -> None:
    admin = client_for(personas["adam"])
    url = reverse("console:channel-create", args=["whatsapp"])
    data = {
        "name": "WA",
        "is_active": "on",
        "cred_access_token": "EAAG-token",
        "cfg_phone_number_id": "106540352242922",
        "default_language": "ko",
    }
    refused = admin.post(url, data)
    assert refused.status_code == 200
    assert not ChannelInstance.objects.exists()
    response = admin.post(url, {**data, "intake_secret": "app-secret"})
    instance = ChannelInstance.objects.get()
    assert b"Verify token" in response.content
    assert instance.verify_hash
    assert b"app-secret" not in bytes(instance.intake_secret or b"")


def test_channel_pages_are_for_admins_only(personas: dict[str, Account]) -> None:
    for name in ("kim", "sofia", "anna"):
        assert client_for(personas[name]).get(reverse("console:channels")).status_code == 403


def test_operator_logs_a_hotline_call_through_the_form(personas: dict[str, Account]) -> None:
    kim = client_for(personas["kim"])
    due = (timezone.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = kim.post(
        reverse("console:hotline-call"),
        {
            "language": "ko",
            "relation": "relative",
            "inquiry_type": "family_member",
            "summary": "누나가 전화함: 동생이 항복하고 싶어함",
            "callback_number": "+82 10 5555 1234",
            "callback_due": due,
            "callback_note": "저녁 9시 이후",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("console:case", args=[case.reference])
    assert case.language == "ko"
    assert case.inquiry_type == "family_member"
    assert Callback.objects.get().state == CallbackState.SCHEDULED


def test_operator_may_only_log_calls_in_languages_they_read(personas: dict[str, Account]) -> None:
    kim = client_for(personas["kim"])
    response = kim.post(
        reverse("console:hotline-call"),
        {"language": "uk", "relation": "self", "inquiry_type": "other", "summary": "..."},
    )
    assert response.status_code == 200
    assert not Case.objects.exists()
    assert "summary" not in response.context["form"].errors  # the typed text stays in the form


def test_call_back_is_marked_done(personas: dict[str, Account]) -> None:
    call = log_hotline_call(
        by=personas["olga"],
        language="ru",
        relation="self",
        summary="Звонок",
        callback_number="+79001112233",
        callback_due=timezone.now() - timedelta(minutes=5),
    )
    callback = Callback.objects.get(case=call.case)
    response = client_for(personas["olga"]).post(
        reverse("console:callback-done", args=[callback.pk])
    )
    assert response.status_code == 302
    callback.refresh_from_db()
    assert callback.state == CallbackState.DONE
    # Kim reads Korean and Russian: a Ukrainian case is not hers.
    call2 = log_hotline_call(
        by=personas["olga"],
        language="uk",
        relation="self",
        summary="Ще раз",
        callback_number="+79001112244",
        callback_due=timezone.now(),
    )
    other = Callback.objects.get(case=call2.case)
    assert (
        client_for(personas["kim"])
        .post(reverse("console:callback-done", args=[other.pk]))
        .status_code
        == 404
    )


def _case_with_photo(installed_keys: Keyring, language: str) -> MediaAttachment:
    instance, _ = create_channel_instance(
        by=None, channel_type="telegram", name="bot", credentials={"bot_token": BOT_TOKEN}
    )
    case = open_case(channel="telegram", language=language)
    contact = Contact.objects.create(case=case, channel="telegram")
    message = add_inbound_message(
        case,
        contact,
        body=seal("", to=installed_keys.public),
        language=language,
        received_at=timezone.now(),
    )
    return MediaAttachment.objects.create(
        message=message,
        instance=instance,
        kind="photo",
        provider_ref=seal("file", to=installed_keys.public),
        content=seal(b"\xff\xd8\xffphoto-bytes", to=installed_keys.public),
        mime_type="image/jpeg",
        state=MediaState.STORED,
    )


def test_media_is_served_decrypted_and_audited_to_those_who_may_see_the_case(
    personas: dict[str, Account], installed_keys: Keyring
) -> None:
    media = _case_with_photo(installed_keys, "ko")
    url = reverse("console:media-file", args=[media.pk])
    response = client_for(personas["kim"]).get(url)
    assert response.status_code == 200
    assert response.content == b"\xff\xd8\xffphoto-bytes"
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "no-store, private"
    assert "sandbox" in response["Content-Security-Policy"]
    event = AuditEvent.objects.get(action="media.opened")
    assert event.actor_label == "kim"
    assert event.detail["media"] == media.pk
    assert client_for(personas["olga"]).get(url).status_code == 404
    assert client_for(personas["adam"]).get(url).status_code == 403


def test_sms_segment_counter_fragment(personas: dict[str, Account]) -> None:
    response = client_for(personas["olga"]).post(
        reverse("console:sms-segments"), {"text": "Привет! " * 10}
    )
    assert response.status_code == 200
    assert b"UCS-2" in response.content
    assert b"2 SMS" in response.content

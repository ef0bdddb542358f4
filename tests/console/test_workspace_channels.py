"""The case workspace shows what the channels know: attachments, delivery failures with
a resend button, WhatsApp's window and templates, SMS segments, call-backs due; and no
reply form where no reply can be sent."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import add_inbound_message, open_case, post_reply
from safepassage.cases.models import Case, Contact, DeliveryStatus, Message
from safepassage.channels.domain.hotline import log_hotline_call
from safepassage.channels.domain.instances import create_channel_instance
from safepassage.channels.models import (
    ChannelInstance,
    ChatSession,
    DeliveryState,
    MediaAttachment,
    MediaState,
    OutboundDelivery,
)
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import seal

from .helpers import force_verified_login

pytestmark = pytest.mark.django_db
BOT_TOKEN = "987654321:AAEsecretsecretsecretsecretsecret12"
TEMPLATES = (
    "followup_ru|ru|Пожалуйста, напишите нам снова.\nfollowup_en|en|Please write to us again."
)


def client_for(account: Account) -> Client:
    client = Client()
    force_verified_login(client, account)
    return client


def chat_case(
    keys: Keyring,
    channel: str,
    *,
    language: str = "uk",
    last_inbound: timedelta = timedelta(minutes=5),
    config: dict[str, str] | None = None,
) -> tuple[Case, Contact, ChannelInstance]:
    """A case with one contact on ``channel`` reached through a live chat session."""
    if channel == "whatsapp":
        instance, _ = create_channel_instance(
            by=None,
            channel_type="whatsapp",
            name="wa",
            credentials={"access_token": "EAAG-token"},
            intake_secret="app-secret",
            config={"phone_number_id": "106540352242922", **(config or {})},
        )
    elif channel == "sms":
        instance, _ = create_channel_instance(
            by=None,
            channel_type="sms",
            name="sms",
            credentials={"account_sid": "AC1", "api_secret": "t"},
            intake_secret="twilio-token",
            config={"public_base_url": "https://intake.example.org", "from_number": "+15550001"},
        )
    else:
        instance, _ = create_channel_instance(
            by=None, channel_type="telegram", name="bot", credentials={"bot_token": BOT_TOKEN}
        )
    case = open_case(channel=channel, language=language)
    contact = Contact.objects.create(case=case, channel=channel)
    at = timezone.now() - last_inbound
    ChatSession.objects.create(
        instance=instance,
        identity=seal("+79001112233", to=keys.public),
        identity_index=format(case.pk, "064x"),
        contact=contact,
        language=language,
        last_inbound_at=at,
    )
    add_inbound_message(
        case, contact, body=seal("Хочу сдаться", to=keys.public), language=language, received_at=at
    )
    return case, contact, instance


def page(client: Client, case: Case) -> str:
    response = client.get(reverse("console:case", args=[case.reference]))
    assert response.status_code == 200
    return response.content.decode()


def test_attachments_are_shown_inline_and_served_strictly(
    personas: dict[str, Account], installed_keys: Keyring
) -> None:
    case, _contact, instance = chat_case(installed_keys, "telegram")
    message = Message.objects.get(case=case)
    kinds = {
        "photo": (b"\x89PNG\r\n\x1a\nrest", "image/png"),
        "voice": (b"OggS\x00voice", "audio/ogg"),
        "document": (b"%PDF-1.7 body", "application/pdf"),
    }
    media = {
        kind: MediaAttachment.objects.create(
            message=message,
            instance=instance,
            kind=kind,
            provider_ref=seal("ref", to=installed_keys.public),
            file_name=seal("отчёт.pdf", to=installed_keys.public),
            content=seal(content, to=installed_keys.public),
            mime_type=mime,
            size=len(content),
            state=MediaState.STORED,
        )
        for kind, (content, mime) in kinds.items()
    }
    olga = client_for(personas["olga"])
    html = page(olga, case)
    assert f'<img src="{reverse("console:media-file", args=[media["photo"].pk])}"' in html
    voice = reverse("console:media-file", args=[media["voice"].pk])
    assert f'<audio controls preload="none" src="{voice}"' in html
    assert f'href="{reverse("console:media-file", args=[media["document"].pk])}" download' in html
    # Rendering the page opened no attachment: only fetching one does.
    assert not AuditEvent.objects.filter(action="media.opened").exists()
    for kind, (content, mime) in kinds.items():
        response = olga.get(reverse("console:media-file", args=[media[kind].pk]))
        assert response.status_code == 200
        assert response.content == content
        assert response["Content-Type"] == mime
        assert response["Cache-Control"] == "no-store, private"
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = "attachment" if kind == "document" else "inline"
        assert response["Content-Disposition"].startswith(disposition + ";")
    assert AuditEvent.objects.filter(action="media.opened").count() == 3
    # Kim reads Korean and Russian: a Ukrainian case is not hers, nor are its files.
    assert (
        client_for(personas["kim"])
        .get(reverse("console:media-file", args=[media["photo"].pk]))
        .status_code
        == 404
    )


def test_an_attachment_whose_bytes_lie_about_their_type_is_only_a_download(
    personas: dict[str, Account], installed_keys: Keyring
) -> None:
    case, _contact, instance = chat_case(installed_keys, "telegram")
    fake = MediaAttachment.objects.create(
        message=Message.objects.get(case=case),
        instance=instance,
        kind="photo",
        provider_ref=seal("ref", to=installed_keys.public),
        content=seal(b"<html><script>alert(1)</script>", to=installed_keys.public),
        mime_type="image/jpeg",
        state=MediaState.STORED,
    )
    response = client_for(personas["olga"]).get(reverse("console:media-file", args=[fake.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_failed_reply_shows_the_providers_reason_and_is_sent_again_once(
    personas: dict[str, Account], installed_keys: Keyring
) -> None:
    case, contact, _instance = chat_case(installed_keys, "sms")
    olga = personas["olga"]
    reply = post_reply(case, by=olga, text="Мы здесь", contact=contact)
    OutboundDelivery.objects.filter(message=reply).update(
        state=DeliveryState.FAILED, error_code="twilio_30003"
    )
    Message.objects.filter(pk=reply.pk).update(status=DeliveryStatus.FAILED)
    client = client_for(olga)
    html = page(client, case)
    assert "The handset could not be reached" in html
    resend = reverse("console:message-resend", args=[reply.pk])
    assert f'action="{resend}"' in html
    assert client.post(resend).status_code == 302
    # Queued for the worker again (tasks go through the database; nothing ran yet).
    assert OutboundDelivery.objects.get(message=reply).state == DeliveryState.QUEUED
    assert Message.objects.get(pk=reply.pk).status == DeliveryStatus.QUEUED
    events = AuditEvent.objects.filter(action="message.resend")
    assert events.count() == 1
    assert events.get().detail["previous_error"] == "twilio_30003"
    # A second click (or a double submission) sends nothing more.
    OutboundDelivery.objects.filter(message=reply).update(state=DeliveryState.QUEUED)
    client.post(resend)
    assert AuditEvent.objects.filter(action="message.resend").count() == 1
    assert f'action="{resend}"' not in page(client, case)


def test_whatsapp_window_open_allows_free_text_and_says_until_when(
    personas: dict[str, Account], installed_keys: Keyring
) -> None:
    case, _contact, _instance = chat_case(
        installed_keys, "whatsapp", last_inbound=timedelta(hours=2)
    )
    html = page(client_for(personas["olga"]), case)
    assert "free replies are possible until" in html
    assert 'id="reply-form"' in html


def test_whatsapp_window_closed_offers_templates_instead_of_free_text(
    personas: dict[str, Account], installed_keys: Keyring
) -> None:
    case, contact, _instance = chat_case(
        installed_keys,
        "whatsapp",
        last_inbound=timedelta(hours=30),
        config={"templates": TEMPLATES},
    )
    client = client_for(personas["olga"])
    html = page(client, case)
    assert 'id="reply-form"' not in html
    assert "24-hour window is closed" in html
    assert 'value="followup_ru"' in html
    assert "Пожалуйста, напишите нам снова." in html
    response = client.post(
        reverse("console:template-reply", args=[case.reference]),
        {"contact": contact.pk, "template": "followup_ru"},
    )
    assert response.status_code == 302
    assert OutboundDelivery.objects.filter(message__case=case).count() == 1


def test_whatsapp_window_closed_without_templates_explains_and_has_no_form(
    personas: dict[str, Account], installed_keys: Keyring
) -> None:
    case, _contact, _instance = chat_case(
        installed_keys, "whatsapp", last_inbound=timedelta(days=3)
    )
    html = page(client_for(personas["olga"]), case)
    assert 'id="reply-form"' not in html
    assert "No approved templates are configured" in html
    assert 'id="no-reply-form"' in html


def test_sms_reply_counts_segments_while_typing(
    personas: dict[str, Account], installed_keys: Keyring
) -> None:
    case, _contact, _instance = chat_case(installed_keys, "sms")
    client = client_for(personas["olga"])
    html = page(client, case)
    segments = reverse("console:sms-segments")
    assert f'hx-post="{segments}"' in html
    assert 'id="sms-segments"' in html
    latin = client.post(segments, {"text": "a" * 161}).content.decode()
    assert "2 SMS parts (GSM-7" in latin
    cyrillic = client.post(segments, {"text": "я" * 70}).content.decode()
    assert "1 SMS (UCS-2" in cyrillic


def test_hotline_case_has_no_reply_form_but_a_call_back_form(
    personas: dict[str, Account], installed_keys: Keyring
) -> None:
    call = log_hotline_call(
        by=personas["olga"],
        language="ru",
        relation="self",
        summary="Звонил, хочет сдаться",
        callback_number="+79001112233",
    )
    client = client_for(personas["olga"])
    html = page(client, call.case)
    assert 'id="reply-form"' not in html
    assert "Hotline callers are answered by phone" in html
    assert reverse("console:callback-schedule", args=[call.case.reference]) in html


def test_due_call_backs_appear_on_home_and_queue_for_those_who_may_call(
    personas: dict[str, Account], installed_keys: Keyring
) -> None:
    call = log_hotline_call(
        by=personas["olga"],
        language="uk",
        relation="self",
        summary="Передзвонити",
        callback_number="+79001112233",
        callback_due=timezone.now() - timedelta(minutes=1),
    )
    later = log_hotline_call(
        by=personas["olga"],
        language="uk",
        relation="self",
        summary="Пізніше",
        callback_number="+79001112244",
        callback_due=timezone.now() + timedelta(hours=3),
    )
    reference = call.case.reference
    for name in ("console:home", "console:queue"):
        html = client_for(personas["olga"]).get(reverse(name)).content.decode()
        assert "Call-backs due" in html
        assert reference in html
        assert later.case.reference not in re.sub(r'id="counts-heading".*', "", html, flags=re.S)
        # Kim reads Korean and Russian: a Ukrainian call-back is not hers to make.
        assert reference not in client_for(personas["kim"]).get(reverse(name)).content.decode()
    assert (
        "Call-backs due"
        not in client_for(personas["adam"]).get(reverse("console:home")).content.decode()
    )

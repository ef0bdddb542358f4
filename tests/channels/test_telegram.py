"""Telegram: real Update payloads posted over HTTP to the live server, the worker run as
in production, outbound calls answered by a loopback Bot API."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.models import Account
from safepassage.campaigns.models import Campaign
from safepassage.cases.domain import transition_case
from safepassage.cases.models import Case, Contact, DeliveryStatus, Direction, Message
from safepassage.cases.states import CaseState, CloseReason
from safepassage.channels.models import ChatSession, MediaAttachment, MediaState, OutboundDelivery
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import open_sealed, open_text
from safepassage.envelopes.models import InboundEnvelope
from tests.channels import payloads
from tests.channels.conftest import Channel, post, run_worker, sealed
from tests.channels.fake_providers import MEDIA_BYTES, FakeProviders

pytestmark = pytest.mark.django_db(transaction=True)


def send_update(
    live_server: LiveServer,
    channel: Channel,
    update: dict[str, object],
    *,
    secret: str | None = None,
) -> int:
    status, _ = post(
        live_server.url + channel.path,
        payloads.to_json(update),
        {
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": channel.secret if secret is None else secret,
        },
    )
    return status


def test_set_webhook_registers_secret_token_and_allowed_updates(
    telegram: Channel, providers: FakeProviders, live_server: LiveServer
) -> None:
    call = providers.calls_to("/setWebhook$")[-1].json()
    assert call["url"] == live_server.url + telegram.path
    assert call["allowed_updates"] == ["message", "edited_message", "callback_query"]
    assert len(call["secret_token"]) >= 32
    # Only a hash of the secret is stored.
    assert call["secret_token"] not in telegram.instance.verify_hash


def test_text_message_opens_a_case_in_the_detected_language(
    telegram: Channel, live_server: LiveServer, installed_keys: Keyring
) -> None:
    update = payloads.tg_message(
        5551001, text="Здравствуйте, я хочу сдаться в плен, что мне делать?"
    )
    assert send_update(live_server, telegram, update) == 200
    run_worker()
    message = Message.objects.get(direction=Direction.INBOUND)
    assert message.language == "ru"
    assert message.case.language == "ru"
    assert message.case.first_channel == "telegram"
    assert open_text(message.body, installed_keys) == update["message"]["text"]
    contact = message.contact
    assert open_text(sealed(contact.identity), installed_keys) == "5551001"


def test_wrong_secret_token_is_refused_and_nothing_stored(
    telegram: Channel, live_server: LiveServer
) -> None:
    update = payloads.tg_message(5551002, text="привет")
    assert send_update(live_server, telegram, update, secret="guessed") == 403
    assert send_update(live_server, telegram, update, secret="") == 403
    assert InboundEnvelope.objects.count() == 0


def test_unknown_path_answers_404_like_any_other(
    telegram: Channel, live_server: LiveServer
) -> None:
    status, _ = post(
        live_server.url + "/hooks/telegram/not-a-key/",
        b"{}",
        {"X-Telegram-Bot-Api-Secret-Token": telegram.secret},
    )
    assert status == 404
    assert InboundEnvelope.objects.count() == 0


def test_malformed_body_is_400_and_unknown_update_types_are_acknowledged(
    telegram: Channel, live_server: LiveServer
) -> None:
    url = live_server.url + telegram.path
    headers = {
        "X-Telegram-Bot-Api-Secret-Token": telegram.secret,
        "Content-Type": "application/json",
    }
    assert post(url, b"{not json", headers)[0] == 400
    assert post(url, b'{"no_update_id": 1}', headers)[0] == 400
    poll = {
        "update_id": 815999999,
        "poll": {"id": "5", "question": "?", "options": [], "total_voter_count": 0},
    }
    assert post(url, payloads.to_json(poll), headers)[0] == 200
    assert send_update(live_server, telegram, payloads.tg_group_message(5551003)) == 200
    assert InboundEnvelope.objects.count() == 0


def test_oversize_body_is_refused(telegram: Channel, live_server: LiveServer) -> None:
    huge = payloads.tg_message(5551004, text="а" * 70_000)
    assert send_update(live_server, telegram, huge) == 413
    assert InboundEnvelope.objects.count() == 0


def test_the_same_update_twice_makes_one_message(
    telegram: Channel, live_server: LiveServer
) -> None:
    update = payloads.tg_message(5551005, text="Я из 3-й роты, хочу выйти живым")
    assert send_update(live_server, telegram, update) == 200
    assert send_update(live_server, telegram, update) == 200
    run_worker()
    assert InboundEnvelope.objects.count() == 2
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 1
    assert Case.objects.count() == 1


def test_start_with_code_attributes_campaign_and_greets_without_opening_a_case(
    telegram: Channel, live_server: LiveServer, providers: FakeProviders
) -> None:
    campaign = Campaign.objects.create(code="LEAF24", title="Leaflet, autumn")
    assert (
        send_update(
            live_server,
            telegram,
            payloads.tg_message(5551006, text="/start leaf24", language_code="ko"),
        )
        == 200
    )
    run_worker()
    assert Case.objects.count() == 0
    session = ChatSession.objects.get()
    assert session.campaign == campaign
    assert session.language == "ko"
    sent = [call.json() for call in providers.calls_to("/sendMessage$")]
    assert len(sent) == 3  # greeting, safety advice, language choice
    assert all(str(call["chat_id"]) == "5551006" for call in sent)
    assert "안녕하세요" in sent[0]["text"]
    assert sent[2]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "lang:ru"

    send_update(
        live_server,
        telegram,
        payloads.tg_message(
            5551006, text="항복하고 싶습니다. 어떻게 해야 합니까?", language_code="ko"
        ),
    )
    run_worker()
    case = Case.objects.get()
    assert case.campaign == campaign
    assert case.language == "ko"
    from safepassage.campaigns.models import Attribution

    assert Attribution.objects.get(case=case).via == "telegram_start"


def test_start_code_after_the_case_exists_attributes_it(
    telegram: Channel, live_server: LiveServer
) -> None:
    campaign = Campaign.objects.create(code="RADIO7", title="Radio spot")
    send_update(live_server, telegram, payloads.tg_message(5551099, text="Хочу сдаться"))
    run_worker()
    send_update(live_server, telegram, payloads.tg_message(5551099, text="/start RADIO7"))
    run_worker()
    assert Case.objects.get().campaign == campaign


def test_follow_up_message_costs_a_bounded_number_of_queries(
    telegram: Channel, live_server: LiveServer, django_assert_max_num_queries: Any
) -> None:
    from safepassage.worker.envelopes import process_pending

    send_update(live_server, telegram, payloads.tg_message(5551098, text="Первое сообщение"))
    run_worker()
    send_update(
        live_server, telegram, payloads.tg_message(5551098, text="Второе сообщение, подробнее")
    )
    # 16: the loop's reads (prepared outside the write lock, then locked and re-read),
    # the duplicate check, the chat, the case key the message is sealed under, the
    # message, the case's and contact's times, the envelope marked processed.
    with django_assert_max_num_queries(16):
        assert process_pending() == 1
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 2


def test_bot_never_echoes_what_the_person_wrote(
    telegram: Channel, live_server: LiveServer, providers: FakeProviders
) -> None:
    secret_words = "Меня зовут Петров Алексей, 1994 г.р., позывной Лис"
    send_update(live_server, telegram, payloads.tg_message(5551007, text="/start"))
    send_update(live_server, telegram, payloads.tg_message(5551007, text=secret_words))
    run_worker()
    texts = [call.json()["text"] for call in providers.calls_to("/sendMessage$")]
    assert texts, "the bot should have greeted and acknowledged"
    for text in texts:
        for word in ("Петров", "Алексей", "1994", "Лис"):
            assert word not in text


def test_language_choice_by_button_changes_the_bot_language(
    telegram: Channel, live_server: LiveServer, providers: FakeProviders
) -> None:
    send_update(live_server, telegram, payloads.tg_message(5551008, text="/start"))
    send_update(live_server, telegram, payloads.tg_callback(5551008, "lang:uk"))
    run_worker()
    session = ChatSession.objects.get()
    assert session.language == "uk"
    assert session.language_chosen
    assert providers.calls_to("/answerCallbackQuery$")
    last = providers.calls_to("/sendMessage$")[-1].json()["text"]
    assert "українською" in last


def test_language_command_with_argument(
    telegram: Channel, live_server: LiveServer, providers: FakeProviders
) -> None:
    send_update(live_server, telegram, payloads.tg_message(5551009, text="/language en"))
    run_worker()
    assert ChatSession.objects.get().language == "en"
    assert "English" in providers.calls_to("/sendMessage$")[-1].json()["text"]


def test_photo_voice_and_document_are_downloaded_and_stored_sealed(
    telegram: Channel, live_server: LiveServer, providers: FakeProviders, installed_keys: Keyring
) -> None:
    send_update(live_server, telegram, payloads.tg_photo(5551010, caption="вот мой жетон"))
    send_update(live_server, telegram, payloads.tg_voice(5551010))
    send_update(live_server, telegram, payloads.tg_document(5551010))
    run_worker()
    media = list(MediaAttachment.objects.order_by("id"))
    assert [m.kind for m in media] == ["photo", "voice", "document"]
    assert all(m.state == MediaState.STORED for m in media)
    assert open_sealed(sealed(media[0].content), installed_keys) == MEDIA_BYTES
    assert open_text(sealed(media[2].file_name), installed_keys) == "spravka.pdf"
    # The largest photo size was fetched.
    assert providers.calls_to("/getFile$")[0].json()["file_id"] == "AgACAgIAAxkBAAIBZ2VlargeSize"
    assert MEDIA_BYTES not in sealed(media[0].content).blob
    assert open_text(media[0].message.body, installed_keys) == "вот мой жетон"


def test_edited_message_is_stored_as_a_new_marked_message(
    telegram: Channel, live_server: LiveServer, installed_keys: Keyring
) -> None:
    first = payloads.tg_message(5551011, text="Я в Курской области")
    send_update(live_server, telegram, first)
    send_update(
        live_server,
        telegram,
        payloads.tg_edited(5551011, first["message"]["message_id"], "Я в Белгородской области"),
    )
    run_worker()
    bodies = [
        open_text(m.body, installed_keys)
        for m in Message.objects.filter(direction=Direction.INBOUND).order_by("id")
    ]
    assert bodies == ["Я в Курской области", "✎ Я в Белгородской области"]


def test_chat_writing_after_withdrawn_case_reopens_it(
    telegram: Channel, live_server: LiveServer, personas: dict[str, Account]
) -> None:
    send_update(live_server, telegram, payloads.tg_message(5551012, text="Хочу сдаться, помогите"))
    run_worker()
    case = Case.objects.get()
    transition_case(case, to=CaseState.CLOSED, by=personas["sofia"], reason=CloseReason.WITHDRAWN)
    send_update(
        live_server, telegram, payloads.tg_message(5551012, text="Я снова здесь, передумал обратно")
    )
    run_worker()
    assert Case.objects.count() == 1
    case.refresh_from_db()
    assert case.state == CaseState.ENGAGED
    assert case.messages.filter(direction=Direction.INBOUND).count() == 2


def test_chat_writing_after_completed_case_opens_a_new_case(
    telegram: Channel, live_server: LiveServer, personas: dict[str, Account]
) -> None:
    send_update(live_server, telegram, payloads.tg_message(5551013, text="Хочу сдаться, помогите"))
    run_worker()
    old = Case.objects.get()
    transition_case(old, to=CaseState.CLOSED, by=personas["sofia"], reason=CloseReason.INELIGIBLE)
    send_update(
        live_server, telegram, payloads.tg_message(5551013, text="Это опять я, теперь всё иначе")
    )
    run_worker()
    fresh = Case.objects.exclude(pk=old.pk).get()
    assert fresh.state == CaseState.NEW
    assert f"previous_case:{old.reference}" in fresh.risk_flags
    assert Contact.objects.get().case == fresh
    old.refresh_from_db()
    assert old.state == CaseState.CLOSED


def test_operator_reply_is_sent_once_and_marked_sent(
    telegram: Channel,
    live_server: LiveServer,
    providers: FakeProviders,
    personas: dict[str, Account],
) -> None:
    from safepassage.cases.domain import post_reply

    send_update(live_server, telegram, payloads.tg_message(5551014, text="Мне нужна помощь"))
    run_worker()
    case = Case.objects.get()
    before = len(providers.calls_to("/sendMessage$"))
    reply = post_reply(
        case, by=personas["olga"], text="Здравствуйте! Вы в безопасном месте?", idempotency_key="k1"
    )
    assert reply.status == DeliveryStatus.QUEUED
    run_worker()
    run_worker()
    reply.refresh_from_db()
    assert reply.status == DeliveryStatus.SENT
    sent = providers.calls_to("/sendMessage$")[before:]
    assert [c.json()["text"] for c in sent] == ["Здравствуйте! Вы в безопасном месте?"]
    assert OutboundDelivery.objects.get(message=reply).attempts == 1


def test_chat_whose_username_a_web_applicant_gave_is_flagged_on_both_cases(
    telegram: Channel, live_server: LiveServer
) -> None:
    import datetime

    from safepassage.crypto.receipts import new_receipt
    from safepassage.crypto.runtime import get_public_keyring
    from safepassage.crypto.sealing import seal_envelope_body
    from safepassage.envelopes.models import EnvelopeKind, InboundEnvelope

    body: dict[str, object] = {
        "receipt": new_receipt(),
        "language": "ru",
        "message": "Хочу сдаться, пишите мне в телеграм",
        "reach_back": {"telegram": "@Ivan_K"},
    }
    InboundEnvelope.objects.create(
        kind=EnvelopeKind.WEB_SUBMISSION,
        channel="web",
        received_at=datetime.datetime.now(tz=datetime.UTC),
        body=seal_envelope_body(body, to=get_public_keyring()),
    )
    run_worker()
    web_case = Case.objects.get()
    # The chat's sender has username "ivan_k" (payloads.tg_user).
    send_update(live_server, telegram, payloads.tg_message(5551097, text="Это я, с сайта"))
    run_worker()
    chat_case = Case.objects.exclude(pk=web_case.pk).get()
    web_case.refresh_from_db()
    assert f"shared_contact:{chat_case.reference}" in web_case.risk_flags
    assert f"shared_contact:{web_case.reference}" in chat_case.risk_flags

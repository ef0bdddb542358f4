"""What each console page needs before its queries can be counted.

For every GET-able console URL name, a :class:`Page`: the persona that opens it, and a
builder that creates what the URL needs (with ``n`` items for a list page) and returns
the URL.  tests/console/test_query_counts.py holds the expected counts; this module only
builds the world, through the same domain functions the console and the worker use.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from safepassage.accounts.domain import set_on_shift
from safepassage.accounts.domain.approvals import approve_request, request_new_account
from safepassage.accounts.models import Account
from safepassage.apiclients.domain import ClientSpec, approve_client, create_client
from safepassage.audit.chain import record_event
from safepassage.campaigns.domain import attribute
from safepassage.campaigns.models import Campaign
from safepassage.cases.domain import (
    add_note,
    claim_case,
    merge_cases,
    post_reply,
    save_canned_reply,
    transition_case,
)
from safepassage.cases.models import Case
from safepassage.cases.states import CaseState, CloseReason
from safepassage.channels.domain.instances import create_channel_instance
from safepassage.channels.models import ChannelInstance, MediaAttachment, MediaState
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import seal
from safepassage.floods.models import FloodGroup, FloodMembership, GroupKind, Verdict
from safepassage.register.domain import (
    approve_bureau_export,
    issue_capture_card,
    prepare_bureau_export,
    reject_bureau_export,
)
from safepassage.register.models import BureauExport, CapturedPerson

from ..cases.casework import add_message, make_case
from ..conftest import PERSONA_PASSWORD
from ..register.support import days_ago, log, registered

BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@dataclass
class World:
    """The personas, the programme keys and the settings of one test."""

    personas: dict[str, Account]
    keys: Keyring
    settings: Settings
    # What a list page must show, one entry per item, so that "the same count with 1
    # and 3 items" cannot pass on a page that lists nothing.
    shown: list[str] = field(default_factory=list)

    def show(self, text: str) -> str:
        """Note ``text`` as something the page must contain; return it."""
        self.shown.append(text)
        return text

    def case(self, language: str = "ko") -> Case:
        """A new case with a contact and one sealed inbound message."""
        return make_case(language=language)

    def worked_case(self) -> Case:
        """A Korean case as a list shows it at its fullest: it came through a campaign
        and kim holds it (so each row names a campaign and an operator)."""
        case = self.case()
        campaign = _campaign(f"RADIO{case.pk}")
        attribute(case, campaign.code, via="web")
        return claim_case(Case.objects.get(pk=case.pk), by=self.personas["kim"])

    def record(self, *, events: int = 1) -> CapturedPerson:
        """A register record (a surrendered Korean case) with ``events`` welfare events."""
        roman = self.personas["roman"]
        record = registered(self.personas["kim"], roman, captured_days_ago=30)
        for i in range(events):
            # Arrival first; later events are reports on his food (any number may follow).
            kind = "arrival" if i == 0 else "food"
            log(record, roman, kind, days_ago(20 - i), place=f"Camp {i}", note=f"Report {i}")
        return record

    def channel(self, name: str = "bot") -> ChannelInstance:
        """A Telegram channel instance (nothing is sent: no page here talks to it)."""
        instance, _secrets = create_channel_instance(
            by=None, channel_type="telegram", name=name, credentials={"bot_token": BOT_TOKEN}
        )
        return instance

    def account(self, username: str, role: str = "operator") -> Account:
        """One more account with the test password."""
        return Account.objects.create_account(
            username, PERSONA_PASSWORD, role=role, languages=["ko"]
        )


Builder = Callable[[World, int], str]
Prepare = Callable[[Client, World], None]


@dataclass(frozen=True)
class Page:
    """How to open one console page: as whom, and what it needs (``n`` list items)."""

    persona: str | None  # None: anonymous (the public sign-in pages)
    build: Builder
    listing: bool = False  # counted with 1 and with 3 items, which must agree
    prepare: Prepare | None = field(default=None)


def _plain(name: str) -> Builder:
    def build(_world: World, _n: int) -> str:
        return reverse(name)

    return build


def _password_step(username: str) -> Prepare:
    """Pass the password step of the real sign-in form, leaving the session half-signed."""

    def prepare(client: Client, _world: World) -> None:
        response = client.post(
            reverse("console:sign-in"), {"username": username, "password": PERSONA_PASSWORD}
        )
        assert response.status_code == 302, "password step refused"

    return prepare


def _enrolling(world: World, _n: int) -> str:
    return reverse("console:enrol")


def _enrolment_code_step(client: Client, world: World) -> None:
    """An approved new account whose holder has passed the enrolment-code step."""
    request, first_half = request_new_account(
        by=world.personas["adam"],
        username="newcomer",
        display_name="Newcomer",
        role="operator",
        languages=["ko"],
    )
    second_half = approve_request(by=world.personas["sofia"], request=request)
    response = client.post(
        reverse("console:enrol-code"),
        {"username": "newcomer", "first_half": first_half, "second_half": second_half},
    )
    assert response.status_code == 302, "enrolment code refused"


def _accounts(world: World, n: int) -> str:
    for i in range(n):
        world.account(world.show(f"extra{i}"))
    return reverse("console:accounts")


def _access_requests(world: World, n: int) -> str:
    # New operator accounts asked for by the admin, waiting for a supervisor (sofia).
    for i in range(n):
        request_new_account(
            by=world.personas["adam"],
            username=world.show(f"asked{i}"),
            display_name=f"Asked {i}",
            role="operator",
            languages=["ko"],
        )
    return reverse("console:access-requests")


def _retention(world: World, _n: int) -> str:
    # The rules with their due counts, and one closed case's retention status.
    case = transition_case(
        world.case(),
        to=CaseState.CLOSED,
        by=world.personas["sofia"],
        reason=CloseReason.INELIGIBLE,
    )
    world.show(case.reference)
    return reverse("console:retention") + f"?case={case.reference}"


def _api_clients(world: World, n: int) -> str:
    # Clients created by one admin and approved by another (both names on the row).
    second = Account.objects.get_or_create(username="ada", defaults={"role": "admin"})[0]
    for i in range(n):
        spec = ClientSpec(
            name=world.show(f"partner-{i}"),
            scopes=["stats:read"],
            expires_on=datetime.date.today() + datetime.timedelta(days=30),
            allowed_networks=[],
            rate_limit_per_minute=60,
        )
        client, _token = create_client(by=world.personas["adam"], spec=spec)
        approve_client(client, by=second)
    return reverse("console:api-clients")


def _account_detail(world: World, _n: int) -> str:
    return reverse("console:account-detail", args=[world.personas["kim"].pk])


def _audit(world: World, n: int) -> str:
    for i in range(n):
        ref = world.show(f"x{i}")
        record_event("test.viewed", actor=world.personas["kim"], object_type="t", object_ref=ref)
    return reverse("console:audit")


def _campaign(code: str) -> Campaign:
    return Campaign.objects.create(code=code, title=f"Campaign {code}", languages=["ko", "ru"])


def _campaigns(world: World, n: int) -> str:
    for i in range(n):
        _campaign(world.show(f"KURSK{i}"))
    return reverse("console:campaigns")


def _campaign_detail(world: World, _n: int) -> str:
    world.settings.SAFEPASSAGE_PUBLIC_BASE_URL = "https://example.org/"
    return reverse("console:campaign", args=[_campaign("KURSK24").code])


def _leaflet(world: World, _n: int) -> str:
    world.settings.SAFEPASSAGE_PUBLIC_BASE_URL = "https://example.org/"
    world.settings.SAFEPASSAGE_TELEGRAM_BOT_USERNAME = "@SafePassageBot"
    world.settings.SAFEPASSAGE_SMS_NUMBER = "+380 67 000 00 00"
    code = _campaign("KURSK24").code
    return reverse("console:campaign-leaflet", args=[code, "ko", "a6"])


def _queue(name: str) -> Builder:
    def build(world: World, n: int) -> str:
        for _ in range(n):
            world.show(world.worked_case().reference)
        # A supervisor's whole queue, held cases included (the fullest rows).
        return reverse(name) + "?scope=all"

    return build


def _waiting(world: World, n: int) -> str:
    for _ in range(n):
        case = world.worked_case()
        for state in (CaseState.ENGAGED, CaseState.VERIFIED):
            case = transition_case(case, to=state, by=world.personas["kim"])
        world.show(case.reference)
    return reverse("console:waiting")


def _workspace(world: World, n: int) -> str:
    # Per item: an inbound message, kim's reply and kim's note; and (after the first) a
    # duplicate case merged in, which brings its contact and message along.
    kim, sofia = world.personas["kim"], world.personas["sofia"]
    case = world.case()
    for i in range(n):
        add_message(case, world.show(f"message {i}"))
        post_reply(case, by=kim, text=world.show(f"reply {i}"))
        add_note(case, by=kim, text=world.show(f"note {i}"))
        if i:
            duplicate = world.case()
            merge_cases(keep=Case.objects.get(pk=case.pk), absorb=duplicate, by=sofia)
            world.show(duplicate.reference)
    return reverse("console:case", args=[case.reference])


def _merge_preview(world: World, _n: int) -> str:
    kept, other = world.case(), world.case()
    url = reverse("console:case-merge", args=[kept.reference])
    return f"{url}?other={world.show(other.reference)}"


def _supervision(world: World, n: int) -> str:
    for i in range(n):
        account = world.account(world.show(f"shift{i}"))
        set_on_shift(by=world.personas["adam"], account=account, on_shift=True)
        world.case()
    return reverse("console:supervision")


def _canned(world: World, n: int) -> str:
    for i in range(n):
        save_canned_reply(
            by=world.personas["sofia"], language="ko", title=world.show(f"T{i}"), body="안녕"
        )
    return reverse("console:canned")


def _canned_edit(world: World, _n: int) -> str:
    reply = save_canned_reply(by=world.personas["sofia"], language="ko", title="T", body="안녕")
    return reverse("console:canned-edit", args=[reply.pk])


def _channels(world: World, n: int) -> str:
    for i in range(n):
        world.channel(world.show(f"bot {i}"))
    return reverse("console:channels")


def _channel_edit(world: World, _n: int) -> str:
    return reverse("console:channel-edit", args=[world.channel().pk])


def _media(world: World, _n: int) -> str:
    message = world.case().messages.get()
    media = MediaAttachment.objects.create(
        message=message,
        instance=world.channel(),
        kind="photo",
        provider_ref=seal("file", to=world.keys.public),
        content=seal(b"\xff\xd8photo-bytes", to=world.keys.public),
        mime_type="image/jpeg",
        state=MediaState.STORED,
    )
    return reverse("console:media-file", args=[media.pk])


def _records(name: str, *, listed: bool = True) -> Builder:
    def build(world: World, n: int) -> str:
        for _ in range(n):
            number = world.record().number
            if listed:
                world.show(number)
        return reverse(name)

    return build


def _record_detail(world: World, n: int) -> str:
    record = world.record(events=n)
    for i in range(n):
        world.show(f"Report {i}")
    return reverse("console:register-record", args=[record.number])


def _record_edit(world: World, _n: int) -> str:
    return reverse("console:register-edit", args=[world.record().number])


def _card_pdf(world: World, _n: int) -> str:
    record = world.record()
    card = issue_capture_card(record, by=world.personas["roman"])
    return reverse("console:register-card-pdf", args=[record.number, card.pk])


def _exports(world: World, n: int) -> str:
    # A rejected batch leaves its records due, so one record makes any number of batches.
    world.record()
    for i in range(n):
        export = prepare_bureau_export(by=world.personas["roman"])
        world.show(reverse("console:register-export", args=[export.number]))
        if i < n - 1:
            reject_bureau_export(export, by=world.personas["sofia"])
    return reverse("console:register-exports")


def _export(world: World, n: int) -> str:
    for _ in range(n):
        world.show(world.record().number)
    export = prepare_bureau_export(by=world.personas["roman"])
    return reverse("console:register-export", args=[export.number])


def _approved(name: str) -> Builder:
    def build(world: World, _n: int) -> str:
        world.record()
        export = prepare_bureau_export(by=world.personas["roman"])
        export = approve_bureau_export(export, by=world.personas["sofia"])
        assert isinstance(export, BureauExport)
        return reverse(name, args=[export.number])

    return build


def _register_case_status(world: World, _n: int) -> str:
    return reverse("console:register-case-status", args=[world.case().reference])


def _stats(name: str, **kwargs: str) -> Builder:
    def build(world: World, n: int) -> str:
        for _ in range(n):
            world.case()
        return reverse(name, kwargs=kwargs or None)

    return build


def _group(world: World, members: int, *, listed: bool) -> FloodGroup:
    # Decided, so the page names who decided (the list then needs ?show=all).
    group = FloodGroup.objects.create(
        kind=GroupKind.BURST,
        channel="web",
        verdict=Verdict.NOT_FLOOD,
        decided_by=world.personas["sofia"],
        decided_at=timezone.now(),
    )
    for _ in range(members):
        case = world.case(language="ru")
        FloodMembership.objects.create(group=group, case=case, joined_at=timezone.now())
        if listed:
            world.show(case.reference)
    return group


def _floods(world: World, n: int) -> str:
    for _ in range(n):
        world.show(f'data-group="{_group(world, members=2, listed=False).pk}"')
    return reverse("console:floods") + "?show=all"


def _flood(world: World, n: int) -> str:
    return reverse("console:flood", args=[_group(world, members=n, listed=True).pk])


PAGES: dict[str, Page] = {
    # Public: the two sign-in steps (the second after the password step) and enrolment.
    "console:sign-in": Page(None, _plain("console:sign-in")),
    "console:sign-in-code": Page(
        None, _plain("console:sign-in-code"), prepare=_password_step("kim")
    ),
    "console:enrol": Page(None, _enrolling, prepare=_enrolment_code_step),
    "console:home": Page("kim", _plain("console:home")),
    "console:my-security": Page("kim", _plain("console:my-security")),
    "console:password": Page("kim", _plain("console:password")),
    "console:accounts": Page("adam", _accounts, listing=True),
    "console:account-create": Page("adam", _plain("console:account-create")),
    "console:account-detail": Page("adam", _account_detail),
    "console:access-requests": Page("sofia", _access_requests, listing=True),
    "console:enrol-code": Page(None, _plain("console:enrol-code")),
    "console:retention": Page("sofia", _retention),
    "console:api-clients": Page("adam", _api_clients, listing=True),
    "console:api-client-create": Page("adam", _plain("console:api-client-create")),
    "console:audit": Page("sofia", _audit, listing=True),
    "console:campaigns": Page("sofia", _campaigns, listing=True),
    "console:campaign-create": Page("sofia", _plain("console:campaign-create")),
    "console:campaign": Page("sofia", _campaign_detail),
    "console:campaign-leaflet": Page("sofia", _leaflet),
    "console:queue": Page("sofia", _queue("console:queue"), listing=True),
    "console:queue-table": Page("sofia", _queue("console:queue-table"), listing=True),
    "console:waiting": Page("kim", _waiting, listing=True),
    "console:case": Page("sofia", _workspace, listing=True),
    "console:case-merge": Page("sofia", _merge_preview),
    "console:search": Page("kim", _plain("console:search")),
    "console:supervision": Page("sofia", _supervision, listing=True),
    "console:canned": Page("sofia", _canned, listing=True),
    "console:canned-edit": Page("sofia", _canned_edit),
    "console:channels": Page("adam", _channels, listing=True),
    "console:channel-create": Page(
        "adam", lambda _w, _n: reverse("console:channel-create", args=["telegram"])
    ),
    "console:channel-edit": Page("adam", _channel_edit),
    "console:hotline-call": Page("kim", _plain("console:hotline-call")),
    "console:media-file": Page("kim", _media),
    "console:register": Page("roman", _records("console:register"), listing=True),
    "console:register-cards": Page("roman", _records("console:register-cards"), listing=True),
    "console:register-counts": Page(
        "roman", _records("console:register-counts", listed=False), listing=True
    ),
    "console:register-record": Page("roman", _record_detail, listing=True),
    "console:register-edit": Page("roman", _record_edit),
    "console:register-card-pdf": Page("roman", _card_pdf),
    "console:register-exports": Page("roman", _exports, listing=True),
    "console:register-export": Page("roman", _export, listing=True),
    "console:register-export-file": Page("roman", _approved("console:register-export-file")),
    "console:register-export-signature": Page(
        "roman", _approved("console:register-export-signature")
    ),
    "console:register-verify-key": Page("roman", _plain("console:register-verify-key")),
    "console:register-case-status": Page("kim", _register_case_status),
    "console:stats": Page("anna", _stats("console:stats"), listing=True),
    "console:stats-public": Page("anna", _stats("console:stats-public"), listing=True),
    "console:stats-export": Page(
        "anna", _stats("console:stats-export", table="all", fmt="json"), listing=True
    ),
    "console:floods": Page("sofia", _floods, listing=True),
    "console:flood": Page("sofia", _flood, listing=True),
}


def search_results(world: World, n: int) -> dict[str, str]:
    """``n`` Korean cases and the search form's data that finds them (state "new")."""
    for _ in range(n):
        world.worked_case()
    return {"state": CaseState.NEW, "language": "ko"}

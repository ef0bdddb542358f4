"""Attribution of cases to campaigns, on every channel."""

from __future__ import annotations

import datetime

import pytest

from safepassage.analytics.counters import total
from safepassage.analytics.models import Dimension, Metric
from safepassage.audit.models import AuditEvent
from safepassage.campaigns.domain import Outcome, attribute
from safepassage.campaigns.models import Attribution, AttributionFlag, AttributionVia, Campaign
from safepassage.cases.domain import open_case
from safepassage.cases.models import Case
from safepassage.cases.states import Channel
from safepassage.crypto.receipts import new_receipt
from safepassage.crypto.runtime import get_public_keyring
from safepassage.crypto.sealing import seal_envelope_body
from safepassage.envelopes.models import EnvelopeKind, InboundEnvelope
from safepassage.intake.submissions import accept_web_submission
from safepassage.worker.envelopes import process_pending

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def kursk() -> Campaign:
    return Campaign.objects.create(
        code="KURSK24", title="Korean video", languages=["ko"], medium="video"
    )


@pytest.fixture
def ended() -> Campaign:
    return Campaign.objects.create(
        code="OLD23",
        title="Leaflets 2023",
        languages=["ru"],
        medium="leaflet",
        starts_on=datetime.date(2023, 1, 1),
        ends_on=datetime.date(2023, 12, 31),
    )


def test_web_submission_with_code_is_attributed_end_to_end(kursk: Campaign) -> None:
    accept_web_submission(fields={"message": "살고 싶습니다", "campaign": "kursk24"}, language="ko")
    assert process_pending() == 1
    case = Case.objects.get()
    assert case.campaign == kursk
    row = Attribution.objects.get(case=case)
    assert (row.via, row.first, row.flag) == (AttributionVia.WEB, True, "")
    assert total(Metric.OPENED, Dimension.CAMPAIGN, str(kursk.pk)) == 1
    assert total(Metric.OPENED, Dimension.CAMPAIGN, "") == 0


def test_web_submission_with_unknown_code_opens_case_without_campaign(kursk: Campaign) -> None:
    accept_web_submission(fields={"message": "Хочу жить", "campaign": "NOSUCH"}, language="ru")
    process_pending()
    case = Case.objects.get()
    assert case.campaign is None
    row = Attribution.objects.get(case=case)
    assert (row.campaign, row.flag) == (None, AttributionFlag.UNKNOWN)


def test_web_envelope_without_code_records_nothing() -> None:
    envelope_body: dict[str, object] = {
        "message": "Hello",
        "receipt": new_receipt(),
        "language": "en",
    }
    InboundEnvelope.objects.create(
        kind=EnvelopeKind.WEB_SUBMISSION,
        channel=Channel.WEB,
        received_at=datetime.datetime.now(tz=datetime.UTC),
        body=seal_envelope_body(envelope_body, to=get_public_keyring()),
    )
    process_pending()
    assert Case.objects.get().campaign is None
    assert not Attribution.objects.exists()


@pytest.mark.parametrize(
    ("channel", "via"),
    [
        (Channel.TELEGRAM, AttributionVia.TELEGRAM_START),
        (Channel.WHATSAPP, AttributionVia.MESSAGE_CODE),
        (Channel.SMS, AttributionVia.MESSAGE_CODE),
        (Channel.HOTLINE, AttributionVia.OPERATOR),
    ],
)
def test_other_channels_attribute_through_the_domain_function(
    kursk: Campaign, channel: str, via: str
) -> None:
    case = open_case(channel=channel, language="ko")
    result = attribute(case, " kursk24 ", via=via, today=TODAY)
    assert result.outcome == Outcome.FIRST
    case.refresh_from_db()
    assert case.campaign == kursk
    assert total(Metric.OPENED, Dimension.CAMPAIGN, str(kursk.pk)) == 1
    assert total(Metric.OPENED, Dimension.CHANNEL, channel) == 1
    assert total(Metric.OPENED) == 1
    event = AuditEvent.objects.get(action="case.attributed")
    assert event.detail == {"campaign": "KURSK24", "via": via, "flag": ""}


def test_case_keeps_first_campaign_and_records_later_codes(
    kursk: Campaign, ended: Campaign
) -> None:
    case = open_case(channel=Channel.TELEGRAM, language="ko")
    attribute(case, "KURSK24", via=AttributionVia.TELEGRAM_START, today=TODAY)
    later = attribute(case, "OLD23", via=AttributionVia.MESSAGE_CODE, today=TODAY)
    again = attribute(case, "KURSK24", via=AttributionVia.TELEGRAM_START, today=TODAY)
    case.refresh_from_db()
    assert case.campaign == kursk
    assert later.outcome == Outcome.LATER
    assert later.flag == AttributionFlag.ENDED
    assert again.outcome == Outcome.REPEAT
    assert Attribution.objects.filter(case=case).count() == 2  # the repeat adds no row
    assert total(Metric.OPENED, Dimension.CAMPAIGN, str(kursk.pk)) == 1
    assert total(Metric.OPENED, Dimension.CAMPAIGN, str(ended.pk)) == 0


def test_code_of_ended_campaign_is_attributed_and_flagged(ended: Campaign) -> None:
    case = open_case(channel=Channel.SMS, language="ru")
    result = attribute(case, "old23", via=AttributionVia.MESSAGE_CODE, today=TODAY)
    assert result.outcome == Outcome.FIRST
    assert result.flag == AttributionFlag.ENDED
    case.refresh_from_db()
    assert case.campaign == ended
    assert Attribution.objects.get().flag == AttributionFlag.ENDED


def test_code_of_campaign_not_yet_started_is_flagged() -> None:
    Campaign.objects.create(code="SOON", title="Next", starts_on=TODAY + datetime.timedelta(3))
    case = open_case(channel=Channel.SMS, language="ru")
    result = attribute(case, "SOON", via=AttributionVia.MESSAGE_CODE, today=TODAY)
    assert result.flag == AttributionFlag.NOT_STARTED
    assert result.attributed


@pytest.mark.parametrize("typed", ["+7 912 345 67 89", "Ivanov Ivan", "NOSUCH", "ab"])
def test_unknown_or_malformed_code_is_recorded_without_what_was_typed(typed: str) -> None:
    case = open_case(channel=Channel.WHATSAPP, language="ru")
    result = attribute(case, typed, via=AttributionVia.MESSAGE_CODE, today=TODAY)
    assert result.outcome == Outcome.UNKNOWN
    assert not result.attributed
    row = Attribution.objects.get()
    assert (row.campaign, row.flag) == (None, AttributionFlag.UNKNOWN)
    stored = repr(list(Attribution.objects.values()))
    assert typed.upper() not in stored.upper()
    assert not AuditEvent.objects.filter(action="case.attributed").exists()


def test_empty_code_does_nothing() -> None:
    case = open_case(channel=Channel.WEB, language="en")
    assert attribute(case, "  ", via=AttributionVia.WEB).outcome == Outcome.EMPTY
    assert not Attribution.objects.exists()


def test_unknown_route_is_refused() -> None:
    case = open_case(channel=Channel.WEB, language="en")
    with pytest.raises(ValueError, match="unknown attribution route"):
        attribute(case, "KURSK24", via="carrier_pigeon")

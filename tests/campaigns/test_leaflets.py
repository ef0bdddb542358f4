"""Leaflet PDFs: one page, not blank, both QR codes decode to the campaign's links."""

from __future__ import annotations

import pypdfium2  # type: ignore[import-untyped]  # (no stubs; test-only)
import pytest
import zxingcpp
from PIL import Image, ImageStat
from pypdf import PdfReader
from pytest_django.fixtures import Settings

from safepassage.accounts.models import Account
from safepassage.campaigns.leaflets import LeafletError, render_leaflet
from safepassage.campaigns.models import Campaign
from safepassage.channels.domain.contact_points import contact_points
from safepassage.channels.models import ChannelInstance
from tests.analytics.conftest import signed_in

pytestmark = pytest.mark.django_db
WEBSITE = "https://example.org/c/KURSK24"
TELEGRAM = "https://t.me/SafePassageBot?start=KURSK24"


@pytest.fixture
def campaign() -> Campaign:
    return Campaign.objects.create(code="KURSK24", title="Video", languages=["ko", "ru"])


@pytest.fixture
def public_links(settings: Settings) -> None:
    settings.SAFEPASSAGE_PUBLIC_BASE_URL = "https://example.org/"
    settings.SAFEPASSAGE_TELEGRAM_BOT_USERNAME = "@SafePassageBot"
    settings.SAFEPASSAGE_SMS_NUMBER = "+380 67 000 00 00"


def page_image(pdf: bytes) -> Image.Image:
    document = pypdfium2.PdfDocument(pdf)
    try:
        assert len(document) == 1
        image: Image.Image = document[0].render(scale=200 / 72).to_pil().convert("L")
        return image
    finally:
        document.close()


@pytest.mark.usefixtures("public_links")
@pytest.mark.parametrize("language", ["ko", "ru", "uk", "en"])
@pytest.mark.parametrize("size", ["a5", "a6"])
def test_leaflet_is_a_printed_page_whose_qr_codes_lead_to_the_campaign(
    campaign: Campaign, language: str, size: str
) -> None:
    image = page_image(
        render_leaflet(campaign, points=contact_points(), language=language, size=size)
    )
    expected_width = {"a5": 148, "a6": 105}[size] / 25.4 * 200
    assert abs(image.width - expected_width) < 3
    stats = ImageStat.Stat(image)
    assert stats.extrema[0] == (0, 255)  # black ink on white paper
    assert stats.mean[0] < 245, "page is (nearly) blank"
    decoded = sorted(result.text for result in zxingcpp.read_barcodes(image))
    assert decoded == sorted([WEBSITE, TELEGRAM])


@pytest.mark.usefixtures("public_links")
def test_korean_leaflet_embeds_hangul_text_and_the_sms_code(campaign: Campaign) -> None:
    import io

    reader = PdfReader(
        io.BytesIO(render_leaflet(campaign, points=contact_points(), language="ko", size="a5"))
    )
    text = reader.pages[0].extract_text()
    assert "살고 싶다면" in text
    assert "제네바" in text
    assert "KURSK24" in text
    assert "+380 67 000 00 00" in text
    fonts = str(reader.pages[0]["/Resources"]["/Font"])  # type: ignore[index]
    assert "Nanum" in str(
        [f.get_object()["/BaseFont"] for f in reader.pages[0]["/Resources"]["/Font"].values()]  # type: ignore[index]
    ), fonts


@pytest.mark.usefixtures("public_links")
def test_ukrainian_leaflet_has_ukrainian_letters(campaign: Campaign) -> None:
    import io

    text = PdfReader(
        io.BytesIO(render_leaflet(campaign, points=contact_points(), language="uk", size="a6"))
    ).pages[0]
    assert "Женевською" in text.extract_text()
    assert "зв'язатися" in text.extract_text()


@pytest.mark.usefixtures("public_links")
def test_campaign_appeal_replaces_the_standard_one(campaign: Campaign) -> None:
    import io

    campaign.appeal_texts = {"ru": "Особое обращение к 155-й бригаде."}
    pdf = render_leaflet(campaign, points=contact_points(), language="ru", size="a5")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Особое обращение к 155-й бригаде." in text
    assert "Эта война не стоит" not in text


def test_bot_username_comes_from_the_telegram_channel(
    campaign: Campaign, settings: Settings
) -> None:
    settings.SAFEPASSAGE_PUBLIC_BASE_URL = "https://example.org"
    settings.SAFEPASSAGE_TELEGRAM_BOT_USERNAME = ""
    ChannelInstance.objects.create(
        channel_type="telegram",
        name="bot",
        hook_key_hash="0" * 64,
        config={"bot_username": "ChannelBot"},
    )
    image = page_image(render_leaflet(campaign, points=contact_points(), language="en", size="a5"))
    decoded = {result.text for result in zxingcpp.read_barcodes(image)}
    assert decoded == {WEBSITE, "https://t.me/ChannelBot?start=KURSK24"}


def test_without_a_bot_the_leaflet_carries_the_website_code_only(
    campaign: Campaign, settings: Settings
) -> None:
    settings.SAFEPASSAGE_PUBLIC_BASE_URL = "https://example.org"
    settings.SAFEPASSAGE_TELEGRAM_BOT_USERNAME = ""
    image = page_image(render_leaflet(campaign, points=contact_points(), language="ru", size="a6"))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [WEBSITE]


def test_onion_address_is_printed_when_configured(campaign: Campaign, settings: Settings) -> None:
    import io

    settings.SAFEPASSAGE_PUBLIC_BASE_URL = "https://example.org"
    settings.SAFEPASSAGE_ONION_LOCATION = "http://" + "a" * 56 + ".onion"
    pdf = render_leaflet(campaign, points=contact_points(), language="en", size="a5")
    lines = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()
    assert "http://" + "a" * 56 + ".onion/c/KURSK24" in [line.strip() for line in lines]


def test_leaflet_without_a_public_address_is_refused_with_a_clear_message(
    campaign: Campaign, settings: Settings
) -> None:
    settings.SAFEPASSAGE_PUBLIC_BASE_URL = ""
    with pytest.raises(LeafletError, match="SAFEPASSAGE_PUBLIC_BASE_URL"):
        render_leaflet(campaign, points=contact_points(), language="ru", size="a5")
    settings.SAFEPASSAGE_PUBLIC_BASE_URL = "example.org"
    with pytest.raises(LeafletError, match="absolute address"):
        render_leaflet(campaign, points=contact_points(), language="ru", size="a5")


@pytest.mark.usefixtures("public_links")
@pytest.mark.parametrize(("language", "size"), [("de", "a5"), ("ru", "a4")])
def test_unknown_language_or_paper_is_refused(campaign: Campaign, language: str, size: str) -> None:
    with pytest.raises(LeafletError):
        render_leaflet(campaign, points=contact_points(), language=language, size=size)


@pytest.mark.usefixtures("public_links")
def test_supervisor_downloads_a_leaflet_and_it_is_audited(
    campaign: Campaign, sofia: Account
) -> None:
    from safepassage.audit.models import AuditEvent

    response = signed_in(sofia).get("/console/campaigns/KURSK24/leaflet-ko-a6.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(action="campaign.leaflet")
    assert (event.object_ref, event.detail) == ("KURSK24", {"language": "ko", "size": "a6"})

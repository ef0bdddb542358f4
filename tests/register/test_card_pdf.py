"""The capture card PDF: 15 × 10.5 cm, Hangul and Cyrillic drawn and extractable."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdf
import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from PIL import Image

from safepassage.accounts.models import Account
from safepassage.register.cardpdf import render_capture_card
from safepassage.register.domain import issue_capture_card, open_card_content

from .support import days_ago, log, registered

pytestmark = pytest.mark.django_db

CARD_WIDTH_PT = 150 / 25.4 * 72
CARD_HEIGHT_PT = 105 / 25.4 * 72


def _card(personas: dict[str, Account], *, language: str, detaining: str = "uk") -> bytes:
    from .support import set_details

    roman = personas["roman"]
    record = registered(personas["kim"], roman, language=language, captured_days_ago=20)
    set_details(record, roman, detaining_language=detaining)
    log(
        record,
        roman,
        "arrival",
        days_ago(4),
        place="Табір № 1, Львівська обл.",
        prisoner_number="UA-2025-0173",
    )
    card = issue_capture_card(record, by=roman)
    return render_capture_card(open_card_content(card))


def _dark_share(image: Image.Image) -> float:
    grey = image.convert("L")
    histogram = grey.histogram()
    return sum(histogram[:128]) / (grey.width * grey.height)


def _render(pdf: bytes, page: int) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    try:
        image: Any = document[page].render(scale=3).to_pil()
    finally:
        document.close()
    return image  # type: ignore[no-any-return]


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    # Extraction breaks lines between font runs; compare without line breaks.
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def _fonts(pdf: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_korean_card_is_two_pages_of_15_by_10_5_cm(personas: dict[str, Account]) -> None:
    pdf = _card(personas, language="ko")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2  # the address side and the card itself
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(CARD_WIDTH_PT, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(CARD_HEIGHT_PT, abs=0.5)


def test_korean_card_renders_and_carries_hangul_and_cyrillic(
    personas: dict[str, Account], tmp_path: Path
) -> None:
    pdf = _card(personas, language="ko")
    for page in (0, 1):
        image = _render(pdf, page)
        image.save(tmp_path / f"card-ko-{page}.png")
        share = _dark_share(image)
        assert 0.01 < share < 0.35, f"page {page} looks blank or smeared ({share:.3f})"
    text = _text(pdf)
    # His data, as recorded (Hangul), and the camp as the detaining Power wrote it.
    for value in (
        "김",
        "철수",
        "하사",
        "1999-03-14",
        "KPA-7731-0042",
        "평안남도 순천시",
        "조선민주주의인민공화국",
        "Табір № 1, Львівська обл.",
        "UA-2025-0173",
    ):
        assert value in text, value
    # Labels in both languages: the prisoner's (Korean) and the detaining Power's.
    for label in (
        "포로 통지 카드",
        "КАРТКА ПРО ВЗЯТТЯ В ПОЛОН",
        "성 / Прізвище",
        "가벼운 부상 / Легко поранений",
        "중앙포로정보국",
        "Міжнародний комітет",
    ):
        assert label in text, label
    # Hangul needs a TrueType font that has it; DejaVu draws the Cyrillic.
    fonts = _fonts(pdf)
    assert any("NanumGothic" in name for name in fonts), fonts
    assert any("DejaVuSans" in name for name in fonts), fonts


def test_russian_card_in_english_carries_cyrillic_and_latin(
    personas: dict[str, Account],
) -> None:
    pdf = _card(personas, language="ru", detaining="en")
    assert 0.01 < _dark_share(_render(pdf, 1)) < 0.35
    text = _text(pdf)
    for value in (
        "Жуков",
        "Семён Алексеевич",
        "младший сержант",
        "АА-123456",
        "г. Курск",
        "Российская Федерация",
        "Алексей",
    ):
        assert value in text, value
    for label in (
        "КАРТОЧКА О ВЗЯТИИ В ПЛЕН",
        "CAPTURE CARD FOR PRISONER OF WAR",
        "Фамилия / Surname",
        "Болен / Sick",
        "Взят в плен / Taken prisoner on",
    ):
        assert label in text, label
    assert not any("Nanum" in name for name in _fonts(pdf))


def test_blank_measure_would_notice_an_empty_page() -> None:
    """The "not blank" check above can fail: an empty page of the same size scores 0."""
    blank = Image.new("RGB", (600, 420), "white")
    assert _dark_share(blank) == 0


def test_long_values_shrink_to_fit_instead_of_running_off_the_card(
    personas: dict[str, Account],
) -> None:
    pdf = _card(personas, language="ru")
    content = {
        **dict.fromkeys(
            (
                "power",
                "surname",
                "first_names",
                "father_first_name",
                "date_of_birth",
                "place_of_birth",
                "rank",
                "service_number",
                "prisoner_number",
                "present_place",
                "coming_from",
                "capture_date",
            ),
            "Очень-очень длинное значение " * 6,
        ),
        "family_address": "Очень длинный адрес семьи " * 12,
        "health": "sick",
        "language": "ru",
        "detaining_language": "uk",
        "in_hospital": False,
        "date": "2025-01-15",
    }
    long_pdf = render_capture_card(content)
    assert len(pypdf.PdfReader(io.BytesIO(long_pdf)).pages) == 2
    # Nothing is drawn outside the page: the right-hand margin column stays white.
    image = _render(long_pdf, 1)
    margin = image.crop((image.width - 12, 0, image.width, image.height))
    assert _dark_share(margin) == 0
    assert pdf != long_pdf

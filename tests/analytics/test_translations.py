"""Ukrainian catalogues of the analytics and campaigns apps: complete and compiled."""

from __future__ import annotations

from pathlib import Path

import polib  # type: ignore[import-untyped]  # (no stubs; a test-only dependency)
import pytest
from django.utils import translation

from safepassage.analytics.periods import RangeError, make_range
from safepassage.campaigns.models import Medium

SRC = Path(__file__).resolve().parents[2] / "src" / "safepassage"


@pytest.mark.parametrize("app", ["analytics", "campaigns"])
def test_catalogue_is_complete_and_compiled(app: str) -> None:
    po_path = SRC / app / "locale" / "uk" / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(po_path))
    assert catalogue.percent_translated() == 100
    assert not [entry.msgid for entry in catalogue if "fuzzy" in entry.flags]
    compiled = polib.mofile(str(po_path.with_suffix(".mo")))
    assert {e.msgid: e.msgstr for e in compiled} == {
        e.msgid: e.msgstr for e in catalogue if e.msgstr
    }


def test_range_messages_and_labels_are_ukrainian_in_the_console() -> None:
    import datetime

    with translation.override("uk"):
        with pytest.raises(RangeError) as refused:
            make_range(
                datetime.date(2026, 3, 2),
                datetime.date(2026, 3, 1),
                "week",
                today=datetime.date(2026, 11, 23),
            )
        assert "поміняйте дати місцями" in str(refused.value)
        assert str(Medium.LEAFLET.label) == "Листівка"

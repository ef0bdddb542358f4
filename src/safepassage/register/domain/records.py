"""Opening a captured person's record and keeping its identity and capture details.

A ``surrendered`` case opens a record linked to it.  Art. 17 binds a prisoner to give
only his surname, first names, rank, date of birth and service number; every other
field is recorded only if he agrees, so all of them are optional here and a capture
card or a bureau transmission asks for the Art. 17 ones when it needs them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safepassage.audit.chain import record_event
from safepassage.cases.domain import set_media_consent
from safepassage.cases.events import CaseMoved
from safepassage.cases.models import Case
from safepassage.cases.states import CaseState
from safepassage.crypto.blind_index import normalise_date
from safepassage.register.domain._values import (
    MAX_LONG_TEXT,
    MAX_TEXT,
    open_value,
    seal_text,
    show_date,
    today,
)
from safepassage.register.domain.errors import (
    IdentityIncomplete,
    InvalidInput,
    RegisterError,
    StaleRecord,
)
from safepassage.register.models import CapturedPerson
from safepassage.register.states import DETAINING_LANGUAGES, PRISONER_LANGUAGES, Health

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from safepassage.accounts.models import Account

# Art. 17: what a prisoner of war is bound to give, in the form's order.
ART17_FIELDS = ("surname", "first_names", "rank", "date_of_birth", "service_number")
# Recorded only with his agreement (Art. 122 and the Annex IV-B card list them).
FURTHER_FIELDS = (
    "power",
    "place_of_birth",
    "father_first_name",
    "mother_maiden_name",
    "person_to_inform",
    "family_address",
)
CAPTURE_FIELDS = ("capture_place", "prisoner_number", "health")
# Every sealed text field a registrar edits on the record form.
DETAIL_FIELDS = ART17_FIELDS + FURTHER_FIELDS + CAPTURE_FIELDS
# Sealed fields set only by welfare events (arrival, transfer, hospital).
INTERNMENT_FIELDS = ("camp", "hospital")
LONG_FIELDS = frozenset({"person_to_inform", "family_address"})
FIELD_LABELS: dict[str, _StrPromise] = {
    "surname": gettext_lazy("Surname"),
    "first_names": gettext_lazy("First names"),
    "rank": gettext_lazy("Rank"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "service_number": gettext_lazy("Army, regimental, personal or serial number"),
    "power": gettext_lazy("Power on which he depends"),
    "place_of_birth": gettext_lazy("Place of birth"),
    "father_first_name": gettext_lazy("Father's first name"),
    "mother_maiden_name": gettext_lazy("Mother's maiden name"),
    "person_to_inform": gettext_lazy("Person to inform"),
    "family_address": gettext_lazy("Family address"),
    "capture_place": gettext_lazy("Place of capture"),
    "prisoner_number": gettext_lazy("Prisoner number"),
    "health": gettext_lazy("State of health"),
    "capture_date": gettext_lazy("Date of capture"),
    "camp": gettext_lazy("Camp"),
    "hospital": gettext_lazy("Hospital"),
}


def lock_record(record: CapturedPerson, *, expected_version: int | None = None) -> CapturedPerson:
    """The record's row, locked until the surrounding transaction ends.

    ``expected_version`` is the version a form was rendered with; if the record changed
    since, ``StaleRecord`` is raised and the caller changes nothing.
    """
    locked = CapturedPerson.objects.select_for_update().get(pk=record.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleRecord(
            _("Record %(number)s changed while you were looking at it; reload it and try again.")
            % {"number": locked.number}
        )
    return locked


def _default_card_language(case: Case) -> str:
    # Korean-speaking soldiers get a Korean card; everyone else a Russian one (the
    # registrar can change it).
    return "ko" if case.language == "ko" else "ru"


def on_case_moved(event: CaseMoved) -> None:
    """Geneva III: from surrender on he is a captured person with a register record."""
    if event.case.state == CaseState.SURRENDERED:
        open_record_for_surrendered_case(event.case, by=event.actor)


def open_record_for_surrendered_case(case: Case, *, by: Account | None) -> CapturedPerson:
    """The captured-person record of ``case``, opened now if it has none yet.

    Called when a case reaches ``surrendered`` (the ``CaseMoved`` event) and by the
    registrar's "open record" action for cases surrendered earlier.  Idempotent: an
    existing record is returned unchanged.  The capture date starts as the day the case
    was marked surrendered.  Side effects (new record only): one ``CapturedPerson`` row
    and one ``register.record_opened`` audit event.
    """
    existing = CapturedPerson.objects.filter(case=case).first()
    if existing is not None:
        return existing
    if case.state != CaseState.SURRENDERED:
        raise RegisterError(_("Only a surrendered case can be entered in the register."))
    captured_on = case.state_changed_at.date() if case.state_changed_at else today()
    try:
        with transaction.atomic():
            record = CapturedPerson.objects.create(
                case=case,
                capture_date=captured_on,
                card_language=_default_card_language(case),
                opened_by=by,
            )
            record_event(
                "register.record_opened",
                actor=by,
                object_type="captured_person",
                object_ref=record.number,
                detail={"case": case.reference},
            )
    except IntegrityError:
        # Opened by someone else (or the surrender hook) a moment ago.
        return CapturedPerson.objects.get(case=case)
    return record


def open_record_details(record: CapturedPerson) -> dict[str, str]:
    """Every sealed text field of the record, opened (``""`` when empty).

    Callers audit the viewing (``register.viewed``).
    """
    fields = DETAIL_FIELDS + INTERNMENT_FIELDS
    return {field: open_value(getattr(record, field)) for field in fields}


def missing_art17_fields(record: CapturedPerson) -> list[str]:
    """The Art. 17 fields still empty on the record (no opening needed)."""
    return [field for field in ART17_FIELDS if getattr(record, field) is None]


def require_art17_for_card(record: CapturedPerson) -> None:
    """Raise ``IdentityIncomplete`` naming the Art. 17 fields a capture card still lacks."""
    missing = missing_art17_fields(record)
    if missing:
        names = ", ".join(str(FIELD_LABELS[field]) for field in missing)
        raise IdentityIncomplete(
            _("A capture card needs the Art. 17 identity; still missing: %(fields)s.")
            % {"fields": names},
            missing=missing,
        )


@dataclass(frozen=True)
class RecordDetails:
    """What a registrar submitted on the record form.

    ``values`` holds text per sealed field (``""`` clears it); ``health`` is a
    ``Health`` code or ``""``.
    """

    values: Mapping[str, str]
    capture_date: dt.date | None
    card_language: str
    detaining_language: str


def _clean_text(field: str, raw: str, errors: dict[str, str]) -> str:
    value = " ".join(raw.split()) if field not in LONG_FIELDS else raw.strip()
    limit = MAX_LONG_TEXT if field in LONG_FIELDS else MAX_TEXT
    if len(value) > limit:
        errors[field] = _("At most %(limit)d characters.") % {"limit": limit}
    return value


def _clean_birth_date(raw: str, capture_date: dt.date | None, errors: dict[str, str]) -> str:
    if not raw:
        return ""
    try:
        born = dt.date.fromisoformat(normalise_date(raw))
    except ValueError:
        errors["date_of_birth"] = _("Write the date of birth as YYYY-MM-DD or DD.MM.YYYY.")
        return raw
    if born > today():
        errors["date_of_birth"] = _("The date of birth is in the future.")
    elif capture_date is not None and born >= capture_date:
        errors["date_of_birth"] = _("The date of birth must be before the date of capture.")
    elif born.year < 1900:
        errors["date_of_birth"] = _("Check the year of birth.")
    return born.isoformat()


def _earliest_logged(record: CapturedPerson) -> dt.date | None:
    dates = [
        day
        for day in (
            record.events.order_by("occurred_on").values_list("occurred_on", flat=True).first(),
            record.wishes.order_by("stated_on").values_list("stated_on", flat=True).first(),
        )
        if day is not None
    ]
    return min(dates) if dates else None


def _check_capture_date(
    record: CapturedPerson, capture_date: dt.date | None, errors: dict[str, str]
) -> None:
    earliest = _earliest_logged(record)
    if capture_date is None:
        if earliest is not None:
            errors["capture_date"] = _(
                "The date of capture cannot be removed once the welfare log has entries."
            )
        return
    if capture_date > today():
        errors["capture_date"] = _("The date of capture is in the future.")
    elif earliest is not None and capture_date > earliest:
        errors["capture_date"] = _(
            "The date of capture cannot be after the first entry in the log (%(date)s)."
        ) % {"date": show_date(earliest)}


def _validate(record: CapturedPerson, details: RecordDetails) -> dict[str, str]:
    """Every field's cleaned value; raises InvalidInput with all problems at once."""
    unknown = set(details.values) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"unknown record fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    cleaned = {
        field: _clean_text(field, raw, errors)
        for field, raw in details.values.items()
        if field != "date_of_birth"
    }
    _check_capture_date(record, details.capture_date, errors)
    if "date_of_birth" in details.values:
        cleaned["date_of_birth"] = _clean_birth_date(
            details.values["date_of_birth"].strip(), details.capture_date, errors
        )
    if cleaned.get("health", "") not in {"", *Health.values}:
        errors["health"] = _("Choose one of the capture card's categories.")
    if details.card_language not in dict(PRISONER_LANGUAGES):
        errors["card_language"] = _("Choose Russian or Korean.")
    if details.detaining_language not in dict(DETAINING_LANGUAGES):
        errors["detaining_language"] = _("Choose Ukrainian or English.")
    if errors:
        raise InvalidInput(errors)
    return cleaned


def update_record_details(
    record: CapturedPerson,
    *,
    by: Account,
    details: RecordDetails,
    expected_version: int | None = None,
) -> list[str]:
    """Validate and store the record form; return the names of the fields that changed.

    Everything is checked first and every problem reported at once (``InvalidInput``
    maps fields to messages); nothing is written unless all of it is valid.  Unchanged
    sealed fields are not re-sealed.  Side effects, only when something changed: the
    fields, ``version`` and ``bureau_revision`` are updated and one
    ``register.details_updated`` event lists the field names (never the values).
    """
    with transaction.atomic():
        locked = lock_record(record, expected_version=expected_version)
        cleaned = _validate(locked, details)
        current = {field: open_value(getattr(locked, field)) for field in cleaned}
        changed = [field for field, value in cleaned.items() if value != current[field]]
        for field in changed:
            setattr(locked, field, seal_text(cleaned[field]))
        for field in ("capture_date", "card_language", "detaining_language"):
            value = getattr(details, field)
            if getattr(locked, field) != value:
                setattr(locked, field, value)
                changed.append(field)
        if not changed:
            return []
        locked.version += 1
        locked.bureau_revision += 1
        locked.save()
        record_event(
            "register.details_updated",
            actor=by,
            object_type="captured_person",
            object_ref=locked.number,
            detail={"fields": changed},
        )
    return changed


def set_record_media_consent(
    record: CapturedPerson,
    *,
    by: Account,
    filming: bool,
    publication: bool,
    expected_version: int | None = None,
) -> CapturedPerson:
    """Record whether he consents to being filmed and to publication (Art. 13).

    The case's ``no_filming`` flag follows (set unless he consented to both), so
    operators arranging anything see the same answer.  Side effects: the two flags and
    ``version`` change, one ``register.media_consent`` event; the case's flag is updated
    through ``cases.domain.set_media_consent`` (its own audit event).
    """
    with transaction.atomic():
        locked = lock_record(record, expected_version=expected_version)
        if (locked.filming_consent, locked.publication_consent) == (filming, publication):
            return locked
        locked.filming_consent = filming
        locked.publication_consent = publication
        locked.version += 1
        locked.save(
            update_fields=["filming_consent", "publication_consent", "version", "updated_at"]
        )
        record_event(
            "register.media_consent",
            actor=by,
            object_type="captured_person",
            object_ref=locked.number,
            detail={"filming": filming, "publication": publication},
        )
        set_media_consent(locked.case, by=by, no_filming=not (filming and publication))
    return locked

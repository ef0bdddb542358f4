"""Structured identity on a case: sealed values with blind indexes beside them.

Names, units and service numbers are indexed under their *name key* (see
``cases.transliteration``) so that Cyrillic, Hangul and Latin spellings of the same
name meet in one index; dates of birth under their ISO form.  Relatives and other
people who write for the soldier are extra ``Contact`` rows.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from safepassage.audit.chain import record_event
from safepassage.cases.domain.contacts import add_contact
from safepassage.cases.domain.errors import CaseError
from safepassage.cases.domain.flags import flag_shared_contact
from safepassage.cases.domain.locking import lock_case
from safepassage.cases.domain.same_person import suggest_same_person
from safepassage.cases.models import Case, Contact
from safepassage.cases.models.contact import Relation
from safepassage.cases.name_sound import sound_key
from safepassage.cases.states import Channel
from safepassage.cases.transliteration import name_key
from safepassage.crypto.blind_index import blind_index, normalise_date, normalise_phone
from safepassage.crypto.errors import CryptoError
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import Sealed, open_text, seal

if TYPE_CHECKING:
    from safepassage.accounts.models import Account

# Sealed text fields an operator edits, in form order.
IDENTITY_FIELDS = ("name", "rank", "unit", "service_number", "date_of_birth", "area")
# Field -> blind index kind, for the fields that are searchable by exact value.
INDEXED_FIELDS = {
    "name": "name",
    "unit": "unit",
    "service_number": "service_number",
    "date_of_birth": "dob",
}
# Extra indexes a field keeps beside ``<field>_index``: the name's sound key.
EXTRA_INDEXES: dict[str, tuple[str, ...]] = {"name": ("name_sound_index",)}
# A change to any of these may reveal that two cases are one person.
_MATCHED_FIELDS = frozenset({"name", "service_number", "date_of_birth"})
MAX_FIELD_LENGTH = 200
MAX_GROUP_SIZE = 500
# Channels through which a relative can be reached, and the index kind of its identity.
RELATIVE_CHANNELS: dict[str, str] = {
    Channel.TELEGRAM: "telegram_handle",
    Channel.WHATSAPP: "phone",
    Channel.SMS: "phone",
    Channel.HOTLINE: "phone",
}


class InvalidIdentity(CaseError):
    """A value cannot be stored as given (a date that is not one, a group of 0)."""


def index_for(kind: str, value: str) -> str | None:
    """The blind index of ``value`` for a case field kind, or None if nothing to index.

    Names, units and service numbers go through the name key first (transliteration);
    dates must parse (``InvalidIdentity`` otherwise).
    """
    keyring = get_keyring()
    if kind == "dob":
        try:
            return blind_index(keyring, "dob", normalise_date(value))
        except ValueError:
            raise InvalidIdentity(
                _("Write the date of birth as YYYY-MM-DD or DD.MM.YYYY.")
            ) from None
    key = name_key(value)
    return blind_index(keyring, kind, key) if key else None


def sound_index(name: str) -> str | None:
    """The blind index of a name's sound key (``cases.name_sound``), or None."""
    key = sound_key(name)
    return blind_index(get_keyring(), "name_sound", key) if key else None


def index_columns(field: str) -> tuple[str, ...]:
    """Every blind index column kept for an identity field (none for unindexed ones)."""
    if field not in INDEXED_FIELDS:
        return ()
    return (f"{field}_index", *EXTRA_INDEXES.get(field, ()))


def _indexes(field: str, value: str) -> dict[str, str | None]:
    # The blind indexes of one field's new value (all None when it is cleared).
    if field not in INDEXED_FIELDS:
        return {}
    values: dict[str, str | None] = {
        f"{field}_index": index_for(INDEXED_FIELDS[field], value) if value else None
    }
    if field == "name":
        values["name_sound_index"] = sound_index(value) if value else None
    return values


def open_identity(case: Case) -> dict[str, str]:
    """The case's identity fields, opened (``""`` for empty or unreadable ones).

    Callers must audit the viewing (``console.access.audit_view``).
    """
    keyring = get_keyring()
    values: dict[str, str] = {}
    for field in IDENTITY_FIELDS:
        sealed: Sealed | None = getattr(case, field)
        try:
            values[field] = open_text(sealed, keyring) if sealed is not None else ""
        except CryptoError:
            values[field] = ""
    return values


@dataclass(frozen=True)
class IdentityUpdate:
    """What an operator submitted: text per field (``""`` clears it) and the group size."""

    values: Mapping[str, str]
    group_size: int | None


def update_identity(
    case: Case, *, by: Account, update: IdentityUpdate, expected_version: int | None = None
) -> list[str]:
    """Seal and index the identity fields that changed; return their names.

    A field is compared with its current opened value, so unchanged fields are not
    re-sealed.  Side effects (only when something changed): the fields, their indexes
    and ``version`` are updated and one ``case.identity_updated`` event lists the
    field names (never the values); a changed name, date of birth or service number
    may raise same-person suggestions (``suggest_same_person``).
    """
    unknown = set(update.values) - set(IDENTITY_FIELDS)
    if unknown:
        raise ValueError(f"unknown identity fields: {sorted(unknown)}")
    if update.group_size is not None and not 1 <= update.group_size <= MAX_GROUP_SIZE:
        raise InvalidIdentity(
            _("A group has between 1 and %(limit)d people.") % {"limit": MAX_GROUP_SIZE}
        )
    public = get_keyring().public
    with transaction.atomic():
        locked = lock_case(case, expected_version=expected_version)
        current = open_identity(locked)
        changed: list[str] = []
        for field, raw in update.values.items():
            value = raw.strip()
            if len(value) > MAX_FIELD_LENGTH:
                raise InvalidIdentity(
                    _("A field can be at most %(limit)d characters long.")
                    % {"limit": MAX_FIELD_LENGTH}
                )
            if value == current[field]:
                continue
            setattr(locked, field, seal(value, to=public) if value else None)
            for column, index in _indexes(field, value).items():
                setattr(locked, column, index)
            changed.append(field)
        if update.group_size != locked.group_size:
            locked.group_size = update.group_size
            changed.append("group_size")
        if not changed:
            return []
        locked.version += 1
        update_fields = [*changed, "version", "updated_at"]
        update_fields += [column for field in changed for column in index_columns(field)]
        locked.save(update_fields=update_fields)
        record_event(
            "case.identity_updated",
            actor=by,
            object_type="case",
            object_ref=locked.reference,
            detail={"fields": changed},
        )
        if _MATCHED_FIELDS.intersection(changed):
            name = update.values["name"].strip() if "name" in changed else current["name"]
            suggest_same_person(locked, name=name, by=by)
    return changed


def set_media_consent(
    case: Case, *, by: Account, no_filming: bool, expected_version: int | None = None
) -> Case:
    """Record whether the person asked not to be filmed or published.

    Side effects: ``no_filming`` and ``version`` change, one ``case.media_consent`` event.
    """
    with transaction.atomic():
        locked = lock_case(case, expected_version=expected_version)
        if locked.no_filming == no_filming:
            return locked
        locked.no_filming = no_filming
        locked.version += 1
        locked.save(update_fields=["no_filming", "version", "updated_at"])
        record_event(
            "case.media_consent",
            actor=by,
            object_type="case",
            object_ref=locked.reference,
            detail={"no_filming": no_filming},
        )
    return locked


def _contact_index(channel: str, identity: str) -> str:
    kind = RELATIVE_CHANNELS[channel]
    value = identity.strip().lstrip("@") if kind == "telegram_handle" else identity
    if kind == "phone" and not normalise_phone(value):
        raise InvalidIdentity(_("A phone number needs digits."))
    try:
        return blind_index(get_keyring(), kind, value)
    except ValueError:
        raise InvalidIdentity(_("Enter the number or user name to reach them.")) from None


def add_relative_contact(
    case: Case, *, by: Account, channel: str, identity: str, relation: str = Relation.RELATIVE
) -> Contact:
    """Add a person who can be reached for this case (a relative, a friend).

    ``identity`` is a phone number or Telegram user name; it is sealed and blind-indexed
    like the worker's contacts.  If the same identity already reaches *another* case,
    nothing is added: both cases get a ``shared_contact`` risk flag (a real person
    writing twice, or a planted applicant) and ``CaseError`` asks for a supervisor's
    merge.  Side effects: one ``Contact`` row, one ``case.contact_added`` event.
    """
    if channel not in RELATIVE_CHANNELS:
        raise InvalidIdentity(_("Choose how the person can be reached."))
    if relation not in Relation.values:
        raise InvalidIdentity(_("Choose who the person is."))
    identity = identity.strip()
    if not identity or len(identity) > 100:
        raise InvalidIdentity(_("Enter the number or user name to reach them."))
    index = _contact_index(channel, identity)
    existing = (
        Contact.objects.select_related("case").filter(channel=channel, identity_index=index)
    ).first()
    if existing is not None:
        if existing.case_id == case.pk:
            raise CaseError(_("This contact is already on the case."))
        flag_shared_contact(case, existing.case)
        raise CaseError(
            _(
                "This contact already reaches another case; both are flagged so a "
                "supervisor can decide whether to merge them."
            )
        )
    try:
        with transaction.atomic():
            contact = add_contact(
                case,
                channel=channel,
                relation=relation,
                identity=identity,
                identity_index=index,
                language=case.language,
            )
            record_event(
                "case.contact_added",
                actor=by,
                object_type="case",
                object_ref=case.reference,
                detail={"contact": contact.pk, "channel": channel, "relation": relation},
            )
    except IntegrityError:
        # Added by someone else (or a double submit) between the check and the insert.
        raise CaseError(_("This contact is already on the case.")) from None
    return contact


def store_applicant_identity(case: Case, typed: Mapping[str, str], *, group_size: str = "") -> None:
    """Seal what the applicant typed on the form; index it the way operators search it.

    Indexes use the same name keys as the console (``index_for``), so a name typed in
    Hangul by the applicant is found by an operator typing it in Latin.  A case that
    looks like the same person as another (``suggest_same_person``) is flagged.  A value that
    cannot be indexed (a date we cannot parse, a name of only punctuation) is still
    kept, sealed as typed, just not searchable.  Only fields still empty are filled.
    """
    public = get_keyring().public
    updates: dict[str, object] = {}
    for field in IDENTITY_FIELDS:
        value = typed.get(field, "").strip()[:MAX_FIELD_LENGTH]
        if not value:
            continue
        updates[field] = seal(value, to=public)
        if field in INDEXED_FIELDS:
            with contextlib.suppress(InvalidIdentity, ValueError):
                updates.update(_indexes(field, value))
    if group_size.isdigit() and 0 < int(group_size) <= MAX_GROUP_SIZE:
        updates["group_size"] = int(group_size)
    if updates:
        Case.objects.filter(pk=case.pk).update(**updates)
        for column, stored in updates.items():
            setattr(case, column, stored)
        if _MATCHED_FIELDS.intersection(updates):
            suggest_same_person(case, name=typed.get("name", "").strip()[:MAX_FIELD_LENGTH])

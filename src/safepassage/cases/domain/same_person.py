"""Same-person suggestions from identity: name across scripts, date of birth, service number.

Two cases may be one person who wrote twice (on the form and then by SMS, or again
months later), or a planted applicant using a real soldier's name.  Neither may be
merged silently: both cases get a ``same_person`` flag naming the other case and the
reason, shown on the case, and an operator compares and merges them with the merge
machinery (``cases.domain.merge``) or not at all.

Reasons, strongest first:

* ``service_number`` — the same service number (name key: Cyrillic and Latin
  spellings of the letters meet);
* ``name_dob`` — names with the same sound key (``cases.name_sound``) and the same
  date of birth;
* ``name`` — the same sound key of a name of at least two words (a family name alone,
  "Kim", is shared by a fifth of Korea).

Everything is found through blind indexes: no name is opened or compared in clear.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from safepassage.audit.chain import record_event
from safepassage.cases.domain.flags import flag_case
from safepassage.cases.models import Case
from safepassage.cases.name_sound import sound_key_variants, sound_words
from safepassage.crypto.blind_index import blind_index
from safepassage.crypto.runtime import get_keyring

if TYPE_CHECKING:
    from safepassage.accounts.models import Account

FLAG = "same_person"
REASONS = ("service_number", "name_dob", "name")
# A planted name must not flag half the database: beyond this many matches the
# suggestion names the first few (oldest) and operators search for the rest.
MAX_SUGGESTIONS = 5
MIN_NAME_WORDS = 2


def _reason(case: Case, other: Case, *, sound_indexes: set[str], name_counts: bool) -> str:
    if case.service_number_index and other.service_number_index == case.service_number_index:
        return "service_number"
    same_name = other.name_sound_index in sound_indexes
    if same_name and case.date_of_birth_index == other.date_of_birth_index is not None:
        return "name_dob"
    return "name" if same_name and name_counts else ""


def suggest_same_person(case: Case, *, name: str, by: Account | None = None) -> list[str]:
    """Flag ``case`` and every other case that looks like the same person; return the
    other cases' references.

    ``name`` is the case's name as just stored (opened by the caller, who has it in
    hand): its sound keys are blind-indexed in every word order.  ``case`` must carry
    its current indexes.  Merged-away cases are skipped (their survivor is found
    instead).  Side effects: ``same_person:<reference>:<reason>`` flags on both cases,
    one ``case.same_person_suggested`` event per new pair (references and reason only).
    """
    keyring = get_keyring()
    sound_indexes = {blind_index(keyring, "name_sound", key) for key in sound_key_variants(name)}
    name_counts = len(sound_words(name)) >= MIN_NAME_WORDS
    wanted = Q()
    if case.service_number_index:
        wanted |= Q(service_number_index=case.service_number_index)
    if sound_indexes and (name_counts or case.date_of_birth_index):
        wanted |= Q(name_sound_index__in=sorted(sound_indexes))
    if not wanted:
        return []
    candidates = (
        Case.objects.filter(wanted, merged_into=None)
        .exclude(pk=case.pk)
        .only("id", "reference", "risk_flags", *_INDEX_COLUMNS)
        .order_by("created_at", "id")[: MAX_SUGGESTIONS * 4]
    )
    found: list[str] = []
    for other in candidates:
        reason = _reason(case, other, sound_indexes=sound_indexes, name_counts=name_counts)
        if not reason:
            continue
        mine, theirs = f"{FLAG}:{other.reference}:{reason}", f"{FLAG}:{case.reference}:{reason}"
        if mine not in case.risk_flags:
            flag_case(case, mine)
            flag_case(other, theirs)
            record_event(
                "case.same_person_suggested",
                actor=by,
                object_type="case",
                object_ref=case.reference,
                detail={"other": other.reference, "reason": reason},
            )
        found.append(other.reference)
        if len(found) >= MAX_SUGGESTIONS:
            break
    return found


_INDEX_COLUMNS = ("name_sound_index", "service_number_index", "date_of_birth_index")

"""The retention scenario's world: one case due under each rule and cases that must stay."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.cases.domain import (
    IdentityUpdate,
    add_note,
    merge_cases,
    post_reply,
    transition_case,
    update_identity,
)
from safepassage.cases.models import Case
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import seal
from safepassage.register.models import CapturedPerson
from safepassage.register.states import RecordStatus
from safepassage.retention.holds import set_legal_hold

from ..cases.casework import make_case, reload

OLD = datetime.timedelta(days=400)  # past every default period (the longest is 365)


@dataclass
class World:
    """The cases of the scenario, by role, and what a backup would have copied."""

    purged: dict[str, Case] = field(default_factory=dict)
    kept: dict[str, Case] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # case label -> its message text
    blobs: dict[str, list[bytes]] = field(default_factory=dict)
    # Register record values, under the register key (kept while the record is).
    record_blobs: dict[str, list[bytes]] = field(default_factory=dict)


def _surrender(case: Case, by: Account) -> Case:
    for state in ("engaged", "verified", "planning", "surrendered"):
        case = transition_case(case, to=state, by=by)
    return case


def closed_case(world: World, label: str, reason: str, by: Account, *, reply: bool) -> Case:
    """A Russian case with a reply (or none), a note and a name, closed for ``reason``."""
    text = f"секрет {label} 7734"
    case = make_case(language="ru", message=text)
    world.texts[label] = text
    if reply:
        post_reply(case, by=by, text=f"ответ {label}")
    add_note(case, by=by, text=f"заметка {label}")
    update_identity(
        case, by=by, update=IdentityUpdate(values={"name": f"Имя {label}"}, group_size=None)
    )
    return transition_case(reload(case), to="closed", by=by, reason=reason)


def build_world(personas: dict[str, Account], keyring: Keyring) -> World:
    """One case due under each retention rule, and cases that must be kept (held, open,
    interned, the kept side of a merge), all aged past every default period."""
    sofia = personas["sofia"]
    world = World()
    for label, reason, reply in (
        ("no_contact", "unreachable", False),
        ("withdrawn", "withdrawn", True),
        ("unreachable", "unreachable", True),
        ("ineligible", "ineligible", True),
        ("provocation", "suspected_provocation", True),
    ):
        world.purged[label] = closed_case(world, label, reason, sofia, reply=reply)
    keep = make_case(language="ru", message="секрет kept-merge 7734")
    absorb = make_case(language="ru", message="секрет duplicate 7734")
    world.texts |= {"kept_merge": "секрет kept-merge 7734", "duplicate": "секрет duplicate 7734"}
    merge_cases(keep=keep, absorb=absorb, by=sofia)
    world.purged["duplicate"] = reload(absorb)
    world.kept["kept_merge"] = reload(keep)

    for label, released_days in (("surrendered", 10), ("register", 800), ("interned", None)):
        text = f"секрет {label} 7734"
        world.texts[label] = text
        case = _surrender(make_case(language="ru", message=text), sofia)
        record = CapturedPerson.objects.get(case=case)
        record.surname = seal(f"Фамилия {label}", to=keyring.public)
        record.save()
        if released_days is not None:
            CapturedPerson.objects.filter(pk=record.pk).update(
                status=RecordStatus.RELEASED,
                last_movement_on=timezone.localdate() - datetime.timedelta(days=released_days),
            )
        (world.kept if label == "interned" else world.purged)[label] = case

    held = closed_case(world, "held", "withdrawn", sofia, reply=True)
    set_legal_hold(held, hold=True, by=sofia)
    world.kept["held"] = held
    world.kept["open"] = make_case(language="ru", message="секрет open 7734")
    world.texts["open"] = "секрет open 7734"

    every = [*world.purged.values(), *world.kept.values()]
    Case.objects.filter(pk__in=[c.pk for c in every]).update(
        state_changed_at=timezone.now() - OLD, created_at=timezone.now() - OLD
    )
    return world

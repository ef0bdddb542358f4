"""Merging two cases of one person, and undoing it exactly."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.audit.chain import verify_chain
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import (
    IdentityUpdate,
    MergeRefused,
    add_note,
    merge_cases,
    post_reply,
    set_media_consent,
    transition_case,
    undo_merge,
    update_identity,
)
from safepassage.cases.models import Case, Contact, Merge, Message, Note

from .casework import add_message, make_case, reload

pytestmark = pytest.mark.django_db


def _pair(personas: dict[str, Account]) -> tuple[Case, Case]:
    earlier = timezone.now() - datetime.timedelta(hours=2)
    keep = make_case(language="ru", message="первое", received_at=earlier)
    post_reply(keep, by=personas["olga"], text="Здравствуйте")
    absorb = make_case(language="ru", message="второе", channel="telegram")
    add_note(absorb, by=personas["olga"], text="похоже, тот же человек")
    update_identity(
        absorb,
        by=personas["olga"],
        update=IdentityUpdate(values={"name": "Петров Пётр"}, group_size=2),
    )
    return reload(keep), reload(absorb)


def test_merge_moves_everything_and_closes_the_duplicate(personas: dict[str, Account]) -> None:
    keep, absorb = _pair(personas)
    absorbed_contacts = set(absorb.contacts.values_list("id", flat=True))
    merge = merge_cases(keep=keep, absorb=absorb, by=personas["sofia"])

    keep, absorb = reload(keep), reload(absorb)
    assert set(Contact.objects.filter(case=keep).values_list("id", flat=True)) >= absorbed_contacts
    assert Message.objects.filter(case=absorb).count() == 0
    assert Message.objects.filter(case=keep).count() == 3
    assert Note.objects.filter(case=keep).count() == 1
    assert (absorb.state, absorb.close_reason, absorb.merged_into_id) == (
        "closed",
        "duplicate",
        keep.pk,
    )
    # Empty identity on the kept case is filled from the duplicate.
    assert keep.name == absorb.name
    assert keep.name_index == absorb.name_index
    assert keep.group_size == 2
    assert sorted(merge.filled_fields) == ["group_size", "name"]
    # The duplicate's unanswered message makes the kept case wait again.
    assert keep.waiting_since is not None
    assert AuditEvent.objects.filter(action="case.merged").count() == 2
    assert verify_chain().ok


def test_undo_puts_everything_back(personas: dict[str, Account]) -> None:
    keep, absorb = _pair(personas)
    before_keep = set(keep.messages.values_list("id", flat=True))
    before_absorb = set(absorb.messages.values_list("id", flat=True))
    merge = merge_cases(keep=keep, absorb=absorb, by=personas["sofia"])
    undo_merge(merge, by=personas["sofia"])

    keep, absorb = reload(keep), reload(absorb)
    assert set(keep.messages.values_list("id", flat=True)) == before_keep
    assert set(absorb.messages.values_list("id", flat=True)) == before_absorb
    assert absorb.notes.count() == 1
    assert keep.notes.count() == 0
    assert (absorb.state, absorb.close_reason, absorb.merged_into_id) == ("new", "", None)
    assert keep.name is None
    assert keep.group_size is None
    assert absorb.waiting_since is not None
    assert keep.waiting_since is None
    assert Merge.objects.get(pk=merge.pk).undone_by_id == personas["sofia"].pk
    assert AuditEvent.objects.filter(action="case.unmerged").count() == 2
    assert verify_chain().ok


def test_messages_arriving_after_the_merge_follow_their_contact_back(
    personas: dict[str, Account],
) -> None:
    keep, absorb = _pair(personas)
    telegram = absorb.contacts.get()
    merge = merge_cases(keep=keep, absorb=absorb, by=personas["sofia"])
    add_message(reload(keep), "ещё от ключевого")  # on keep's own first contact
    earlier = Message.objects.filter(contact=telegram).first()
    assert earlier is not None
    Message.objects.create(
        case=reload(keep),
        contact=telegram,
        direction="in",
        channel="telegram",
        body=earlier.body,
        created_at=timezone.now(),
    )
    undo_merge(merge, by=personas["sofia"])
    assert Message.objects.filter(contact=telegram).exclude(case=absorb).count() == 0
    assert reload(keep).messages.count() == 3


def test_a_field_edited_after_the_merge_survives_the_undo(personas: dict[str, Account]) -> None:
    keep, absorb = _pair(personas)
    merge = merge_cases(keep=keep, absorb=absorb, by=personas["sofia"])
    update_identity(
        reload(keep),
        by=personas["olga"],
        update=IdentityUpdate(values={"name": "Петров Пётр Петрович"}, group_size=2),
    )
    undo_merge(merge, by=personas["sofia"])
    assert reload(keep).name is not None


def test_no_filming_from_either_case_binds_the_merged_case_and_stays(
    personas: dict[str, Account],
) -> None:
    keep, absorb = _pair(personas)
    set_media_consent(absorb, by=personas["olga"], no_filming=True)
    merge = merge_cases(keep=keep, absorb=reload(absorb), by=personas["sofia"])
    assert reload(keep).no_filming
    undo_merge(merge, by=personas["sofia"])
    assert reload(keep).no_filming  # undoing never makes a person filmable


def test_undoing_twice_is_refused(personas: dict[str, Account]) -> None:
    keep, absorb = _pair(personas)
    merge = merge_cases(keep=keep, absorb=absorb, by=personas["sofia"])
    undo_merge(merge, by=personas["sofia"])
    with pytest.raises(MergeRefused, match="already been undone"):
        undo_merge(merge, by=personas["sofia"])


def test_only_supervisors_merge(personas: dict[str, Account]) -> None:
    keep, absorb = _pair(personas)
    with pytest.raises(MergeRefused, match="supervisor"):
        merge_cases(keep=keep, absorb=absorb, by=personas["olga"])
    assert reload(absorb).merged_into_id is None


def test_a_case_cannot_absorb_itself_or_be_merged_twice(personas: dict[str, Account]) -> None:
    keep, absorb = _pair(personas)
    with pytest.raises(MergeRefused, match="itself"):
        merge_cases(keep=keep, absorb=keep, by=personas["sofia"])
    merge_cases(keep=keep, absorb=absorb, by=personas["sofia"])
    third = make_case(language="ru")
    with pytest.raises(MergeRefused, match="already been merged"):
        merge_cases(keep=third, absorb=reload(absorb), by=personas["sofia"])


def test_a_surrendered_case_is_never_closed_as_a_duplicate(personas: dict[str, Account]) -> None:
    surrendered = make_case(language="ru")
    for state in ["engaged", "verified", "planning", "surrendered"]:
        surrendered = transition_case(surrendered, to=state, by=personas["olga"])
    other = make_case(language="ru")
    with pytest.raises(MergeRefused, match="instead"):
        merge_cases(keep=other, absorb=surrendered, by=personas["sofia"])
    assert reload(surrendered).state == "surrendered"
    assert reload(surrendered).messages.count() == 1
    merge_cases(keep=surrendered, absorb=other, by=personas["sofia"])


def test_an_open_case_is_not_merged_into_a_closed_one(personas: dict[str, Account]) -> None:
    closed = transition_case(make_case(), to="closed", by=personas["sofia"], reason="withdrawn")
    with pytest.raises(MergeRefused, match="open case"):
        merge_cases(keep=closed, absorb=make_case(), by=personas["sofia"])

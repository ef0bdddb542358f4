"""The audit chain detects any edited, deleted or truncated event."""

from __future__ import annotations

import itertools

import pytest

from safepassage.audit.chain import record_event, verify_chain
from safepassage.audit.models import AuditEvent, AuditHead

pytestmark = pytest.mark.django_db


def _five_events() -> list[AuditEvent]:
    return [
        record_event("case.opened", object_type="case", object_ref=f"REF-{i}", detail={"n": i})
        for i in range(1, 6)
    ]


def test_fresh_chain_verifies() -> None:
    _five_events()
    report = verify_chain()
    assert report.ok
    assert report.checked == 5
    assert "5 events verified" in report.describe()


def test_each_event_links_to_the_previous_hash() -> None:
    events = _five_events()
    assert events[0].prev_hash == "0" * 64
    for previous, current in itertools.pairwise(events):
        assert current.prev_hash == previous.hash
        assert current.seq == previous.seq + 1


def test_edited_detail_is_reported_at_that_event() -> None:
    events = _five_events()
    AuditEvent.objects.filter(pk=events[2].pk).update(detail={"n": 999})
    report = verify_chain()
    assert not report.ok
    assert report.broken_at_seq == events[2].seq
    assert "altered" in report.problem


def test_edited_actor_is_detected() -> None:
    events = _five_events()
    AuditEvent.objects.filter(pk=events[1].pk).update(actor_label="someone-else")
    assert verify_chain().broken_at_seq == events[1].seq


def test_deleted_event_is_reported_where_it_was() -> None:
    events = _five_events()
    AuditEvent.objects.filter(pk=events[3].pk).delete()
    report = verify_chain()
    assert not report.ok
    assert report.broken_at_seq == events[3].seq
    assert "deleted" in report.problem


def test_deleting_and_renumbering_breaks_the_link() -> None:
    events = _five_events()
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    for event in events[2:]:
        AuditEvent.objects.filter(pk=event.pk).update(seq=event.seq - 1)
    report = verify_chain()
    assert report.broken_at_seq == 2
    assert "link" in report.problem


def test_truncating_the_newest_events_is_detected() -> None:
    events = _five_events()
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    report = verify_chain()
    assert not report.ok
    assert "truncated" in report.problem


def test_rewriting_head_and_rows_consistently_still_fails_on_the_edited_row() -> None:
    events = _five_events()
    AuditEvent.objects.filter(pk=events[0].pk).update(action="case.deleted")
    AuditHead.objects.update(seq=5)
    assert verify_chain().broken_at_seq == 1

"""Supervisors compare and merge duplicate cases from the workspace, and undo merges."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.cases.models import Case, Merge

from ..cases.casework import make_case, reload
from .helpers import force_verified_login

pytestmark = pytest.mark.django_db


def _client(account: Account) -> Client:
    client = Client()
    force_verified_login(client, account)
    return client


def test_preview_shows_both_cases_and_audits_both(personas: dict[str, Account]) -> None:
    keep = make_case(language="ru", message="первое")
    other = make_case(language="ru", message="второе")
    response = _client(personas["sofia"]).get(
        reverse("console:case-merge", args=[keep.reference]), {"other": other.reference.lower()}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert keep.reference in body
    assert other.reference in body
    assert Merge.objects.count() == 0  # a GET never merges
    viewed = AuditEvent.objects.filter(action="case.viewed", detail__what="merge-preview")
    assert set(viewed.values_list("object_ref", flat=True)) == {keep.reference, other.reference}


def test_confirming_merges_and_the_history_offers_undo(personas: dict[str, Account]) -> None:
    keep, other = make_case(language="ru"), make_case(language="ru")
    client = _client(personas["sofia"])
    response = client.post(
        reverse("console:case-merge", args=[keep.reference]), {"other": other.reference}
    )
    assert response.status_code == 302
    assert reload(other).merged_into_id == keep.pk
    merge = Merge.objects.get()
    page = client.get(reverse("console:case", args=[keep.reference])).content.decode()
    assert f"{other.reference} was merged into this case" in page
    undo_url = reverse("console:case-unmerge", args=[keep.reference, merge.pk])
    assert undo_url in page
    client.post(undo_url)
    assert reload(other).merged_into_id is None
    assert reload(other).state == "new"
    # A second undo is refused with a message, not an error page.
    response = client.post(undo_url, follow=True)
    assert "already been undone" in response.content.decode()


def test_unknown_or_same_reference_is_refused_with_a_message(personas: dict[str, Account]) -> None:
    keep = make_case()
    client = _client(personas["sofia"])
    url = reverse("console:case-merge", args=[keep.reference])
    response = client.post(url, {"other": "ZZZ-ZZZ-ZZZ"})
    assert response.status_code == 400
    assert "There is no case with this reference." in response.content.decode()
    response = client.post(url, {"other": keep.reference})
    assert "cannot be merged into itself" in response.content.decode()
    assert not Merge.objects.exists()


def test_undo_of_a_merge_belonging_to_other_cases_is_not_found(
    personas: dict[str, Account],
) -> None:
    keep, other, unrelated = make_case(), make_case(), make_case()
    client = _client(personas["sofia"])
    client.post(reverse("console:case-merge", args=[keep.reference]), {"other": other.reference})
    merge = Merge.objects.get()
    response = client.post(reverse("console:case-unmerge", args=[unrelated.reference, merge.pk]))
    assert response.status_code == 404
    assert Merge.objects.get().undone_at is None


@pytest.mark.parametrize("persona", ["kim", "roman", "adam"])
def test_only_supervisors_may_merge(personas: dict[str, Account], persona: str) -> None:
    keep, other = make_case(language="ko"), make_case(language="ko")
    response = _client(personas[persona]).post(
        reverse("console:case-merge", args=[keep.reference]), {"other": other.reference}
    )
    assert response.status_code == 403
    assert Case.objects.filter(merged_into__isnull=False).count() == 0

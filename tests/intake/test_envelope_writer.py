"""Group commit outside a transaction: submissions are acknowledged only once their
batch is committed, and a failed batch is reported to every applicant in it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from safepassage.envelopes.models import InboundEnvelope

from .helpers import html, post_form, receipt_from, text_in

pytestmark = pytest.mark.django_db(transaction=True)

UNAVAILABLE = (
    "We could not save your message just now, so nothing was sent. What you wrote is "
    "kept below: please try again in a minute."
)


def test_concurrent_submissions_are_all_committed_before_acknowledgement() -> None:
    assert not connection.in_atomic_block

    def submit(number: int) -> str:
        response = post_form(Client(), "/ru/", {"message": f"сообщение {number}"})
        assert response.status_code == 200
        # Visible to another connection: committed, not merely queued.
        return receipt_from(response)

    with ThreadPoolExecutor(max_workers=8) as pool:
        receipts = list(pool.map(submit, range(40)))
    assert len(set(receipts)) == 40
    assert InboundEnvelope.objects.count() == 40


def test_a_failed_batch_is_reported_and_the_text_kept(client: Client) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE intake_inboundenvelope RENAME TO intake_moved_away")
    try:
        response = post_form(client, "/ko/", {"message": "저장되지 않을 글", "name": "김"})
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE intake_moved_away RENAME TO intake_inboundenvelope")
    assert response.status_code == 503
    page = html(response)
    assert 'id="receipt"' not in page
    assert text_in("ko", UNAVAILABLE) in page
    assert "저장되지 않을 글</textarea>" in page
    assert 'value="김"' in page
    # The writer recovers on the next batch.
    assert post_form(client, "/ko/", {"message": "다시"}).status_code == 200
    assert InboundEnvelope.objects.count() == 1

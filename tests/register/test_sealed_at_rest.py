"""Nothing a registrar types reaches the database or the logs in clear."""

from __future__ import annotations

import logging

import pytest

from safepassage.accounts.models import Account
from safepassage.register.domain import (
    approve_bureau_export,
    issue_capture_card,
    prepare_bureau_export,
    record_wish,
)
from tests.security.test_no_plaintext_at_rest import MARKERS, assert_no_marker, dump_database

from .support import days_ago, log, registered, set_details


@pytest.mark.django_db(transaction=True)
def test_register_values_are_sealed_in_the_database_and_absent_from_logs(
    personas: dict[str, Account],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    russian, korean, latin, phone = MARKERS
    roman = personas["roman"]
    record = registered(personas["kim"], roman, captured_days_ago=30)
    set_details(
        record,
        roman,
        surname=korean,
        first_names=russian,
        rank=latin,
        service_number=latin + "-42",
        place_of_birth=russian,
        father_first_name=korean,
        mother_maiden_name=russian,
        person_to_inform=f"{russian} {phone}",
        family_address=korean,
        capture_place=latin,
        prisoner_number=latin + "-P",
    )
    log(record, roman, "arrival", days_ago(20), place=russian, prisoner_number=latin)
    log(record, roman, "hospital_admission", days_ago(10), place=korean, note=russian)
    log(record, roman, "correspondence_received", days_ago(5), note=f"{korean} {phone}")
    record_wish(record, by=roman, wish="not_exchanged", stated_on=days_ago(4))
    issue_capture_card(record, by=roman)
    approve_bureau_export(prepare_bureau_export(by=roman), by=personas["sofia"])

    data = dump_database()
    assert_no_marker(data, "the database")
    # The wish is sealed too: "not to be exchanged" must not be readable from a dump.
    assert b"not_exchanged" not in data
    logs = "\n".join(record.getMessage() for record in caplog.records)
    captured = capsys.readouterr()
    assert_no_marker((logs + captured.out + captured.err).encode(), "the logs")

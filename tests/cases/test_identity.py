"""Identity fields: sealed, blind-indexed under the name key, audited by field name."""

from __future__ import annotations

import pytest

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import (
    CaseError,
    IdentityUpdate,
    InvalidIdentity,
    StaleCase,
    add_relative_contact,
    open_identity,
    set_media_consent,
    update_identity,
)
from safepassage.cases.domain.identity import index_for
from safepassage.cases.models import Contact

from .casework import make_case, reload

pytestmark = pytest.mark.django_db

FULL = {
    "name": "Ким Чер Су",
    "rank": "상등병",
    "unit": "в/ч 12345",
    "service_number": "АВ-123456",
    "date_of_birth": "02.03.2001",
    "area": "Курская область",
}


def _blank(**values: str) -> dict[str, str]:
    return {field: values.get(field, "") for field in FULL}


def test_identity_is_sealed_and_indexed(personas: dict[str, Account]) -> None:
    case = make_case(language="ko")
    changed = update_identity(
        case, by=personas["kim"], update=IdentityUpdate(values=FULL, group_size=3)
    )
    assert set(changed) == {*FULL, "group_size"}
    stored = reload(case)
    for field, value in FULL.items():
        assert value.encode() not in bytes(getattr(stored, field))
    assert open_identity(stored) == FULL
    assert stored.group_size == 3
    assert stored.name_index == index_for("name", "Kim Cher Su")
    assert stored.unit_index == index_for("unit", "VCH 12345")
    assert stored.service_number_index == index_for("service_number", "AV123456")
    assert stored.date_of_birth_index == index_for("dob", "2001-03-02")
    event = AuditEvent.objects.get(action="case.identity_updated")
    assert sorted(event.detail["fields"]) == sorted([*FULL, "group_size"])
    assert "Ким" not in str(event.detail)


def test_unchanged_fields_are_not_resealed(personas: dict[str, Account]) -> None:
    case = make_case()
    update_identity(case, by=personas["kim"], update=IdentityUpdate(values=FULL, group_size=None))
    before = reload(case)
    changed = update_identity(
        before,
        by=personas["kim"],
        update=IdentityUpdate(values={**FULL, "rank": "병사"}, group_size=None),
    )
    after = reload(case)
    assert changed == ["rank"]
    assert after.name == before.name  # same sealed bytes: not re-sealed
    assert after.rank != before.rank


def test_nothing_changed_writes_nothing(personas: dict[str, Account]) -> None:
    case = make_case()
    assert (
        update_identity(
            case, by=personas["kim"], update=IdentityUpdate(values=_blank(), group_size=None)
        )
        == []
    )
    assert reload(case).version == case.version
    assert not AuditEvent.objects.filter(action="case.identity_updated").exists()


def test_clearing_a_field_removes_value_and_index(personas: dict[str, Account]) -> None:
    case = make_case()
    update_identity(case, by=personas["kim"], update=IdentityUpdate(values=FULL, group_size=None))
    update_identity(
        reload(case), by=personas["kim"], update=IdentityUpdate(values=_blank(), group_size=None)
    )
    stored = reload(case)
    assert stored.name is None
    assert stored.name_index is None
    assert stored.date_of_birth is None
    assert stored.date_of_birth_index is None


def test_a_date_that_is_not_one_is_refused_and_nothing_changes(
    personas: dict[str, Account],
) -> None:
    case = make_case()
    with pytest.raises(InvalidIdentity, match="YYYY-MM-DD"):
        update_identity(
            case,
            by=personas["kim"],
            update=IdentityUpdate(
                values=_blank(name="Иван", date_of_birth="31.02.2001"), group_size=None
            ),
        )
    assert reload(case).name is None


@pytest.mark.parametrize("size", [0, 501])
def test_group_size_must_be_plausible(personas: dict[str, Account], size: int) -> None:
    with pytest.raises(InvalidIdentity):
        update_identity(
            make_case(), by=personas["kim"], update=IdentityUpdate(values={}, group_size=size)
        )


def test_stale_identity_form_changes_nothing(personas: dict[str, Account]) -> None:
    case = make_case()
    rendered = case.version
    update_identity(
        case, by=personas["kim"], update=IdentityUpdate(values={"name": "A"}, group_size=None)
    )
    with pytest.raises(StaleCase):
        update_identity(
            case,
            by=personas["sofia"],
            update=IdentityUpdate(values={"name": "B"}, group_size=None),
            expected_version=rendered,
        )
    assert open_identity(reload(case))["name"] == "A"


def test_media_consent_is_recorded_and_audited(personas: dict[str, Account]) -> None:
    case = make_case()
    set_media_consent(case, by=personas["kim"], no_filming=True, expected_version=case.version)
    assert reload(case).no_filming is True
    assert AuditEvent.objects.get(action="case.media_consent").detail == {"no_filming": True}
    # Setting the same value again is not a change.
    set_media_consent(reload(case), by=personas["kim"], no_filming=True)
    assert AuditEvent.objects.filter(action="case.media_consent").count() == 1


def test_a_relative_is_added_as_a_sealed_indexed_contact(personas: dict[str, Account]) -> None:
    case = make_case(language="ru")
    contact = add_relative_contact(
        case, by=personas["olga"], channel="whatsapp", identity="+7 (912) 555-01-02"
    )
    stored = Contact.objects.get(pk=contact.pk)
    assert stored.relation == "relative"
    assert stored.identity is not None
    assert b"555" not in stored.identity.blob
    assert len(stored.identity_index or "") == 64
    assert AuditEvent.objects.get(action="case.contact_added").detail["channel"] == "whatsapp"


def test_a_relative_already_reaching_another_case_flags_both(
    personas: dict[str, Account],
) -> None:
    first, second = make_case(language="ru"), make_case(language="ru")
    add_relative_contact(first, by=personas["olga"], channel="sms", identity="+79125550102")
    with pytest.raises(CaseError, match="another case"):
        add_relative_contact(
            second,
            by=personas["olga"],
            channel="sms",
            identity="+7 912 555-01-02",
        )
    assert f"shared_contact:{first.reference}" in reload(second).risk_flags
    assert f"shared_contact:{second.reference}" in reload(first).risk_flags
    assert Contact.objects.filter(case=second).count() == 1


def test_the_same_relative_twice_on_one_case_is_refused(personas: dict[str, Account]) -> None:
    case = make_case(language="ru")
    add_relative_contact(case, by=personas["olga"], channel="telegram", identity="@ivanova")
    with pytest.raises(CaseError, match="already on the case"):
        add_relative_contact(case, by=personas["olga"], channel="telegram", identity="IVANOVA")


@pytest.mark.parametrize(
    ("channel", "identity"), [("web", "x"), ("sms", "no digits"), ("telegram", "  ")]
)
def test_unusable_relatives_are_refused(
    personas: dict[str, Account], channel: str, identity: str
) -> None:
    with pytest.raises(InvalidIdentity):
        add_relative_contact(make_case(), by=personas["kim"], channel=channel, identity=identity)

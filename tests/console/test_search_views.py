"""The search page: posted (never in the URL), scoped to what the account may see,
audited by criteria names only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import IdentityUpdate, claim_case, update_identity
from safepassage.cases.models import Case
from safepassage.console.views import search as search_view

from ..cases.casework import make_case
from .helpers import force_verified_login

pytestmark = pytest.mark.django_db


def _client(account: Account) -> Client:
    client = Client()
    force_verified_login(client, account)
    return client


def _named(personas: dict[str, Account], language: str, name: str) -> Case:
    case = make_case(language=language)
    update_identity(
        case, by=personas["sofia"], update=IdentityUpdate(values={"name": name}, group_size=None)
    )
    return case


def test_search_form_is_posted_so_names_stay_out_of_urls(personas: dict[str, Account]) -> None:
    page = _client(personas["kim"]).get(reverse("console:search")).content.decode()
    assert 'method="post" action="/console/search/"' in page


def test_name_search_finds_hangul_from_latin_and_is_audited_without_the_name(
    personas: dict[str, Account],
) -> None:
    case = _named(personas, "ko", "김정은")
    response = _client(personas["kim"]).post(reverse("console:search"), {"name": "Gim Jeong-eun"})
    assert response.status_code == 200
    assert case.reference in response.content.decode()
    event = AuditEvent.objects.get(action="case.searched")
    assert event.detail == {"criteria": ["name"], "results_on_page": 1}
    assert "eun" not in str(event.detail).lower()


def test_operators_only_find_cases_they_may_open(personas: dict[str, Account]) -> None:
    korean = _named(personas, "ko", "Иванов Иван")
    english = _named(personas, "en", "Иванов Иван")
    colleagues = _named(personas, "ru", "Иванов Иван")
    claim_case(colleagues, by=personas["olga"])
    body = (
        _client(personas["kim"])
        .post(reverse("console:search"), {"name": "Ivanov Ivan"})
        .content.decode()
    )
    assert korean.reference in body
    assert english.reference not in body
    assert colleagues.reference not in body
    body = (
        _client(personas["sofia"])
        .post(reverse("console:search"), {"name": "Ivanov Ivan"})
        .content.decode()
    )
    assert all(c.reference in body for c in (korean, english, colleagues))


def test_an_empty_search_asks_for_a_criterion(personas: dict[str, Account]) -> None:
    response = _client(personas["kim"]).post(reverse("console:search"), {})
    assert response.status_code == 400
    assert "Give at least one thing to search by." in response.content.decode()


def test_a_bad_date_keeps_the_other_criteria(personas: dict[str, Account]) -> None:
    response = _client(personas["kim"]).post(
        reverse("console:search"), {"name": "Петров", "date_of_birth": "вчера"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "YYYY-MM-DD or DD.MM.YYYY" in body
    assert 'value="Петров"' in body


def test_results_are_paged(personas: dict[str, Account]) -> None:
    Case.objects.bulk_create(
        Case(language="ru", first_channel="web") for _ in range(search_view.PAGE_SIZE + 1)
    )
    client = _client(personas["sofia"])
    first = client.post(reverse("console:search"), {"language": "ru"})
    second = client.post(reverse("console:search"), {"language": "ru", "page": "2"})
    assert len(first.context["results"]) == search_view.PAGE_SIZE
    assert first.context["has_next"]
    assert len(second.context["results"]) == 1
    assert not second.context["has_next"]
    assert 'name="page" value="2"' in first.content.decode()


@pytest.mark.parametrize("persona", ["roman", "anna", "adam"])
def test_roles_without_case_work_cannot_search(personas: dict[str, Account], persona: str) -> None:
    assert _client(personas[persona]).get(reverse("console:search")).status_code == 403

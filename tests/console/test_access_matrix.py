"""The authorisation matrix: every console URL × anonymous and every persona.

Generated from the URL configuration, so a view added without a rule fails here:
every view must carry ``console_roles`` (from ``console_view``) or be one of the few
``console_public`` views listed below.  Each URL is requested as anonymous (sent to
sign-in), as each role the view does not name (403, nothing shown) and as each role it
names (let through the gate), with a real case reference wherever a pattern takes one.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from pytest_django.fixtures import Settings

from safepassage.accounts.models import Account
from safepassage.cases.domain import open_case, transition_case
from safepassage.cases.models import Case
from safepassage.cases.states import CaseState, CloseReason

from .helpers import FAST_PASSWORD_HASHERS, force_verified_login

# The only views an anonymous visitor may reach (SecureDrop-style allow-list).  Adding a
# public view means adding it here, in review.
PUBLIC_VIEWS = {
    "console:sign-in",
    "console:sign-in-code",
    "console:enrol-code",
    "console:enrol",
    "console:sign-out",
    "console:language",
}

# Rules that hold whatever a view declares, checked against the declarations themselves.
ADMIN_ONLY = {"console:accounts", "console:account-create", "console:account-detail"}
# Grants of access wait for a second person: supervisors (operator grants) and admins.
SUPERVISOR_AND_ADMIN = {
    "console:audit",
    "console:audit-verify",
    "console:access-requests",
    "console:access-request-approve",
    "console:access-request-refuse",
}
# Flood groups list case references, states and flags; only supervisors decide on them.
SUPERVISOR_ONLY = {
    "console:floods",
    "console:flood",
    "console:flood-confirm",
    "console:flood-dismiss",
    "console:flood-member-remove",
    # Retention: rules with due counts and references, legal holds, purges brought forward.
    "console:retention",
    "console:retention-hold",
    "console:retention-purge-forward",
}
EVERY_ROLE = {
    "console:home",
    "console:my-security",
    "console:password",
    "console:recovery-codes",
    "console:sign-out-everywhere",
}

# Who may look at the matrix case (Korean, new, unassigned) at all.
MAY_SEE_MATRIX_CASE = {
    "kim": True,
    "olga": False,
    "sofia": True,
    "roman": False,
    "anna": False,
    "adam": False,
}
# Who may look at a Korean case whose person surrendered, is in the register and whose
# case was then closed as completed: the registrar keeps it (read-only) through the
# register record; an operator who reads Korean keeps an unassigned case.
MAY_SEE_COMPLETED_CASE = {
    "kim": True,
    "olga": False,
    "sofia": True,
    "roman": True,
    "anna": False,
    "adam": False,
}

_CASE_PARAM = re.compile(r"(^|_)(ref|reference|case)($|_)")


@dataclass
class ConsoleRoute:
    """One URL pattern under the console, with everything needed to request it."""

    name: str
    view: Any
    params: dict[str, str] = field(default_factory=dict)  # kwarg -> converter name

    @property
    def case_scoped(self) -> bool:
        return any(_CASE_PARAM.search(param) for param in self.params)


def _converters(pattern: Any) -> dict[str, str]:
    if isinstance(pattern, RoutePattern):
        return {name: type(conv).__name__ for name, conv in pattern.converters.items()}
    if isinstance(pattern, RegexPattern):
        return dict.fromkeys(pattern.regex.groupindex, "regex")
    return {}


def _walk(
    patterns: list[URLPattern | URLResolver], namespace: str, params: dict[str, str]
) -> Iterator[ConsoleRoute]:
    for entry in patterns:
        here = {**params, **_converters(entry.pattern)}
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, here)
        else:
            assert entry.name, f"console URL {entry.pattern} has no name"
            yield ConsoleRoute(f"{namespace}:{entry.name}", entry.callback, here)


def console_routes() -> list[ConsoleRoute]:
    """Every URL pattern mounted under the console namespace, recursively."""
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "console":
            return list(_walk(entry.url_patterns, "console", _converters(entry.pattern)))
    raise AssertionError("the console URLconf is not mounted")


ROUTES = console_routes()


def _value_for(param: str, converter: str, case: Case, personas: dict[str, Account]) -> str:
    if _CASE_PARAM.search(param):
        return case.reference
    if "account" in param:
        return str(personas["kim"].pk)
    if converter == "UUIDConverter":
        return str(uuid.uuid4())
    if converter in {"IntConverter", "regex"}:
        return "1"
    return "x"


def url_for(route: ConsoleRoute, case: Case, personas: dict[str, Account]) -> str:
    kwargs = {p: _value_for(p, conv, case, personas) for p, conv in route.params.items()}
    return reverse(route.name, kwargs=kwargs)


@pytest.fixture(autouse=True)
def _cheap_persona_passwords(settings: Settings) -> None:
    # Six personas per URL: the production Argon2 cost would dominate the run, and no
    # password is checked here (sign-in tests use the real hasher).
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture
def matrix_case(personas: dict[str, Account]) -> Case:
    return open_case(channel="web", language="ko")


@pytest.fixture
def clients(personas: dict[str, Account]) -> dict[str, Client]:
    signed_in = {}
    for name, account in personas.items():
        client = Client()
        force_verified_login(client, account)
        signed_in[name] = client
    return signed_in


def test_console_has_routes_to_check() -> None:
    names = {route.name for route in ROUTES}
    assert {"console:home", "console:sign-in", "console:accounts", "console:audit"} <= names
    assert names >= SUPERVISOR_ONLY


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_every_console_view_declares_who_may_open_it(route: ConsoleRoute) -> None:
    roles = getattr(route.view, "console_roles", None)
    public = getattr(route.view, "console_public", False)
    assert roles or public, f"{route.name} has neither console_view(...) nor console_public"
    assert not (roles and public), f"{route.name} is both public and role-restricted"
    assert public == (route.name in PUBLIC_VIEWS), f"{route.name}: public views are allow-listed"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_declared_roles_match_the_programme_rules(route: ConsoleRoute) -> None:
    roles: frozenset[str] = getattr(route.view, "console_roles", frozenset())
    if route.name in ADMIN_ONLY:
        assert roles == {"admin"}
    if route.name in SUPERVISOR_AND_ADMIN:
        assert roles == {"supervisor", "admin"}
    if route.name in SUPERVISOR_ONLY:
        assert roles == {"supervisor"}
    if route.name in EVERY_ROLE:
        assert roles == {"operator", "supervisor", "registrar", "analyst", "admin"}
    if route.case_scoped:
        # An admin manages accounts and an analyst sees aggregates: neither opens a case.
        assert "admin" not in roles
        assert "analyst" not in roles


def _is_sign_in_redirect(response: Any) -> bool:
    if response.status_code != 302:
        return False
    location: str = response["Location"]
    return location.startswith(reverse("console:sign-in"))


def _check_anonymous(route: ConsoleRoute, url: str, case: Case) -> None:
    for method in ("get", "post"):
        response = getattr(Client(), method)(url)
        if route.name in PUBLIC_VIEWS:
            assert response.status_code < 500
            assert response.status_code != 403
        else:
            assert _is_sign_in_redirect(response), ("anonymous", method, response.status_code)
            assert response["Location"] == reverse("console:sign-in") + "?next=" + (
                url.replace("/", "%2F")
            )
        assert case.reference.encode() not in response.content


def _check_persona(
    route: ConsoleRoute,
    url: str,
    case: Case,
    name: str,
    account: Account,
    client: Client,
    may_see: dict[str, bool] = MAY_SEE_MATRIX_CASE,
) -> None:
    roles = route.view.console_roles
    if account.role not in roles:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 403, (name, method, response.status_code)
            assert case.reference.encode() not in response.content
        return
    response = client.get(url)
    assert response.status_code < 500, (name, response.status_code)
    assert response.status_code != 403, name
    assert not _is_sign_in_redirect(response), name
    if route.case_scoped and not may_see[name]:
        # Let through the role gate, stopped by get_case_for: "not found", nothing shown.
        assert response.status_code in (404, 405), (name, response.status_code)
        assert case.reference.encode() not in response.content


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_route_answers_anonymous_and_every_persona_as_declared(
    route: ConsoleRoute,
    matrix_case: Case,
    personas: dict[str, Account],
    clients: dict[str, Client],
) -> None:
    """Anonymous: sign-in redirect (public views: anything but an error).  A role the
    view does not name: 403 on GET and POST, nothing shown.  A role it names: through the
    gate, and for a case URL, "not found" unless that persona may see the case."""
    url = url_for(route, matrix_case, personas)
    _check_anonymous(route, url, matrix_case)
    if route.name in PUBLIC_VIEWS:
        return
    for name, account in personas.items():
        _check_persona(route, url, matrix_case, name, account, clients[name])


CASE_ROUTES = [route for route in ROUTES if route.case_scoped]


@pytest.fixture
def completed_case(personas: dict[str, Account]) -> Case:
    """A Korean case taken to surrender (which opens its register record), then closed."""
    case = open_case(channel="web", language="ko", inquiry_type="surrender")
    for state in (CaseState.ENGAGED, CaseState.VERIFIED, CaseState.PLANNING):
        case = transition_case(case, to=state, by=personas["kim"])
    case = transition_case(case, to=CaseState.SURRENDERED, by=personas["kim"])
    return transition_case(
        case, to=CaseState.CLOSED, by=personas["sofia"], reason=CloseReason.COMPLETED
    )


@pytest.mark.parametrize("route", CASE_ROUTES, ids=lambda r: r.name)
def test_case_route_answers_every_persona_for_a_registered_case_closed_as_completed(
    route: ConsoleRoute,
    completed_case: Case,
    personas: dict[str, Account],
    clients: dict[str, Client],
) -> None:
    """The register record keeps the case open to the registrar, for viewing only: the
    workspace opens; every other case URL a registrar's role reaches either refuses the
    method or leaves the case as it was."""
    url = url_for(route, completed_case, personas)
    for name, account in personas.items():
        _check_persona(
            route, url, completed_case, name, account, clients[name], MAY_SEE_COMPLETED_CASE
        )
    registrar = clients["roman"]
    if route.name == "console:case":
        page = registrar.get(url)
        assert page.status_code == 200
        assert completed_case.reference.encode() in page.content
    version = Case.objects.values_list("version", flat=True).get(pk=completed_case.pk)
    answer = registrar.post(url)
    if "registrar" not in route.view.console_roles:
        assert answer.status_code == 403
    assert Case.objects.values_list("version", flat=True).get(pk=completed_case.pk) == version

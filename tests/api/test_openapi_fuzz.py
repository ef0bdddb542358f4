"""Schemathesis against a live server: the OpenAPI document validates, no operation
answers 5xx or off-schema, and every operation refuses every other scope's token (403).

Bounded: a fixed number of examples per operation and no shrinking, so the run stays
well under a minute per database.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from safepassage.accounts.models import Account
from safepassage.api.main import api

from .support import ALL_SCOPES, make_client

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def scope_of(path: str) -> str:
    """The scope an operation requires, from its path (as the routers are mounted)."""
    if path.startswith("/api/v1/stats"):
        return "stats:read"
    if path.startswith("/api/v1/intake"):
        return "intake:write"
    if "/identity" in path or "/bureau-batches" in path:
        return "register:export"
    return "register:read"


def test_the_openapi_document_is_valid_openapi_3() -> None:
    document = api.get_openapi_schema()
    # Schemathesis validates a loaded document against the OpenAPI meta-schema.
    schemathesis.openapi.from_dict(document).validate()
    assert document["openapi"].startswith("3.")
    # Every operation declares the problem responses it can give.
    for item in document["paths"].values():
        for operation in item.values():
            assert "401" in operation["responses"]
            assert "403" in operation["responses"]
            problem = operation["responses"]["401"]["content"]
            assert list(problem) == ["application/problem+json"]


def test_fuzzing_finds_no_server_error_schema_violation_or_scope_leak(
    live_server: Any, personas: dict[str, Account]
) -> None:
    tokens = {scope: make_client(personas["adam"], scope, rate=10000)[1] for scope in ALL_SCOPES}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert {op.path for op in operations} >= {"/api/v1/intake", "/api/v1/stats/totals"}
    started = time.monotonic()
    for operation in operations:
        fuzz(operation, tokens, live_server.url)
    assert time.monotonic() - started < 60


def fuzz(operation: Any, tokens: dict[str, str], base_url: str) -> None:
    """Call ``operation`` with generated requests, first with its scope's token (checked
    against the schema), then with every other scope's (each must get 403)."""
    scope = scope_of(operation.path)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        headers = {"Authorization": f"Bearer {tokens[scope]}"}
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)
        for other in ALL_SCOPES:
            if other != scope:
                response = case.call(
                    base_url=base_url, headers={"Authorization": f"Bearer {tokens[other]}"}
                )
                assert response.status_code == 403, (operation.path, other)

    run()

"""RFC 9457 problem details: every error of the API, in English, with a stable ``code``.

The ``detail`` texts are fixed strings: nothing a client sent (it may be personal) is
echoed back, not even in validation errors (only where and what kind of error).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import Schema

PROBLEM_CONTENT_TYPE = "application/problem+json"

# code -> (status, title)
PROBLEMS: dict[str, tuple[int, str]] = {
    "missing_token": (401, "A bearer token is required"),
    "invalid_token": (401, "The token is unknown, not approved, revoked or expired"),
    "address_not_allowed": (403, "The token may not be used from this address"),
    "scope_missing": (403, "The token lacks the scope this operation requires"),
    "not_found": (404, "No such resource"),
    "idempotency_key_reused": (409, "This Idempotency-Key was used for a different request"),
    "invalid_request": (422, "The request does not match the schema"),
    "invalid_cursor": (422, "The cursor is not one this API issued"),
    "period_not_available": (422, "Only complete calendar months can be requested"),
    "rate_limited": (429, "Too many calls in this minute"),
    "server_error": (500, "The server could not complete the request"),
}


class ValidationIssue(Schema):
    """Where a request failed validation and why (never the value sent)."""

    loc: list[str]
    type: str


class Problem(Schema):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    code: str
    detail: str | None = None
    errors: list[ValidationIssue] | None = None


def problem_type(code: str) -> str:
    """The problem's ``type`` URI (a stable URN: no page needs to be online)."""
    return f"urn:safepassage:api:problem:{code}"


def problem_response(
    code: str, *, detail: str | None = None, errors: list[dict[str, Any]] | None = None
) -> HttpResponse:
    """An ``application/problem+json`` response for ``code``."""
    status, title = PROBLEMS[code]
    body = Problem(
        type=problem_type(code),
        title=title,
        status=status,
        code=code,
        detail=detail,
        errors=[ValidationIssue(**e) for e in errors] if errors is not None else None,
    )
    response = HttpResponse(
        body.model_dump_json(exclude_none=True), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="safepassage"'
    if code == "rate_limited":
        response["Retry-After"] = "60"
    return response


def issues_from(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validation errors reduced to location and type (pydantic's ``input`` is dropped)."""
    return [
        {"loc": [str(part) for part in e.get("loc", ())], "type": str(e.get("type", "invalid"))}
        for e in errors
    ]

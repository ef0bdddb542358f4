"""The NinjaAPI instance: routers, problem-details handlers and the OpenAPI document."""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from safepassage.api import intake, register, stats
from safepassage.api.problems import PROBLEM_CONTENT_TYPE, issues_from, problem_response
from safepassage.apiclients.domain import CallRefused

logger = logging.getLogger(__name__)


class PartnerApi(NinjaAPI):
    """NinjaAPI whose OpenAPI document declares errors as ``application/problem+json``."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """The generated schema, error responses re-labelled with the problem media type."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if str(status)[0] in "45" and "application/json" in content:
                        content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
        return schema


api = PartnerApi(
    title="SafePassage partner API",
    version="1",
    description=(
        "Register data for the information bureau, suppressed statistics for the press "
        "office and contact hand-over for partner call centres.  Every call needs a "
        "bearer token with the operation's scope; errors are RFC 9457 problem details."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_router("/register", register.read)
api.add_router("/register", register.export)
api.add_router("/stats", stats.router)
api.add_router("/intake", intake.router)


@api.exception_handler(CallRefused)
def _refused(request: HttpRequest, exc: CallRefused) -> HttpResponse:
    return problem_response(exc.code)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response("missing_token")


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problem_response("invalid_request", errors=issues_from(list(exc.errors)))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response("not_found")


@api.exception_handler(register.InvalidCursor)
def _bad_cursor(request: HttpRequest, exc: register.InvalidCursor) -> HttpResponse:
    return problem_response("invalid_cursor")


@api.exception_handler(stats.PeriodNotAvailable)
def _no_period(request: HttpRequest, exc: stats.PeriodNotAvailable) -> HttpResponse:
    return problem_response("period_not_available")


@api.exception_handler(intake.IdempotencyKeyReused)
def _key_reused(request: HttpRequest, exc: intake.IdempotencyKeyReused) -> HttpResponse:
    return problem_response("idempotency_key_reused")


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The exception's type only: its message may quote a value from the request.
    logger.error("api call failed: %s", type(exc).__name__)
    return problem_response("server_error")

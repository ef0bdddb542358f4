"""Bearer-token authentication with one required scope per operation.

Order matters: the token is checked first (401), then the caller's address (403), the
rate window (429; counted for every authenticated call, refused ones too, so a client
cannot probe scopes for free) and last the scope (403).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from safepassage.apiclients.domain import CallRefused, authenticate, count_call
from safepassage.apiclients.models import ApiClient
from safepassage.security.addresses import client_address

CLIENT_ATTRIBUTE = "safepassage_api_client"


def client_of(request: HttpRequest) -> ApiClient | None:
    """The client the request authenticated as (set even when its call was refused)."""
    client = getattr(request, CLIENT_ATTRIBUTE, None)
    return client if isinstance(client, ApiClient) else None


class ScopedToken(HttpBearer):
    """``Authorization: Bearer sp_…`` of an approved client holding ``scope``."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient:
        """The client, or CallRefused with the problem code."""
        client = authenticate(token, address=client_address(request))
        setattr(request, CLIENT_ATTRIBUTE, client)
        count_call(client)
        if self.scope not in client.scopes:
            raise CallRefused("scope_missing")
        return client

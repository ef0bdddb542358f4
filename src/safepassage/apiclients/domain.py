"""API client lifecycle (create → approve or refuse → revoke) and the checks of a call.

Every step writes one audit event naming the client; events hold names, scopes and
codes, never a secret.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts.models import Account
from safepassage.apiclients import rules
from safepassage.apiclients.models import ApiClient, IntakeKey, RateWindow, Scope
from safepassage.apiclients.tokens import keyed_hash, new_token, split_token
from safepassage.audit.chain import record_event

MAX_LIFETIME_DAYS = 366
NAME_MAX = 64


class ClientError(Exception):
    """A request the admin can correct; ``str()`` is a translated message."""


@dataclass(frozen=True)
class ClientSpec:
    """What an admin asks for when creating a client."""

    name: str
    scopes: list[str]
    expires_on: dt.date
    allowed_networks: list[str]
    rate_limit_per_minute: int
    campaign_code: str = ""


def _audit(action: str, *, by: Account | None, client: ApiClient, **detail: Any) -> None:
    record_event(action, actor=by, object_type="api_client", object_ref=client.name, detail=detail)


def clean_networks(lines: list[str]) -> list[str]:
    """Normalised CIDR networks; ClientError on anything that is not one."""
    networks = []
    for line in lines:
        text = line.strip()
        if not text:
            continue
        try:
            networks.append(str(ipaddress.ip_network(text, strict=False)))
        except ValueError:
            raise ClientError(
                _("“%(value)s” is not an address or network.") % {"value": text}
            ) from None
    return networks


def _validate(spec: ClientSpec, today: dt.date) -> None:
    if not spec.name.strip() or len(spec.name.strip()) > NAME_MAX:
        raise ClientError(_("Give the client a name of at most 64 characters."))
    if not spec.scopes or set(spec.scopes) - set(Scope.values):
        raise ClientError(_("Choose at least one scope."))
    if not today < spec.expires_on <= today + dt.timedelta(days=MAX_LIFETIME_DAYS):
        raise ClientError(_("The expiry must be after today and within a year."))
    if not 1 <= spec.rate_limit_per_minute <= 10000:
        raise ClientError(_("The rate limit must be between 1 and 10,000 calls a minute."))


def create_client(*, by: Account, spec: ClientSpec) -> tuple[ApiClient, str]:
    """Create a pending client; returns it and its token (to show once, then forget).

    The token works only after a second admin approves.  Side effect: ``api.client_created``.
    """
    if not rules.may_manage(by):
        raise PermissionError("only an active admin may create API clients")
    now = timezone.now()
    _validate(spec, now.date())
    key_id, token, secret_hash = new_token()
    expires_at = dt.datetime.combine(spec.expires_on, dt.time.max, tzinfo=dt.UTC)
    with transaction.atomic():
        if ApiClient.objects.filter(name=spec.name.strip()).exists():
            raise ClientError(_("A client with this name already exists."))
        client = ApiClient.objects.create(
            name=spec.name.strip(),
            key_id=key_id,
            secret_hash=secret_hash,
            scopes=sorted(set(spec.scopes)),
            expires_at=expires_at,
            allowed_networks=spec.allowed_networks,
            rate_limit_per_minute=spec.rate_limit_per_minute,
            campaign_code=spec.campaign_code.strip().upper(),
            created_by=by,
            created_at=now,
        )
        _audit("api.client_created", by=by, client=client, scopes=client.scopes)
    return client, token


def _decide(client: ApiClient, *, by: Account, status: str, action: str) -> ApiClient:
    with transaction.atomic():
        locked = ApiClient.objects.select_for_update().get(pk=client.pk)
        if not rules.may_approve(by, locked):
            raise PermissionError("this account may not decide this API client")
        locked.status = status
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        _audit(action, by=by, client=locked, scopes=locked.scopes)
    return locked


def approve_client(client: ApiClient, *, by: Account) -> ApiClient:
    """Approve a pending client (a second admin).  Side effect: ``api.client_approved``."""
    return _decide(client, by=by, status=ApiClient.Status.APPROVED, action="api.client_approved")


def refuse_client(client: ApiClient, *, by: Account) -> ApiClient:
    """Refuse a pending client (a second admin).  Side effect: ``api.client_refused``."""
    return _decide(client, by=by, status=ApiClient.Status.REFUSED, action="api.client_refused")


def revoke_client(client: ApiClient, *, by: Account) -> ApiClient:
    """Revoke a client at once (any admin).  Side effect: ``api.client_revoked``."""
    if not rules.may_manage(by):
        raise PermissionError("only an active admin may revoke API clients")
    with transaction.atomic():
        locked = ApiClient.objects.select_for_update().get(pk=client.pk)
        if locked.status == ApiClient.Status.REVOKED:
            return locked
        locked.status = ApiClient.Status.REVOKED
        locked.revoked_by = by
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["status", "revoked_by", "revoked_at"])
        _audit("api.client_revoked", by=by, client=locked)
    return locked


class CallRefused(Exception):
    """A call that may not proceed; ``code`` is the stable problem code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def authenticate(token: str, *, address: str) -> ApiClient:
    """The approved, unexpired client whose token this is, calling from an allowed address.

    Raises CallRefused with ``invalid_token`` (unknown, unapproved, revoked or expired:
    one code, so probing tells nothing) or ``address_not_allowed``.
    """
    parts = split_token(token)
    if parts is None:
        raise CallRefused("invalid_token")
    key_id, secret_hash = parts
    client = ApiClient.objects.filter(key_id=key_id).first()
    if client is None or not secrets.compare_digest(client.secret_hash, secret_hash):
        raise CallRefused("invalid_token")
    if client.status != ApiClient.Status.APPROVED or client.expires_at <= timezone.now():
        raise CallRefused("invalid_token")
    if client.allowed_networks and not _address_allowed(address, client.allowed_networks):
        raise CallRefused("address_not_allowed")
    return client


def _address_allowed(address: str, networks: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("/")[0])
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(n, strict=False) for n in networks)


def count_call(client: ApiClient) -> None:
    """Count one call in the current minute; CallRefused(``rate_limited``) over the limit."""
    now = timezone.now()
    minute = now.replace(second=0, microsecond=0)
    with transaction.atomic():
        updated = RateWindow.objects.filter(client=client, minute=minute).update(
            calls=F("calls") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    RateWindow.objects.create(client=client, minute=minute, calls=1)
            except IntegrityError:
                RateWindow.objects.filter(client=client, minute=minute).update(calls=F("calls") + 1)
        calls = RateWindow.objects.filter(client=client, minute=minute).values_list(
            "calls", flat=True
        )[0]
        # Old windows are of no use; dropping them keeps the table one row per client.
        RateWindow.objects.filter(client=client, minute__lt=minute).delete()
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    if calls > client.rate_limit_per_minute:
        raise CallRefused("rate_limited")


def audit_call(client: ApiClient, *, operation: str, status: int, **detail: Any) -> None:
    """One audit event per call, naming the client (never its token)."""
    _audit("api.call", by=None, client=client, operation=operation, status=status, **detail)


def find_intake(client: ApiClient, key: str) -> IntakeKey | None:
    """The intake an earlier call with this idempotency key made, if any."""
    return IntakeKey.objects.filter(client=client, key_hash=keyed_hash("intake-key", key)).first()


def remember_intake(
    client: ApiClient, *, key: str, request_fingerprint: str, envelope_id: int
) -> IntakeKey:
    """Store the key (hashed) with the envelope it made; caller holds the transaction."""
    return IntakeKey.objects.create(
        client=client,
        key_hash=keyed_hash("intake-key", key),
        request_hash=keyed_hash("intake-body", request_fingerprint),
        intake_id=secrets.token_hex(12),
        envelope_id=envelope_id,
        created_at=timezone.now(),
    )


def same_request(intake: IntakeKey, request_fingerprint: str) -> bool:
    """Whether a retry carries the same body as the call that made ``intake``."""
    return secrets.compare_digest(
        intake.request_hash, keyed_hash("intake-body", request_fingerprint)
    )

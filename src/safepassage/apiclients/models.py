"""API clients (partners' machines), their per-minute call windows and intake keys.

A client is created by an admin and is usable only once a second person approved it
(the two-person rule of console accounts, issue 12).  Its secret is shown once at
creation and stored only as a keyed hash (``apiclients.tokens``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a token may reach; each endpoint requires exactly one scope."""

    REGISTER_READ = "register:read", _("Register: statuses of captured persons")
    REGISTER_EXPORT = "register:export", _("Register: identities and signed bureau batches")
    STATS_READ = "stats:read", _("Statistics (suppressed)")
    INTAKE_WRITE = "intake:write", _("Intake: hand over contacts")


class ApiClient(models.Model):
    """One partner system with one token."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        REVOKED = "revoked", _("Revoked")

    name = models.CharField(max_length=64, unique=True)
    # Public half of the token (``sp_<key_id>_<secret>``): finds the row without a scan.
    key_id = models.CharField(max_length=16, unique=True)
    # HMAC-SHA256 (hex) of the secret under the API token key; never the secret itself.
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    expires_at = models.DateTimeField()
    # Networks (CIDR) the token may call from; empty: any address.
    allowed_networks = models.JSONField(default=list, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(default=60)
    # For intake:write: the campaign tracking code partner contacts are attributed to.
    campaign_code = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def scope_labels(self) -> list[str]:
        """The client's scopes, translated, for console pages."""
        return [str(Scope(s).label) for s in self.scopes if s in Scope.values]


class RateWindow(models.Model):
    """Calls of one client in one minute; shared by every console process."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    minute = models.DateTimeField()
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "minute"], name="api_rate_window_unique")
        ]

    def __str__(self) -> str:
        return f"{self.client_id} @ {self.minute:%H:%M}: {self.calls}"


class IntakeKey(models.Model):
    """A partner's idempotency key, stored as a keyed hash with the intake it made.

    ``request_hash`` (keyed hash of the request body) tells a retry (same body) from a
    key reused for another contact (refused).  Nothing here is personal.
    """

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="+")
    key_hash = models.CharField(max_length=64)
    request_hash = models.CharField(max_length=64)
    intake_id = models.CharField(max_length=32, unique=True)
    envelope_id = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key_hash"], name="api_intake_key_unique")
        ]

    def __str__(self) -> str:
        return f"intake {self.intake_id}"

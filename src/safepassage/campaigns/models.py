"""Campaign: a public appeal with a short tracking code."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

CODE_PATTERN = re.compile(r"^[A-Z0-9]{3,12}$")


def normalise_code(raw: str) -> str:
    """Upper-case and strip a typed code; codes are ASCII letters and digits only."""
    return raw.strip().upper()


def validate_code(value: str) -> None:
    """Reject codes that are not 3–12 ASCII letters or digits."""
    if not CODE_PATTERN.match(value):
        raise ValidationError(
            _("A tracking code is 3 to 12 letters A–Z or digits."), code="malformed_code"
        )


class Medium(models.TextChoices):
    VIDEO = "video", _("Video")
    TEXT = "text", _("Text")
    LEAFLET = "leaflet", _("Leaflet")
    RADIO = "radio", _("Radio")
    SOCIAL = "social", _("Social post")


class Campaign(models.Model):
    """An appeal.  Its code is public: it appears on leaflets and in links."""

    code = models.CharField(max_length=12, unique=True, validators=[validate_code])
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=200, blank=True)
    languages = models.JSONField(default=list, blank=True)
    medium = models.CharField(max_length=16, choices=Medium.choices, default=Medium.TEXT)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    asset_links = models.JSONField(default=list, blank=True)
    # Per-language appeal text for leaflets ({"ko": "…"}); the standard appeal otherwise.
    appeal_texts = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.code

    def has_ended(self, today: datetime.date) -> bool:
        """True once the campaign's last day is behind ``today``."""
        return self.ends_on is not None and self.ends_on < today

    def has_started(self, today: datetime.date) -> bool:
        """True from the campaign's first day on (always, when it has no start date)."""
        return self.starts_on is None or self.starts_on <= today

    def is_active(self, today: datetime.date) -> bool:
        """Running on ``today``: started and not ended."""
        return self.has_started(today) and not self.has_ended(today)


class AttributionVia(models.TextChoices):
    """How a code reached us."""

    WEB = "web", _("Website link or form")
    TELEGRAM_START = "telegram_start", _("Telegram /start link")
    MESSAGE_CODE = "message_code", _("Code typed in a message")
    OPERATOR = "operator", _("Chosen by an operator (hotline)")
    PARTNER = "partner", _("Handed over by a partner organisation (API)")


class AttributionFlag(models.TextChoices):
    """Why an attribution deserves a second look."""

    NONE = "", _("None")
    ENDED = "ended", _("Campaign had ended")
    NOT_STARTED = "not_started", _("Campaign had not started")
    UNKNOWN = "unknown", _("Unknown or malformed code")


class Attribution(models.Model):
    """One tracking code seen on a case: the first one (kept on ``Case.campaign``) and later ones.

    An unknown or malformed code is recorded with ``campaign`` empty and flag ``unknown``;
    the text typed is not stored, because a "code" typed into a first message may be a
    name or a phone number.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="attributions")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="attributions"
    )
    via = models.CharField(max_length=16, choices=AttributionVia.choices)
    first = models.BooleanField(default=False)
    flag = models.CharField(max_length=16, choices=AttributionFlag.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # A repeated /start or a re-sent form adds no row: one per case, campaign and way.
            models.UniqueConstraint(
                fields=["case", "campaign", "via"],
                condition=models.Q(campaign__isnull=False),
                name="attribution_unique_known",
            ),
            models.UniqueConstraint(
                fields=["case", "via"],
                condition=models.Q(campaign__isnull=True),
                name="attribution_unique_unknown",
            ),
        ]

    def __str__(self) -> str:
        return f"attribution #{self.pk}"

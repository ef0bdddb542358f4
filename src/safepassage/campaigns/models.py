"""Campaign: a public appeal with a short tracking code."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models

CODE_PATTERN = re.compile(r"^[A-Z0-9]{3,12}$")


def normalise_code(raw: str) -> str:
    """Upper-case and strip a typed code; codes are ASCII letters and digits only."""
    return raw.strip().upper()


def validate_code(value: str) -> None:
    """Reject codes that are not 3–12 ASCII letters or digits."""
    if not CODE_PATTERN.match(value):
        raise ValidationError("A tracking code is 3 to 12 letters A–Z or digits.")


class Medium(models.TextChoices):
    VIDEO = "video", "Video"
    TEXT = "text", "Text"
    LEAFLET = "leaflet", "Leaflet"
    RADIO = "radio", "Radio"
    SOCIAL = "social", "Social post"


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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.code

"""CannedReply: a prepared answer in one language, with placeholders filled per case."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CannedReply(models.Model):
    """A supervisor-maintained reply template, e.g. "Здравствуйте, {name}! …".

    The text is programme wording, not personal data, so it is stored in the clear;
    placeholders are filled in when an operator picks it for a case.
    """

    language = models.CharField(max_length=8, db_index=True)
    title = models.CharField(max_length=100)
    body = models.TextField(max_length=4000)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["language", "title"], name="canned_reply_unique_title_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.title}"

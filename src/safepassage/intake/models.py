"""SentForm: the memory that makes the public form safe to send twice.

The form page carries a one-time token (``intake.form_tokens``).  When a submission is
committed, this row is written in the same transaction: the token's hash (unique, so a
second POST with the same token cannot store a second envelope) and the receipt sealed
so that only the token opens it.  A reload or a double click sends the same token and
is answered with the same receipt; the server at rest cannot read it (the token lives
only in the applicant's page), and the row is deleted after ``FORM_TOKEN_SECONDS``.
"""

from __future__ import annotations

from django.db import models

from safepassage.crypto.fields import SealedField


class SentForm(models.Model):
    """A form token that was used; its receipt sealed to a key only the token yields."""

    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(db_index=True)
    receipt = SealedField()

    def __str__(self) -> str:
        return f"sent form #{self.pk}"

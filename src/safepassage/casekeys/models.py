"""CaseKey: one random key per case and scope, sealed to the programme key.

Kept in its own table (``crypto_casekey``), with no foreign key to the case, so that it
can be backed up on its own, short schedule (see docs/decisions.md, issue 13): the
guarantee of crypto-shredding is only as good as the oldest surviving copy of this
table.  Deleting a row makes every value sealed under its key unreadable.
"""

from __future__ import annotations

from django.db import models

from safepassage.crypto.fields import SealedField


class KeyScope(models.TextChoices):
    """Which part of a case a key protects; each can be shredded on its own."""

    # The conversation: messages, contacts, notes, identity fields, media, deliveries.
    CASE = "case", "Case"
    # The register record (Third Geneva Convention), kept longer than the conversation.
    REGISTER = "register", "Register record"


class CaseKey(models.Model):
    """A case's data-encryption key for one scope."""

    # 32 hex digits: the 16-byte id written into every SP2 value under this key.
    key_id = models.CharField(max_length=32, unique=True)
    case_id = models.BigIntegerField()
    scope = models.CharField(max_length=16, choices=KeyScope.choices)
    # The 32-byte key, sealed (SP1) to the programme key: rotating the programme key
    # re-wraps only these rows, never the case's values.
    wrapped = SealedField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "crypto_casekey"
        constraints = [
            models.UniqueConstraint(fields=["case_id", "scope"], name="casekey_unique_scope")
        ]

    def __str__(self) -> str:
        return f"{self.scope} key of case #{self.case_id}"

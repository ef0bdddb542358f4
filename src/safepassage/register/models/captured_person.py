"""CapturedPerson: the register record of a person who surrendered (a prisoner of war).

Linked to the case, never a copy of it: what the person states at registration
(Art. 17) may differ from what he told operators, and the case keeps its conversation.
Every personal value is sealed; what stays in clear are dates, codes and counters the
deadline and export logic must query (a capture date alone identifies no one).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from safepassage.crypto.fields import SealedField
from safepassage.register.states import Location, RecordStatus

_NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_register_number() -> str:
    """A random register number such as ``R-7KQ4-MX9T`` (unlike a case reference's form,
    so the two are never confused on the phone)."""
    raw = "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))
    return f"R-{raw[:4]}-{raw[4:]}"


class CapturedPerson(models.Model):
    """One captured person's register record."""

    number = models.CharField(max_length=16, unique=True, default=new_register_number)
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="captured_person"
    )

    # Art. 17: what a prisoner is bound to give (surname, first names, rank, date of
    # birth, army/regimental/personal/serial number).  Sealed, optional until needed.
    surname = SealedField(null=True, blank=True)
    first_names = SealedField(null=True, blank=True)
    rank = SealedField(null=True, blank=True)
    date_of_birth = SealedField(null=True, blank=True)  # ISO date text
    service_number = SealedField(null=True, blank=True)
    # Given only if he agrees (Art. 17 binds him to nothing more); Art. 122 and the
    # Annex IV-B card list them.
    power = SealedField(null=True, blank=True)  # the Power on which he depends
    place_of_birth = SealedField(null=True, blank=True)
    father_first_name = SealedField(null=True, blank=True)
    mother_maiden_name = SealedField(null=True, blank=True)
    person_to_inform = SealedField(null=True, blank=True)
    family_address = SealedField(null=True, blank=True)

    # Capture and internment.
    capture_date = models.DateField(null=True, blank=True)
    capture_place = SealedField(null=True, blank=True)
    camp = SealedField(null=True, blank=True)
    prisoner_number = SealedField(null=True, blank=True)
    hospital = SealedField(null=True, blank=True)
    health = SealedField(null=True, blank=True)  # a Health code, sealed: medical data
    location = models.CharField(max_length=16, choices=Location.choices, default=Location.NONE)
    status = models.CharField(
        max_length=16, choices=RecordStatus.choices, default=RecordStatus.INTERNED
    )
    # Date of the latest movement (arrival, transfer, hospital, release…): movements
    # must be recorded in order.
    last_movement_on = models.DateField(null=True, blank=True)

    # Capture-card languages: the prisoner's (ru/ko) and the detaining Power's (uk/en).
    card_language = models.CharField(max_length=8, default="ru")
    detaining_language = models.CharField(max_length=8, default="uk")

    # Art. 13 protects prisoners from public curiosity: nothing is filmed or published
    # unless he consented, and the default is no.
    filming_consent = models.BooleanField(default=False)
    publication_consent = models.BooleanField(default=False)

    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic concurrency for forms.
    version = models.PositiveIntegerField(default=1)
    # Bumped by every change the information bureau must hear of; a record is due for
    # transmission while it is ahead of the revision last approved for sending.
    bureau_revision = models.PositiveIntegerField(default=1)
    transmitted_revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["status", "location"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        """Whether the person is still interned (the record takes new events)."""
        return self.status == RecordStatus.INTERNED

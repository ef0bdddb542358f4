"""The register's vocabulary: health categories, welfare event kinds, wishes, statuses.

Kept as data so domain functions, forms, the capture card and tests read one table.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Art. 70: a capture card is due "not more than one week after arrival at a camp",
# and again after every transfer to hospital or to another camp.
CARD_DUE_DAYS = 7


class Health(models.TextChoices):
    """The state-of-health categories printed on the Annex IV-B capture card."""

    GOOD = "good", _("Good health")
    NOT_WOUNDED = "not_wounded", _("Not wounded")
    RECOVERED = "recovered", _("Recovered")
    CONVALESCENT = "convalescent", _("Convalescent")
    SICK = "sick", _("Sick")
    SLIGHTLY_WOUNDED = "slightly_wounded", _("Slightly wounded")
    SERIOUSLY_WOUNDED = "seriously_wounded", _("Seriously wounded")


class RecordStatus(models.TextChoices):
    """Where the person stands; anything but ``interned`` closes the record to new events."""

    INTERNED = "interned", pgettext_lazy("captured person", "Interned")
    RELEASED = "released", pgettext_lazy("captured person", "Released")
    REPATRIATED = "repatriated", pgettext_lazy("captured person", "Repatriated")
    DECEASED = "deceased", pgettext_lazy("captured person", "Deceased")


class Location(models.TextChoices):
    """Where the person is held right now (the place itself is sealed on the record)."""

    NONE = "none", _("Not yet in a camp")
    CAMP = "camp", _("In a camp")
    HOSPITAL = "hospital", _("In hospital")


class WelfareKind(models.TextChoices):
    """What a welfare-log entry records."""

    ARRIVAL = "arrival", _("Arrival at a camp")
    TRANSFER = "transfer", _("Transfer to another camp")
    HOSPITAL_ADMISSION = "hospital_admission", _("Admission to hospital")
    HOSPITAL_DISCHARGE = "hospital_discharge", _("Discharge from hospital back to camp")
    FOOD = "food", _("Food")
    MEDICAL_CARE = "medical_care", _("Medical care")
    TREATMENT_CERTIFICATE = "treatment_certificate", _("Treatment certificate issued (Art. 30)")
    CORRESPONDENCE_SENT = "correspondence_sent", _("Correspondence sent (Art. 71)")
    CORRESPONDENCE_RECEIVED = "correspondence_received", _("Correspondence received (Art. 71)")
    RELEASE = "release", _("Release")
    REPATRIATION = "repatriation", _("Repatriation")
    DEATH = "death", _("Death")


K = WelfareKind
# Events that move the person; they must be recorded in date order.
MOVEMENT_KINDS = frozenset(
    {
        K.ARRIVAL,
        K.TRANSFER,
        K.HOSPITAL_ADMISSION,
        K.HOSPITAL_DISCHARGE,
        K.RELEASE,
        K.REPATRIATION,
        K.DEATH,
    }
)
# Events after which a capture card is due (Art. 70).
CARD_TRIGGER_KINDS = frozenset({K.ARRIVAL, K.TRANSFER, K.HOSPITAL_ADMISSION})
# Events that end internment; the record takes no further events.
TERMINAL_KINDS: dict[str, str] = {
    K.RELEASE: RecordStatus.RELEASED,
    K.REPATRIATION: RecordStatus.REPATRIATED,
    K.DEATH: RecordStatus.DECEASED,
}
# Events the information bureau is told about (Art. 122: transfers, releases,
# repatriations, admissions to hospital, deaths; and the place of internment).
# Food, medical care and correspondence stay in the programme's own log.
TRANSMITTED_KINDS = MOVEMENT_KINDS
# Events that name a place (camp or hospital), which is then required.
PLACE_KINDS = frozenset({K.ARRIVAL, K.TRANSFER, K.HOSPITAL_ADMISSION})


class Wish(models.TextChoices):
    """The person's wish for the end of the war (sealed on every row that holds it)."""

    RETURN_IN_EXCHANGE = "return_in_exchange", _("Return home in an exchange")
    NOT_EXCHANGED = "not_exchanged", _("Not to be exchanged")
    JOIN_DEFENCE = "join_defence", _("Join a unit in Ukraine's defence")
    UNDECIDED = "undecided", _("Undecided")


class CardTrigger(models.TextChoices):
    """Why a capture card is (or was) due."""

    ARRIVAL = "arrival", _("Arrival at a camp")
    TRANSFER = "transfer", _("Transfer to another camp")
    HOSPITAL = "hospital", _("Admission to hospital")
    UPDATE = "update", _("Change in his situation")


TRIGGER_FOR_KIND: dict[str, str] = {
    K.ARRIVAL: CardTrigger.ARRIVAL,
    K.TRANSFER: CardTrigger.TRANSFER,
    K.HOSPITAL_ADMISSION: CardTrigger.HOSPITAL,
}


class CardStatus(models.TextChoices):
    """A capture card's life: due → issued (printed) → sent; or replaced, or cancelled."""

    DUE = "due", pgettext_lazy("capture card", "Due")
    ISSUED = "issued", _("Printed, not yet sent")
    SENT = "sent", pgettext_lazy("capture card", "Sent")
    SUPERSEDED = "superseded", _("Replaced by a later card")
    CANCELLED = "cancelled", _("No longer needed")


# Cards that still owe the family and the Central Agency a card.
OUTSTANDING_CARD_STATUSES = frozenset({CardStatus.DUE, CardStatus.ISSUED})


class ExportStatus(models.TextChoices):
    """An information-bureau batch: prepared by a registrar, reviewed by a supervisor."""

    PENDING = "pending", _("Waiting for a supervisor's review")
    APPROVED = "approved", _("Approved and signed")
    REJECTED = "rejected", pgettext_lazy("bureau export", "Rejected")


# The prisoner's language on the capture card, and the detaining Power's.
PRISONER_LANGUAGES = (("ru", "Русский"), ("ko", "한국어"))
DETAINING_LANGUAGES = (("uk", "Українська"), ("en", "English"))

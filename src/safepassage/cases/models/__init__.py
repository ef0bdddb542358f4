"""Case-domain models, one per module."""

from safepassage.cases.models.canned import CannedReply
from safepassage.cases.models.case import Case
from safepassage.cases.models.contact import Contact
from safepassage.cases.models.merge import Merge
from safepassage.cases.models.message import DeliveryStatus, Direction, Message
from safepassage.cases.models.note import Note
from safepassage.cases.models.verification import VerificationCheck

__all__ = [
    "CannedReply",
    "Case",
    "Contact",
    "DeliveryStatus",
    "Direction",
    "Merge",
    "Message",
    "Note",
    "VerificationCheck",
]

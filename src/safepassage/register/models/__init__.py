"""Register models, one per module."""

from safepassage.register.models.bureau_export import BureauExport
from safepassage.register.models.capture_card import CaptureCard
from safepassage.register.models.captured_person import CapturedPerson
from safepassage.register.models.welfare_event import WelfareEvent
from safepassage.register.models.wish import RepatriationWish

__all__ = ["BureauExport", "CaptureCard", "CapturedPerson", "RepatriationWish", "WelfareEvent"]

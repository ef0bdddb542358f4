"""The register's service layer: every write to the register goes through a function here.

Each function checks its input completely before writing (nothing is half-saved),
audits what it did with identifiers only, and raises a ``RegisterError`` subclass whose
message is translated and safe to show.
"""

from safepassage.register.domain._values import open_value, today
from safepassage.register.domain.cards import (
    due_capture_cards,
    issue_capture_card,
    mark_capture_card_sent,
    open_card_content,
    overdue_count,
)
from safepassage.register.domain.errors import (
    CardRefused,
    DuplicateCard,
    ExportRefused,
    IdentityIncomplete,
    InvalidInput,
    OutOfOrder,
    RecordClosed,
    RegisterError,
    StaleRecord,
)
from safepassage.register.domain.exports import (
    approve_bureau_export,
    open_bureau_export,
    prepare_bureau_export,
    records_due_for_transmission,
    reject_bureau_export,
    signed_bureau_export,
)
from safepassage.register.domain.queries import (
    RegisterCounts,
    RegistrationStatus,
    register_counts,
    registration_status,
    surrendered_cases_without_record,
)
from safepassage.register.domain.records import (
    ART17_FIELDS,
    RecordDetails,
    open_record_details,
    open_record_for_surrendered_case,
    set_record_media_consent,
    update_record_details,
)
from safepassage.register.domain.signing import (
    programme_key_that_signed,
    programme_verify_key,
    programme_verify_keys,
    verify_bureau_export,
    verify_key_fingerprint,
    verify_key_pem,
)
from safepassage.register.domain.welfare import (
    WelfareEntry,
    open_event_details,
    record_welfare_event,
)
from safepassage.register.domain.wishes import current_wish, record_wish, wish_history

__all__ = [
    "ART17_FIELDS",
    "CardRefused",
    "DuplicateCard",
    "ExportRefused",
    "IdentityIncomplete",
    "InvalidInput",
    "OutOfOrder",
    "RecordClosed",
    "RecordDetails",
    "RegisterCounts",
    "RegisterError",
    "RegistrationStatus",
    "StaleRecord",
    "WelfareEntry",
    "approve_bureau_export",
    "current_wish",
    "due_capture_cards",
    "issue_capture_card",
    "mark_capture_card_sent",
    "open_bureau_export",
    "open_card_content",
    "open_event_details",
    "open_record_details",
    "open_record_for_surrendered_case",
    "open_value",
    "overdue_count",
    "prepare_bureau_export",
    "programme_key_that_signed",
    "programme_verify_key",
    "programme_verify_keys",
    "record_welfare_event",
    "record_wish",
    "records_due_for_transmission",
    "register_counts",
    "registration_status",
    "reject_bureau_export",
    "set_record_media_consent",
    "signed_bureau_export",
    "surrendered_cases_without_record",
    "today",
    "update_record_details",
    "verify_bureau_export",
    "verify_key_fingerprint",
    "verify_key_pem",
    "wish_history",
]

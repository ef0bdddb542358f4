"""The case service layer: every write to a case goes through a function here.

Views and the worker call these; none of them calls ``.save()`` on a case directly.
Each function audits what it did and raises a ``CaseError`` subclass (with a message
safe to show an operator) when it refuses.
"""

from safepassage.cases.domain.assignment import (
    NotAssignable,
    assign_case,
    claim_case,
    may_hold,
    release_case,
)
from safepassage.cases.domain.canned import (
    InvalidCannedReply,
    PlaceholderValues,
    canned_replies_for,
    render_canned_reply,
    save_canned_reply,
    unfilled_placeholders,
)
from safepassage.cases.domain.errors import CaseError, StaleCase, TransitionNotAllowed
from safepassage.cases.domain.identity import (
    IdentityUpdate,
    InvalidIdentity,
    add_relative_contact,
    open_identity,
    set_media_consent,
    update_identity,
)
from safepassage.cases.domain.merge import MergeRefused, merge_cases, undo_merge
from safepassage.cases.domain.messages import add_inbound_message, post_reply
from safepassage.cases.domain.notes import add_note
from safepassage.cases.domain.transitions import actor_role, open_case, transition_case
from safepassage.cases.domain.verification import (
    VerificationRefused,
    confirm_evidence,
    verification_shortfall,
    withdraw_evidence,
)
from safepassage.cases.domain.waiting import (
    WaitingRefused,
    change_waiting_terms,
    overdue_check_ins,
    put_on_waiting_list,
    record_check_in,
)

__all__ = [
    "CaseError",
    "IdentityUpdate",
    "InvalidCannedReply",
    "InvalidIdentity",
    "MergeRefused",
    "NotAssignable",
    "PlaceholderValues",
    "StaleCase",
    "TransitionNotAllowed",
    "VerificationRefused",
    "WaitingRefused",
    "actor_role",
    "add_inbound_message",
    "add_note",
    "add_relative_contact",
    "assign_case",
    "canned_replies_for",
    "change_waiting_terms",
    "claim_case",
    "confirm_evidence",
    "may_hold",
    "merge_cases",
    "open_case",
    "open_identity",
    "overdue_check_ins",
    "post_reply",
    "put_on_waiting_list",
    "record_check_in",
    "release_case",
    "render_canned_reply",
    "save_canned_reply",
    "set_media_consent",
    "transition_case",
    "undo_merge",
    "unfilled_placeholders",
    "update_identity",
    "verification_shortfall",
    "withdraw_evidence",
]

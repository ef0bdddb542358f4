"""The case service layer: every write to a case goes through a function here.

Views and the worker call these; none of them calls ``.save()`` on a case directly.
Each function audits what it did and raises a ``CaseError`` subclass (with a message
safe to show an operator) when it refuses.
"""

from safepassage.cases.domain.errors import CaseError, StaleCase, TransitionNotAllowed
from safepassage.cases.domain.messages import add_inbound_message, post_reply
from safepassage.cases.domain.transitions import actor_role, open_case, transition_case

__all__ = [
    "CaseError",
    "StaleCase",
    "TransitionNotAllowed",
    "actor_role",
    "add_inbound_message",
    "open_case",
    "post_reply",
    "transition_case",
]

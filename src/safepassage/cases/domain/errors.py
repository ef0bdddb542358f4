"""Refusals from the case service layer.  Messages name states and references only."""


class CaseError(Exception):
    """A case operation was refused; ``str(error)`` is safe to show an operator."""


class TransitionNotAllowed(CaseError):
    """The state machine does not allow this move for this actor."""


class StaleCase(CaseError):
    """The case changed since the form was rendered; nothing was changed."""

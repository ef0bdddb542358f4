"""Risk flags on cases: codes and references only, never content."""

from __future__ import annotations

from safepassage.cases.models import Case


def flag_case(case: Case, *flags: str) -> None:
    """Add risk flags to a case, each once (flags name references and codes, never
    content).  One UPDATE for all of them; none when every flag is already there."""
    current = list(case.risk_flags)
    added = [flag for flag in dict.fromkeys(flags) if flag not in current]
    if added:
        current += added
        Case.objects.filter(pk=case.pk).update(risk_flags=current)
        case.risk_flags = current


def unflag_case(case: Case, flag: str) -> None:
    """Remove a risk flag from a case (a supervisor decided it no longer applies)."""
    current = list(case.risk_flags)
    if flag in current:
        current = [kept for kept in current if kept != flag]
        Case.objects.filter(pk=case.pk).update(risk_flags=current)
        case.risk_flags = current


def flag_shared_contact(case: Case, other: Case) -> None:
    """Two cases are reached through the same number or handle: a real person writing
    twice, or a planted applicant.  Flag each with the other's reference; people decide."""
    flag_case(case, f"shared_contact:{other.reference}")
    flag_case(other, f"shared_contact:{case.reference}")

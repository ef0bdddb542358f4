"""Risk flags on cases: codes and references only, never content."""

from __future__ import annotations

from safepassage.cases.models import Case


def flag_case(case: Case, flag: str) -> None:
    """Add a risk flag to a case once (flags name references and codes, never content)."""
    flags = list(case.risk_flags)
    if flag not in flags:
        flags.append(flag)
        Case.objects.filter(pk=case.pk).update(risk_flags=flags)
        case.risk_flags = flags


def flag_shared_contact(case: Case, other: Case) -> None:
    """Two cases are reached through the same number or handle: a real person writing
    twice, or a planted applicant.  Flag each with the other's reference; people decide."""
    flag_case(case, f"shared_contact:{other.reference}")
    flag_case(other, f"shared_contact:{case.reference}")

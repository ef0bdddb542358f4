"""Locking a case row for a write, with the optimistic check the console forms rely on."""

from __future__ import annotations

from safepassage.cases.domain.errors import StaleCase
from safepassage.cases.models import Case


def lock_case(case: Case, *, expected_version: int | None = None) -> Case:
    """The case row, locked until the surrounding transaction ends.

    Must be called inside ``transaction.atomic()``.  ``expected_version`` is the version
    a form was rendered with; if the case changed since, ``StaleCase`` is raised and the
    caller changes nothing.
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleCase(
            f"Case {locked.reference} changed while you were looking at it; "
            "reload to see its current state."
        )
    return locked

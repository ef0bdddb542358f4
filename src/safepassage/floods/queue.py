"""How the operators' queue treats suspected floods ("genuine cases stay visible").

A case is a *suspected flood* while it carries a flood group's flag: the group awaits a
supervisor's decision, or was confirmed and the case joined it since.  By default such
cases are listed after every other case of the queue, in their usual order, under a
heading — not hidden: a burst sweeps in whatever arrived during it, genuine people
included, and a case wrongly grouped must still reach an operator who works down the
list.  Operators may hide them, or list only them.

``QueueOrder`` is what the queue paginates: the queue's ids in that order, costing one
more COUNT than a plain queue and nothing more when there are no suspects.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any, overload

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from safepassage.cases.models import Case
from safepassage.floods.models import FloodMembership

SUSPECTS_LAST = "last"
SUSPECTS_HIDDEN = "hidden"
SUSPECTS_ONLY = "only"
SUSPECT_MODES = (SUSPECTS_LAST, SUSPECTS_HIDDEN, SUSPECTS_ONLY)


def suspects_field() -> forms.ChoiceField:
    """The queue filter's field for suspected floods (``last`` when empty or invalid)."""
    return forms.ChoiceField(
        label=_("Suspected floods"),
        required=False,
        choices=[
            (SUSPECTS_LAST, _("After the other cases")),
            (SUSPECTS_HIDDEN, _("Hidden")),
            (SUSPECTS_ONLY, _("Only these")),
        ],
    )


def suspect_case_ids() -> QuerySet[FloodMembership, Any]:
    """Ids of cases carrying a flood flag, as a subquery (reads one index)."""
    return FloodMembership.objects.filter(flagged=True).values("case_id")


class QueueOrder:
    """The ids of ``rows`` (an ordered queryset of queue cases) with suspected floods
    placed per ``mode``; sliceable and countable, for Django's ``Paginator``."""

    def __init__(self, rows: QuerySet[Case], mode: str) -> None:
        self.rows = rows
        self.mode = mode if mode in SUSPECT_MODES else SUSPECTS_LAST
        # The first suspect in the slice last taken: the queue shows its heading there.
        self.first_suspect: int | None = None

    @cached_property
    def suspect_count(self) -> int:
        """Suspected flood cases among the rows."""
        return self._suspects.count()

    @cached_property
    def _total(self) -> int:
        return self.rows.count()

    @property
    def _suspects(self) -> QuerySet[Case]:
        return self.rows.filter(pk__in=suspect_case_ids())

    @property
    def _others(self) -> QuerySet[Case]:
        return self.rows.exclude(pk__in=suspect_case_ids())

    @property
    def others_count(self) -> int:
        """Cases that are not suspected floods."""
        return self._total - self.suspect_count

    def count(self) -> int:
        """How many ids this order holds (what the pages are counted over)."""
        if self.mode == SUSPECTS_ONLY:
            return self.suspect_count
        if self.mode == SUSPECTS_HIDDEN:
            return self.others_count
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[int]:
        return iter(self[0 : self.count()])

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> list[int]: ...

    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        if index.step not in (None, 1):
            raise TypeError("QueueOrder supports plain slices only")
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        self.first_suspect = None
        if self.mode == SUSPECTS_ONLY:
            return _ids(self._suspects, start, stop)
        if not self.suspect_count:
            # No suspects: the plain queue, read exactly as before.
            return _ids(self.rows, start, stop)
        others = self.others_count
        ids = _ids(self._others, start, min(stop, others)) if start < others else []
        if self.mode == SUSPECTS_LAST and stop > others:
            suspects = _ids(self._suspects, max(start - others, 0), stop - others)
            self.first_suspect = suspects[0] if suspects else None
            ids += suspects
        return ids


def _ids(rows: QuerySet[Case], start: int, stop: int) -> list[int]:
    if stop <= start:
        return []
    return [int(pk) for pk in rows.values_list("id", flat=True)[start:stop]]

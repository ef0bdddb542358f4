"""The flood service layer: the worker's ``note_new_case`` and a supervisor's verdicts.

Views, the worker and tasks call these; nothing else writes flood groups or marks.
"""

from safepassage.floods.domain.groups import flood_flag
from safepassage.floods.domain.marks import prune_marks
from safepassage.floods.domain.noting import note_new_case
from safepassage.floods.domain.verdicts import (
    FloodActionRefused,
    confirm_flood,
    dismiss_flood,
    remove_member,
    settle_chunk,
    settle_group,
)

__all__ = [
    "FloodActionRefused",
    "confirm_flood",
    "dismiss_flood",
    "flood_flag",
    "note_new_case",
    "prune_marks",
    "remove_member",
    "settle_chunk",
    "settle_group",
]

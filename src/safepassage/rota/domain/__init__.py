"""The rota's verbs (plan, swap, start, end a shift) and its coverage reading."""

from safepassage.rota.domain.coverage import Gap, first_gap, rota_languages
from safepassage.rota.domain.shifts import (
    RotaError,
    end_shift,
    on_shift_for_language,
    plan_shift,
    start_shift,
    swap_shift,
)

__all__ = [
    "Gap",
    "RotaError",
    "end_shift",
    "first_gap",
    "on_shift_for_language",
    "plan_shift",
    "rota_languages",
    "start_shift",
    "swap_shift",
]

"""Reading the environment: the one place that decides what a variable's text means.

Settings, the CLI and the few "Django setting, else environment variable" readers all
go through these, so "true" means the same everywhere (``1``, ``true``, ``yes``,
``on``, any case) and an unset variable falls back to the same default.
"""

from __future__ import annotations

import os
from pathlib import Path

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def env_str(name: str, default: str = "") -> str:
    """The variable's text, or ``default`` when it is unset."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    """Whether the variable says yes; ``default`` when it is unset."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in TRUE_WORDS


def env_int(name: str, default: int) -> int:
    """The variable as a whole number; ``default`` when it is unset (ValueError if it is
    not a number, which start-up turns into a one-line error)."""
    value = os.environ.get(name)
    return default if value is None or not value.strip() else int(value)


def env_float(name: str, default: float) -> float:
    """The variable as a number; ``default`` when it is unset (ValueError if it is not a
    number, which start-up turns into a one-line error)."""
    value = os.environ.get(name)
    return default if value is None or not value.strip() else float(value)


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated variable as a list of non-empty, stripped items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_path(name: str) -> Path | None:
    """The variable as a path, or ``None`` when it is unset or empty."""
    value = os.environ.get(name)
    return Path(value) if value else None

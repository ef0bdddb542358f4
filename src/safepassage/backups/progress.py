"""A progress bar for long backups and restores, shown only on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm


@contextmanager
def progress_bar(description: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """Yield a function that advances a byte counter by its argument.

    ``disable=None`` turns the bar off when stderr is not a terminal (cron, systemd,
    tests), so logs get the one summary line and no carriage-return noise.
    """
    bar = tqdm(
        total=total,
        desc=description,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        disable=None,
        file=sys.stderr,
        leave=False,
    )

    def advance(count: int) -> None:
        bar.update(count)

    try:
        yield advance
    finally:
        bar.close()

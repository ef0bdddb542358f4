"""``python -m safepassage`` is the ``safepassage`` command."""

from safepassage.cli import main

raise SystemExit(main())

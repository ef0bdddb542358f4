"""The test suite (a package so mypy names every test module once: tests.<area>.<module>)."""

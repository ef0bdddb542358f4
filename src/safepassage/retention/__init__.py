"""Retention rules, legal holds and the purge of cases (issue 13)."""

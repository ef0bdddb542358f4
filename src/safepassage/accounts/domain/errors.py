"""Refusals from the accounts domain, with messages safe to show an admin."""

from __future__ import annotations


class AccountError(Exception):
    """An account change was refused; ``str(error)`` is a translated, shareable message."""

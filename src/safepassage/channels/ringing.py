"""The ring list: which console accounts' phones a call in each language rings.

Shared by the domain that publishes it (``channels.domain.voice``) and any voice
adapter's intake half that reads it from the channel's config (Twilio today, Asterisk
ARI next), so neither imports the other.
"""

from __future__ import annotations

from typing import Any

RING_LIST_KEY = "ring"


def client_identity(account_id: int) -> str:
    """The softphone identity an account's phone registers with (no name, no number)."""
    return f"sp-op-{account_id}"


def ringing(config: dict[str, Any], language: str) -> list[int]:
    """Account ids to ring for ``language`` as the channel's config last published them."""
    lists = config.get(RING_LIST_KEY)
    ids = lists.get(language, []) if isinstance(lists, dict) else []
    return [i for i in ids if isinstance(i, int) and not isinstance(i, bool)]

"""Typed domain events: how a lower app tells the apps built on it what happened.

``cases`` must not import the feature apps that build on it (register, campaigns,
channels, analytics), yet a surrender opens a register record, a reply is queued for
its channel and every state change is counted.  So the lower app *announces* a frozen
dataclass and the higher apps *subscribe* to its type in their ``AppConfig.ready``.

Subscribers run synchronously, in subscription order, inside the announcer's
transaction: an exception in a subscriber (a channel refusing a reply, say) rolls the
announcer's write back with it, exactly as a direct call did.  Events carry model
instances and codes, never anything a log line must not hold.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

Event = TypeVar("Event")
Subscriber = Callable[[Any], None]

_subscribers: dict[type, list[Subscriber]] = {}


def subscribe(event_type: type[Event], subscriber: Callable[[Event], None]) -> None:
    """Call ``subscriber`` for every announced ``event_type`` (idempotent per pair)."""
    subscribers = _subscribers.setdefault(event_type, [])
    if subscriber not in subscribers:
        subscribers.append(subscriber)


def announce(event: object) -> None:
    """Hand ``event`` to every subscriber of its exact type, in subscription order."""
    for subscriber in _subscribers.get(type(event), ()):
        subscriber(event)


def subscribers_of(event_type: type) -> tuple[Subscriber, ...]:
    """The subscribers of ``event_type`` (for tests that pin who listens)."""
    return tuple(_subscribers.get(event_type, ()))

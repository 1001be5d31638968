"""The event bus: fan-out of one interview's events to its listeners."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Protocol

from core.events import Audience, Event, for_candidate

log = logging.getLogger(__name__)


class Subscription:
    """An async iterator of events; `close()` (or leaving `async with`) unsubscribes."""

    def __init__(self, bus: InProcessBus, topic: str, max_queued: int, audience: Audience) -> None:
        self._bus, self._topic, self.audience = bus, topic, audience
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=max_queued)

    def offer(self, event: Event) -> None:
        """Queue an event this audience may see (a candidate's copy loses recruiter-only fields)."""
        visible = event if self.audience == "recruiter" else for_candidate(event)
        if visible is None:
            return
        try:
            self.queue.put_nowait(visible)
        except asyncio.QueueFull:
            log.warning("dropping %s event for a slow listener on %s", event.type, self._topic)

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Event]:
        while True:
            yield await self.queue.get()

    def close(self) -> None:
        self._bus._subscribers[self._topic].discard(self)

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


class InProcessBus:
    """Default bus: asyncio queues in this process. A slow listener loses events,
    never blocks the interview."""

    def __init__(self, max_queued: int = 500) -> None:
        self._subscribers: defaultdict[str, set[Subscription]] = defaultdict(set)
        self._max_queued = max_queued

    async def publish(self, topic: str, event: Event) -> None:
        for sub in list(self._subscribers[topic]):
            sub.offer(event)

    def subscribe(self, topic: str, audience: Audience) -> Subscription:
        """Events of `topic` as `audience` may see them (candidates: candidate-safe only)."""
        sub = Subscription(self, topic, self._max_queued, audience)
        self._subscribers[topic].add(sub)
        return sub


def org_topic(org_id: str) -> str:
    """The topic of an organisation's own stream (interview topics are UUIDs: no clash)."""
    return f"org:{org_id}"


class EventBus(Protocol):
    """The seam for a second bus (Redis): publish an interview's events, subscribe by audience."""

    async def publish(self, topic: str, event: Event) -> None: ...

    def subscribe(self, topic: str, audience: Audience) -> Subscription: ...

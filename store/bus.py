"""The event bus: fan-out of one interview's events to its listeners.

`EventBus` is the seam: `InProcessBus` (the default, one process) and `store.redis_bus.RedisBus`
(`INTERVOX_REDIS_URL`: listeners in any process) behave alike. A listener subscribes to a
topic (an interview id) as an audience; a candidate's subscription filters on its own side
(`core.events.for_candidate`). A slow listener loses events, never blocks the publisher.
Events published after `subscribe()` returned reach the subscription, in publishing order."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from typing import Protocol

from core.events import Audience, Event, for_candidate

log = logging.getLogger(__name__)
READY_TIMEOUT_S = 5.0


class Subscription:
    """An async iterator of events; `close()` (or leaving `async with`) unsubscribes.

    `ready()` waits until events from other processes reach it too (a Redis bus confirms the
    channel); events published in this process reach it from `subscribe()` on."""

    def __init__(
        self,
        topic: str,
        audience: Audience,
        max_queued: int,
        on_close: Callable[[Subscription], object],
        ready: asyncio.Event | None = None,
    ) -> None:
        self.topic, self.audience = topic, audience
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=max_queued)
        self._on_close = on_close
        self._ready = ready
        self.closed = False

    def offer(self, event: Event) -> None:
        """Queue an event this audience may see (a candidate's copy loses recruiter-only fields)."""
        visible = event if self.audience == "recruiter" else for_candidate(event)
        if visible is None:
            return
        try:
            self.queue.put_nowait(visible)
        except asyncio.QueueFull:
            log.warning("dropping %s event for a slow listener on %s", event.type, self.topic)

    async def ready(self, timeout_s: float = READY_TIMEOUT_S) -> bool:
        """Wait until other processes' events reach this subscription; False when the bus did
        not confirm in time (events of this process still arrive)."""
        if self._ready is None or self._ready.is_set():
            return True
        try:
            await asyncio.wait_for(self._ready.wait(), timeout_s)
        except TimeoutError:
            log.warning("the bus did not confirm a subscription to %s in %.0f s", self.topic, timeout_s)
            return False
        return True

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Event]:
        while True:
            yield await self.queue.get()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._on_close(self)

    async def __aenter__(self) -> Subscription:
        await self.ready()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


class EventBus(Protocol):
    """Publish an interview's events; subscribe to them as an audience."""

    async def publish(self, topic: str, event: Event) -> None: ...

    def subscribe(self, topic: str, audience: Audience) -> Subscription: ...

    async def close(self) -> None: ...


class LocalFanOut:
    """The subscriptions of this process, per topic (shared by both buses)."""

    def __init__(self, max_queued: int = 500) -> None:
        self.subscribers: defaultdict[str, set[Subscription]] = defaultdict(set)
        self.max_queued = max_queued

    def deliver(self, topic: str, event: Event) -> None:
        for sub in list(self.subscribers.get(topic, ())):
            sub.offer(event)

    def add(
        self,
        topic: str,
        audience: Audience,
        on_close: Callable[[Subscription], object] | None = None,
        ready: asyncio.Event | None = None,
    ) -> Subscription:
        sub = Subscription(topic, audience, self.max_queued, on_close or self.remove, ready)
        self.subscribers[topic].add(sub)
        return sub

    def remove(self, sub: Subscription) -> bool:
        """Forget a subscription; True when it was its topic's last."""
        subs = self.subscribers.get(sub.topic)
        if subs is None:
            return False
        subs.discard(sub)
        if subs:
            return False
        del self.subscribers[sub.topic]
        return True


class InProcessBus:
    """Default bus: asyncio queues in this process."""

    def __init__(self, max_queued: int = 500) -> None:
        self._local = LocalFanOut(max_queued)

    async def publish(self, topic: str, event: Event) -> None:
        self._local.deliver(topic, event)

    def subscribe(self, topic: str, audience: Audience) -> Subscription:
        """Events of `topic` as `audience` may see them (candidates: candidate-safe only)."""
        return self._local.add(topic, audience)

    async def close(self) -> None:
        return None


def org_topic(org_id: str) -> str:
    """The topic of an organisation's own stream (interview topics are UUIDs: no clash)."""
    return f"org:{org_id}"

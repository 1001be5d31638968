"""The event bus over Redis pub/sub: a recruiter's WebSocket in one process sees the events of
an interview that another process runs.

Semantics are the in-process bus's (store/bus.py): each event goes to this process's own
subscriptions at once, as `InProcessBus` does, and is queued for Redis; a background task
publishes the queue in order on the channel `intervox:events:<topic>`, and every process with a
subscription to that topic delivers what other processes published (an event carries its
process's id, so nobody gets its own twice). Audience filtering happens on the subscriber's
side, exactly as in-process. Publishing never waits on Redis: a full outgoing queue or a
Redis error drops events with a warning, and a slow listener loses events from its own
bounded queue. A process subscribes to a channel only while one of its listeners wants it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from typing import Any

from pydantic import ValidationError
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from core.events import Audience, Event
from store.bus import LocalFanOut, Subscription
from store.redis_client import RedisConnection

log = logging.getLogger(__name__)
WARN_EVERY_S = 10.0


class RedisBus:
    """`EventBus` over Redis pub/sub; made from `INTERVOX_REDIS_URL`."""

    def __init__(self, redis: RedisConnection, max_queued: int = 500, max_outgoing: int = 10_000) -> None:
        self._redis = redis
        self._local = LocalFanOut(max_queued)
        self.origin = uuid.uuid4().hex  # this process (or app): its own events come back from Redis
        self._outgoing: asyncio.Queue[tuple[str, str]] = asyncio.Queue(maxsize=max_outgoing)
        self._confirmed: dict[str, asyncio.Event] = {}  # channel -> set once Redis confirmed it
        self._wanted: asyncio.Queue[tuple[str, str]] = asyncio.Queue()  # ("subscribe"|"unsubscribe", channel)
        self._tasks: list[asyncio.Task[None]] = []
        self._warned_at = 0.0

    def channel(self, topic: str) -> str:
        return self._redis.key("events", topic)

    # -- the EventBus protocol ---------------------------------------------------------------
    async def publish(self, topic: str, event: Event) -> None:
        self._start()
        self._local.deliver(topic, event)
        message = json.dumps({"origin": self.origin, "event": event.model_dump(mode="json")})
        try:
            self._outgoing.put_nowait((self.channel(topic), message))
        except asyncio.QueueFull:
            self._warn("the Redis bus is backed up: dropping %s events", event.type)

    def subscribe(self, topic: str, audience: Audience) -> Subscription:
        """Events of `topic` as `audience` may see them; `await sub.ready()` (or `async with`)
        waits until other processes' events reach it too."""
        self._start()
        channel = self.channel(topic)
        if channel not in self._confirmed:  # the first listener of this process
            self._confirmed[channel] = asyncio.Event()
            self._wanted.put_nowait(("subscribe", channel))
        return self._local.add(topic, audience, self._unsubscribe, self._confirmed[channel])

    async def close(self) -> None:
        """Publish what is queued (a second at most), then stop."""
        if not self._tasks:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._outgoing.join(), 1.0)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        # a later start (another event loop: test apps) begins afresh; listeners subscribe again
        self._tasks = []
        self._outgoing = asyncio.Queue(maxsize=self._outgoing.maxsize)
        self._wanted = asyncio.Queue()
        self._confirmed.clear()

    # -- subscriptions -----------------------------------------------------------------------
    def _unsubscribe(self, sub: Subscription) -> None:
        if self._local.remove(sub):  # the topic's last listener here
            channel = self.channel(sub.topic)
            self._confirmed.pop(channel, None)
            self._wanted.put_nowait(("unsubscribe", channel))

    def _start(self) -> None:
        if not self._tasks:
            self._tasks = [asyncio.ensure_future(self._send()), asyncio.ensure_future(self._listen())]

    async def _listen(self) -> None:
        """One pub/sub connection per bus: deliver what arrives while a second task applies the
        (un)subscriptions listeners ask for. redis-py reconnects a dropped connection and
        subscribes it to its channels again."""
        pubsub = self._redis.client().pubsub()
        control: asyncio.Task[None] | None = None
        try:
            while True:
                try:
                    if control is None:  # a channel of our own opens the connection first
                        await pubsub.subscribe(self._redis.key("bus", self.origin))
                        control = asyncio.ensure_future(self._apply_wanted(pubsub))
                    message = await pubsub.get_message(timeout=30)
                except (RedisError, OSError) as exc:
                    self._warn("the Redis bus lost its connection (%s); reconnecting", exc)
                    await asyncio.sleep(0.5)
                    continue
                if message is not None:
                    self._handle(message)
        finally:
            if control is not None:
                control.cancel()
            with contextlib.suppress(Exception):
                await pubsub.aclose()

    async def _apply_wanted(self, pubsub: PubSub) -> None:
        while True:
            verb, channel = await self._wanted.get()
            try:
                if verb == "subscribe" and channel in self._confirmed:
                    await pubsub.subscribe(channel)
                elif verb == "unsubscribe" and channel not in self._confirmed:
                    await pubsub.unsubscribe(channel)
            except (RedisError, OSError) as exc:
                self._warn("the Redis bus could not %s %s (%s); trying again", verb, channel, exc)
                await asyncio.sleep(0.5)
                self._wanted.put_nowait((verb, channel))

    def _handle(self, message: dict[str, Any]) -> None:
        channel = message["channel"].decode() if isinstance(message["channel"], bytes) else message["channel"]
        if message["type"] == "subscribe":
            confirmed = self._confirmed.get(channel)
            if confirmed is not None:
                confirmed.set()
            return
        if message["type"] != "message":
            return
        try:
            body = json.loads(message["data"])
            if body.get("origin") == self.origin:
                return  # delivered locally when it was published
            event = Event.model_validate(body["event"])
        except (ValueError, KeyError, TypeError, ValidationError) as exc:
            self._warn("ignoring a malformed bus message on %s: %s", channel, exc)
            return
        self._local.deliver(channel.removeprefix(self._redis.key("events", "")), event)

    async def _send(self) -> None:
        """Publish the outgoing queue in order, in pipelined batches."""
        while True:
            batch = [await self._outgoing.get()]
            while not self._outgoing.empty() and len(batch) < 200:
                batch.append(self._outgoing.get_nowait())
            try:
                pipe = self._redis.client().pipeline(transaction=False)
                for channel, message in batch:
                    pipe.publish(channel, message)
                await pipe.execute()
            except (RedisError, OSError) as exc:
                self._warn("the Redis bus dropped %d events: %s", len(batch), exc)
            finally:
                for _ in batch:
                    self._outgoing.task_done()

    def _warn(self, message: str, *args: object) -> None:
        """Log a bus problem at most every few seconds (an outage would flood the log)."""
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY_S:
            self._warned_at = now
            log.warning(message, *args)

"""A simulated phone caller speaking the Twilio Media Streams protocol, for the
tests and benchmarks: real-time mu-law frames out, the interviewer's audio in."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import websockets

from core.audio import SAMPLE_RATE, mulaw_decode, mulaw_encode, resample, rms_dbfs
from media.phone.transport import PHONE_RATE

FRAME = PHONE_RATE // 50  # 160 samples = 20 ms
SILENCE = b"\xff" * FRAME  # mu-law zero


@dataclass
class Heard:
    ts: float
    pcm: np.ndarray  # int16 at 8 kHz
    dbfs: float = field(init=False)

    def __post_init__(self) -> None:
        self.dbfs = rms_dbfs(self.pcm)


class SimulatedCaller:
    """Dial with `await caller.dial(url, token)`; talk with `await caller.say(pcm16k)`."""

    def __init__(self) -> None:
        self.stream_sid = "MZ" + uuid.uuid4().hex
        self.call_sid = "CA" + uuid.uuid4().hex
        self.heard: list[Heard] = []
        self.marks: list[tuple[float, str]] = []
        self.clears: list[float] = []
        self.started_at = 0.0
        self.close_code: int | None = None
        self.close_reason = ""
        self._outgoing: deque[tuple[bytes, asyncio.Future[float] | None]] = deque()
        self._ws: Any = None
        self._tasks: list[asyncio.Task[None]] = []
        self._mark_event = asyncio.Event()

    async def dial(self, url: str, token: str | None, **parameters: str) -> None:
        self._ws = await websockets.connect(url, max_size=2**20)
        await self.send({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        custom = dict(parameters, **({"token": token} if token else {}))
        self.started_at = time.monotonic()
        await self.send(
            {
                "event": "start",
                "sequenceNumber": "1",
                "streamSid": self.stream_sid,
                "start": {
                    "streamSid": self.stream_sid,
                    "callSid": self.call_sid,
                    "tracks": ["inbound"],
                    "customParameters": custom,
                    "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
                },
            }
        )
        self._tasks = [asyncio.ensure_future(self._receive()), asyncio.ensure_future(self._talk())]

    async def send(self, message: dict[str, Any]) -> None:
        await self._ws.send(json.dumps(message))

    async def say(self, pcm16k: np.ndarray) -> float:
        """Speak in real time; returns when the last frame was sent."""
        ulaw = mulaw_encode(resample(pcm16k, SAMPLE_RATE, PHONE_RATE))
        frames = [ulaw[i : i + FRAME].ljust(FRAME, b"\xff") for i in range(0, len(ulaw), FRAME)]
        done: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        for index, frame in enumerate(frames):
            self._outgoing.append((frame, done if index == len(frames) - 1 else None))
        return await done

    async def press(self, digit: str) -> None:
        await self.send(
            {
                "event": "dtmf",
                "streamSid": self.stream_sid,
                "dtmf": {"track": "inbound_track", "digit": digit},
            }
        )

    async def _talk(self) -> None:
        """Like a phone line: a frame every 20 ms, silence when the caller says nothing."""
        due = time.monotonic()
        sequence = 2
        while True:
            frame, done = self._outgoing.popleft() if self._outgoing else (SILENCE, None)
            await self.send(
                {
                    "event": "media",
                    "sequenceNumber": str(sequence),
                    "streamSid": self.stream_sid,
                    "media": {"track": "inbound", "payload": base64.b64encode(frame).decode()},
                }
            )
            if done is not None and not done.done():
                done.set_result(time.monotonic())
            sequence += 1
            due += 0.02
            await asyncio.sleep(max(0.0, due - time.monotonic()))

    async def _receive(self) -> None:
        try:
            async for raw in self._ws:
                message = json.loads(raw)
                now = time.monotonic()
                if message["event"] == "media":
                    self.heard.append(Heard(now, mulaw_decode(base64.b64decode(message["media"]["payload"]))))
                elif message["event"] == "mark":
                    self.marks.append((now, message["mark"]["name"]))
                    self._mark_event.set()
                elif message["event"] == "clear":
                    self.clears.append(now)
        except websockets.ConnectionClosed:
            pass
        finally:
            self.close_code = self._ws.close_code
            self.close_reason = self._ws.close_reason or ""
            for task in self._tasks:
                if task is not asyncio.current_task():
                    task.cancel()

    async def wait_turn(self, after: int = 0, timeout: float = 60) -> int:
        """Wait for the interviewer to finish a reply (a mark); returns the next mark index."""
        deadline = time.monotonic() + timeout
        while len(self.marks) <= after:
            self._mark_event.clear()
            await asyncio.wait_for(self._mark_event.wait(), max(0.01, deadline - time.monotonic()))
        return len(self.marks)

    def first_audible_after(self, ts: float, level: float = -50.0) -> float | None:
        return next((h.ts for h in self.heard if h.ts > ts and h.dbfs > level), None)

    def heard_audio(self, start: float = 0.0, end: float = float("inf")) -> np.ndarray:
        """What the caller heard, as 16 kHz PCM."""
        pcm = [h.pcm for h in self.heard if start <= h.ts <= end]
        return resample(np.concatenate(pcm), PHONE_RATE, SAMPLE_RATE) if pcm else np.zeros(0, np.int16)

    async def hang_up(self) -> None:
        for task in self._tasks:
            task.cancel()
        await self.send({"event": "stop", "streamSid": self.stream_sid, "stop": {"callSid": self.call_sid}})
        await self._ws.close()

    async def wait_closed(self, timeout: float = 10) -> None:
        await asyncio.wait_for(self._tasks[0], timeout)

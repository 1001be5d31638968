"""One phone call over a Twilio Media Streams WebSocket.

In: `connected`, `start` (stream and call ids, custom parameters), `media`
(base64 8 kHz mu-law), `dtmf`, `mark`, `stop`. Out: `media`, `mark`, `clear`.
The WebSocket itself belongs to the API; this class is handed a `send` function
and the parsed messages, and converts audio at the edge: 8 kHz mu-law <-> the
server's 16 kHz PCM in, and the interviewer's speech resampled once to 8 kHz out.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.audio import SAMPLE_RATE, AudioChunk, Rechunker, mulaw_decode, mulaw_encode, resample
from core.errors import InvalidInput
from core.events import ClientMessage, Event
from media.transport import Transport

log = logging.getLogger(__name__)
PHONE_RATE = 8000
FRAME_S = 0.02
# Twilio sends 160 bytes (20 ms) per media message, 216 as base64; anything past this is not a call
MAX_MEDIA_PAYLOAD_CHARS = 2048


class PayloadTooBig(InvalidInput):
    """A media message far larger than a telephony provider sends."""


Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class CallStart:
    stream_sid: str
    call_sid: str
    parameters: dict[str, str] = field(default_factory=dict)


def parse_start(message: dict[str, Any]) -> CallStart:
    """The `start` message, or InvalidInput."""
    try:
        start = message["start"]
        return CallStart(
            str(start["streamSid"]),
            str(start.get("callSid", "")),
            {str(k): str(v) for k, v in (start.get("customParameters") or {}).items()},
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise InvalidInput("a start message needs start.streamSid") from exc


class PhoneTransport(Transport):
    """Twilio-style media stream; paced real-time output so barge-in knows what was heard."""

    kind = "phone"

    def __init__(self, send: Send, start: CallStart) -> None:
        super().__init__(output_rate=PHONE_RATE)
        self._send = send
        self.start = start
        self._rechunker = Rechunker()
        self._sender = asyncio.ensure_future(self._send_output())
        self.connected.set()

    async def handle(self, message: dict[str, Any]) -> None:
        """One message from the telephony provider (already JSON-decoded)."""
        kind = message.get("event")
        if kind == "media":
            self._on_media(message)
        elif kind == "dtmf":
            digit = str((message.get("dtmf") or {}).get("digit", ""))
            if self.on_client_message is not None and digit:
                self.on_client_message(ClientMessage(type="repeat", data={"dtmf": digit}))
        elif kind == "stop":
            await self.close()
        elif kind in ("mark", "connected", "start"):
            pass
        else:
            raise InvalidInput(f"unknown event {kind!r}")

    def _on_media(self, message: dict[str, Any]) -> None:
        try:
            encoded = message["media"]["payload"]
            if len(encoded) > MAX_MEDIA_PAYLOAD_CHARS:
                raise PayloadTooBig(f"media payloads are at most {MAX_MEDIA_PAYLOAD_CHARS} characters")
            payload = base64.b64decode(encoded, validate=True)
        except (KeyError, TypeError, binascii.Error) as exc:
            raise InvalidInput("a media message needs a base64 media.payload") from exc
        pcm16k = resample(mulaw_decode(payload), PHONE_RATE, SAMPLE_RATE)
        now = time.monotonic()
        for chunk in self._rechunker.push(pcm16k):
            self._push_audio(AudioChunk(chunk, now))

    async def _send_output(self) -> None:
        """Send the interviewer's voice one 20 ms frame per 20 ms while there is any."""
        while not self.closed.is_set():
            await self.output.wait_for_frames()
            due = time.monotonic()
            while (pcm := self.output.pop_frame()) is not None:
                await self._send_media(pcm)
                due += FRAME_S
                await asyncio.sleep(max(0.0, due - time.monotonic()))

    async def _send_media(self, pcm8k: np.ndarray) -> None:
        payload = base64.b64encode(mulaw_encode(pcm8k)).decode()
        await self._send(
            {"event": "media", "streamSid": self.start.stream_sid, "media": {"payload": payload}}
        )

    async def clear(self) -> None:
        """Barge-in: the caller must stop hearing the interviewer at once."""
        self.output.clear()
        await self._send({"event": "clear", "streamSid": self.start.stream_sid})

    async def send_event(self, event: Event) -> None:
        if event.type == "speaking" and event.data.get("state") == "stopped" and not self.closed.is_set():
            name = "interrupted" if event.data.get("interrupted") else "spoken"
            await self._send({"event": "mark", "streamSid": self.start.stream_sid, "mark": {"name": name}})

    async def close(self) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        self._sender.cancel()
        self._end_audio()

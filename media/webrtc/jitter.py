"""A smaller audio jitter buffer for aiortc receivers.

aiortc's audio receiver holds a `JitterBuffer(capacity=16, prefetch=4)`: a
packet is handed to the decoder once 4 later packets have arrived (~80 ms at
20 ms a packet). Even with prefetch 1 it waits for the *next* packet, because
it only knows a frame is complete when a packet with a new timestamp comes.
An Opus packet is a whole frame, so with prefetch 0 this buffer hands each
packet on as soon as it is next in sequence: no added delay on a clean link.
Lost or reordered packets are still put back in order as aiortc does.
"""

from __future__ import annotations

from aiortc import RTCRtpReceiver
from aiortc.jitterbuffer import JitterBuffer, JitterFrame

CAPACITY = 16  # aiortc's own value for audio


class AudioJitterBuffer(JitterBuffer):
    """aiortc's buffer, except that prefetch 0 means "no wait at all"."""

    def __init__(self, prefetch: int) -> None:
        super().__init__(capacity=CAPACITY, prefetch=prefetch)

    def _remove_frame(self, sequence_number: int) -> JitterFrame | None:
        if self._prefetch > 0:
            return super()._remove_frame(sequence_number)
        assert self._origin is not None  # add() sets it before calling here
        packet = self._packets[self._origin % self.capacity]
        if packet is None:  # the next packet in order is missing: wait, as aiortc does
            return None
        self.remove(1)
        # the receiver stores the depayloaded Opus frame on the packet as `_data`
        return JitterFrame(data=packet._data, timestamp=packet.timestamp)  # type: ignore[attr-defined]


def tune_audio_jitter(receiver: RTCRtpReceiver, prefetch: int) -> None:
    """Give an audio receiver a jitter buffer with `prefetch` packets of delay (aiortc: 4)."""
    setattr(receiver, "_RTCRtpReceiver__jitter_buffer", AudioJitterBuffer(prefetch))  # private in aiortc

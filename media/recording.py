"""Recording an interview as it happens: both voices on one clock, Opus in Ogg, written as it goes.

Channel 0 is the candidate (16 kHz chunks as they arrive), channel 1 the interviewer (the
frames the transport actually sent, at its own rate), both placed by their monotonic
timestamps relative to the recorder's `origin`, silence where nobody speaks. The event loop
only appends to a queue; a worker thread places, resamples to 48 kHz, encodes and writes.
Everything older than `latency_s` is encoded every `flush_interval_s` and Ogg pages go to the
file as they fill (`page_s`; the muxer holds up to two), so a process killed outright leaves a
decodable file missing at most `latency_s + flush_interval_s + 2 * page_s` (~1 s) of the end.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from core.audio import SAMPLE_RATE, rms_dbfs

log = logging.getLogger(__name__)
CANDIDATE, INTERVIEWER = 0, 1  # the recording's channels (left, right)
CHANNELS = ("candidate", "interviewer")
RECORDING_RATE = 48_000  # Opus's own rate
ENCODE_STEP = RECORDING_RATE // 10  # 100 ms per encode call: the GIL goes round between calls


@dataclass(frozen=True)
class RecordingOptions:
    # both channels together: ~22 MB an hour. At 32-40 kbit/s (or Opus's "voip" mode) the
    # encoder lets a voice's onsets leak into the other channel at -40 dB; at 48 kbit/s in
    # "audio" mode the channels stay apart, so each voice can be heard or transcribed alone
    bit_rate: int = 48_000
    flush_interval_s: float = 0.25  # how often the worker encodes what is due
    latency_s: float = 0.3  # audio waits this long for late chunks before it is encoded
    # Ogg page length. FFmpeg's muxer writes a page once the next one is complete (it holds the
    # last one back to mark the end of the stream), so up to two pages wait in memory.
    page_s: float = 0.25
    # A channel's next audio stamped later than the end of its last audio by more than this
    # starts after silence; within it, the audio follows on without a gap (arrival jitter).
    gap_s: float = 0.1
    # Audio stamped earlier than the channel's end (a burst after a network stall): speech
    # follows on, silence is dropped until the channel is back on its clock; beyond
    # `max_lead_s` everything is dropped (a client sending faster than real time).
    max_lead_s: float = 2.0
    silence_dbfs: float = -50.0


class _Track:
    """One channel at its own rate: audio placed but not yet encoded, from `committed` on."""

    def __init__(self, rate: int, options: RecordingOptions) -> None:
        self.rate = rate
        self.options = options
        self.committed = 0  # samples handed to the encoder
        self._buffer = np.zeros(0, dtype=np.int16)  # from `committed` on; zeros past `_used`
        self._used = 0
        self.end = 0  # where the last real audio ends
        self.dropped = 0

    def place(self, pcm: np.ndarray, at_s: float) -> None:
        at = round(at_s * self.rate)
        lead = self.end - at  # > 0: the channel already has audio past this chunk's time
        if lead > self.options.max_lead_s * self.rate or (
            lead > self.options.gap_s * self.rate and rms_dbfs(pcm) < self.options.silence_dbfs
        ):
            self.dropped += len(pcm)
            return
        if lead >= -self.options.gap_s * self.rate:
            at = self.end  # follows on: arrival jitter is not a gap
        at = max(at, self.committed)  # too late for its place: as soon as possible
        offset, stop = at - self.committed, at - self.committed + len(pcm)
        if stop > len(self._buffer):  # grown by doubling: placing stays cheap however far ahead
            grown = np.zeros(max(stop, 2 * len(self._buffer)), dtype=np.int16)
            grown[: self._used] = self._buffer[: self._used]
            self._buffer = grown
        self._buffer[offset:stop] = pcm
        self._used = max(self._used, stop)
        self.end = at + len(pcm)

    def take(self, until_s: float) -> np.ndarray:
        """Everything up to `until_s` (silence where nothing was placed), now final."""
        count = round(until_s * self.rate) - self.committed
        if count <= 0:
            return np.zeros(0, dtype=np.int16)
        out = self._buffer[:count]  # never written again: the buffer moves past it
        if len(out) < count:
            out = np.concatenate([out, np.zeros(count - len(out), dtype=np.int16)])
        self._buffer = self._buffer[count:]
        self._used = max(0, self._used - count)
        self.committed += count
        return out


class Timeline:
    """Both channels on one clock, in seconds from the recording's start."""

    def __init__(self, rates: tuple[int, int], options: RecordingOptions | None = None) -> None:
        options = options or RecordingOptions()
        self.tracks = [_Track(rate, options) for rate in rates]

    def place(self, channel: int, pcm: np.ndarray, at_s: float) -> None:
        self.tracks[channel].place(pcm, at_s)

    def take(self, until_s: float) -> list[np.ndarray]:
        """Each channel up to `until_s`, at its own rate."""
        return [track.take(until_s) for track in self.tracks]

    @property
    def end_s(self) -> float:
        """Where the last audio of either channel ends."""
        return max(track.end / track.rate for track in self.tracks)


class _Upsampler:
    """A channel to 48 kHz, keeping the filter's state across blocks (no clicks at joins)."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._resampler = (
            av.AudioResampler(format="s16", layout="mono", rate=RECORDING_RATE)
            if rate != RECORDING_RATE
            else None
        )

    def push(self, pcm: np.ndarray | None) -> np.ndarray:
        """Resample a block; None flushes the filter's tail."""
        if self._resampler is None:
            return np.zeros(0, dtype=np.int16) if pcm is None else pcm
        frame = None
        if pcm is not None:
            if len(pcm) == 0:
                return pcm
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(pcm).reshape(1, -1), "s16", "mono")
            frame.sample_rate = self.rate
        out = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        return np.concatenate(out) if out else np.zeros(0, dtype=np.int16)


class OggOpusWriter:
    """Stereo 48 kHz Opus in Ogg from two channels at their own rates, flushed page by page."""

    def __init__(self, path: Path, rates: tuple[int, int], options: RecordingOptions) -> None:
        container_options = {"page_duration": str(round(options.page_s * 1e6)), "flush_packets": "1"}
        self._container = av.open(str(path), "w", format="ogg", options=container_options)
        self._stream = self._container.add_stream("libopus", rate=RECORDING_RATE, layout="stereo")
        self._stream.bit_rate = options.bit_rate
        self._stream.options = {"application": "audio"}
        self._container.start_encoding()  # the headers now: the file exists from the start
        self._upsamplers = [_Upsampler(rate) for rate in rates]
        self._held = [np.zeros(0, dtype=np.int16), np.zeros(0, dtype=np.int16)]
        self.samples = 0  # per channel, at 48 kHz, handed to the encoder

    def write(self, blocks: list[np.ndarray]) -> None:
        for i, block in enumerate(blocks):
            self._held[i] = np.concatenate([self._held[i], self._upsamplers[i].push(block)])
        self._encode(min(len(held) for held in self._held))

    def close(self) -> None:
        """The resamplers' tails, the encoder's last packets, the end-of-stream page."""
        for i, upsampler in enumerate(self._upsamplers):
            self._held[i] = np.concatenate([self._held[i], upsampler.push(None)])
        longest = max(len(held) for held in self._held)
        self._held = [np.pad(held, (0, longest - len(held))) for held in self._held]
        self._encode(longest)
        for packet in self._stream.encode(None):
            self._container.mux(packet)
        self._container.close()

    def _encode(self, count: int) -> None:
        stereo = np.stack([held[:count] for held in self._held], axis=1).reshape(1, -1)
        self._held = [held[count:] for held in self._held]
        for start in range(0, count, ENCODE_STEP):
            block = np.ascontiguousarray(stereo[:, start * 2 : (start + ENCODE_STEP) * 2])
            frame = av.AudioFrame.from_ndarray(block, "s16", "stereo")
            frame.sample_rate = RECORDING_RATE
            frame.pts = self.samples
            self.samples += block.shape[1] // 2
            for packet in self._stream.encode(frame):
                self._container.mux(packet)


class Recorder:
    """Records one connection to `path` from `origin` (monotonic seconds) until `close`.

    `add` is safe to call from the event loop: it only queues. A failure to write is logged
    and ends the recording, never the interview."""

    def __init__(
        self,
        path: Path,
        interviewer_rate: int,
        origin: float | None = None,
        options: RecordingOptions | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self.options = options or RecordingOptions()
        self._clock = clock
        self.origin = clock() if origin is None else origin
        rates = (SAMPLE_RATE, interviewer_rate)
        self._timeline = Timeline(rates, self.options)
        self._writer = OggOpusWriter(path, rates, self.options)
        self._inbox: deque[tuple[int, np.ndarray, float]] = deque()
        self._stop = threading.Event()
        self.failed = False
        self.encode_cpu_s = 0.0  # the worker's CPU time, for measurements
        self._thread = threading.Thread(target=self._run, name=f"recorder-{path.stem}", daemon=True)
        self._thread.start()

    def add(self, channel: int, pcm: np.ndarray, at: float) -> None:
        """Audio of `channel` that started at monotonic time `at`."""
        if not self._stop.is_set() and not self.failed:
            self._inbox.append((channel, pcm, at - self.origin))

    @property
    def duration_s(self) -> float:
        """Seconds encoded so far."""
        return self._writer.samples / RECORDING_RATE

    def close(self) -> float:
        """Write everything heard up to now and finish the file (blocking); the seconds recorded."""
        self._stop.set()
        self._thread.join()
        return self.duration_s

    def _run(self) -> None:
        started = time.thread_time()
        try:
            while not self._stop.wait(self.options.flush_interval_s):
                self._step(lambda: self._clock() - self.origin - self.options.latency_s)
            self._step(lambda: max(self._clock() - self.origin, self._timeline.end_s))  # all of it
            self._writer.close()
        except Exception:
            self.failed = True
            log.exception("recording %s stopped: could not write", self.path)
            with contextlib.suppress(Exception):
                self._writer.close()
        finally:
            self.encode_cpu_s = time.thread_time() - started

    def _step(self, until_s: Callable[[], float]) -> None:
        """Place what arrived, then encode up to `until_s()` (asked after placing)."""
        while self._inbox:
            channel, pcm, at_s = self._inbox.popleft()
            self._timeline.place(channel, pcm, at_s)
        self._writer.write(self._timeline.take(until_s()))

"""Recording the candidate's camera beside the audio: VP8 in WebM, written as it goes.

Only with the operator's `INTERVOX_RECORDING__VIDEO` and the candidate's own agreement to a
video recording (separate from the voice recording and from the camera analysis). Frames are
placed by their arrival time relative to the audio part's `origin`, so t in the .webm is t in
the .ogg of the same part. The first frame is also shown from t=0 and the last one is held to
the end of the part, so both files start and end together.

The event loop only keeps the newest frame (a slow disk or CPU drops frames, never delays
the interview); a worker thread scales it down (at most `max_width` wide), encodes and writes
it. WebM clusters are closed every `cluster_s` and written out at once, so a process killed
outright leaves a playable file missing at most the last cluster.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from core.video import VideoFrame

log = logging.getLogger(__name__)
TIME_BASE = Fraction(1, 1000)  # frame times in milliseconds


@dataclass(frozen=True)
class VideoRecordingOptions:
    fps: float = 5.0  # frames kept per second: enough to see the candidate, cheap to encode
    max_width: int = 640  # wider frames are scaled down (height in proportion, even)
    bit_rate: int = 250_000  # ~110 MB an hour at most; a still candidate takes far less
    cluster_s: float = 1.0  # how much a crash can lose from the end
    # VP8's speed/quality trade-off (0 best .. 16 fastest): a few ms a frame on one core
    cpu_used: int = 8


def even(value: int) -> int:
    return max(2, value - value % 2)


class WebmVideoWriter:
    """VP8 in WebM at `fps`, frames at the times given (seconds from the part's start)."""

    def __init__(self, path: Path, options: VideoRecordingOptions) -> None:
        self.path = path
        self.options = options
        self._container: av.container.OutputContainer | None = None
        self._stream: av.VideoStream | None = None
        self._size: tuple[int, int] | None = None
        self._last: av.VideoFrame | None = None
        self._last_pts = -1
        self.frames = 0  # frames encoded
        self.encode_s = 0.0  # wall time spent scaling and encoding (the worker's CPU, mostly)

    def _open(self, width: int, height: int) -> None:
        options = {"cluster_time_limit": str(round(self.options.cluster_s * 1000)), "flush_packets": "1"}
        container = av.open(str(self.path), "w", format="webm", options=options)
        stream = container.add_stream("libvpx", rate=round(self.options.fps))
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = self.options.bit_rate
        stream.codec_context.time_base = TIME_BASE
        stream.time_base = TIME_BASE
        stream.options = {
            "deadline": "realtime",
            "cpu-used": str(self.options.cpu_used),
            "lag-in-frames": "0",  # each frame out as it goes in: nothing held back on a crash
            "auto-alt-ref": "0",
            "threads": "1",
        }
        self._container, self._stream, self._size = container, stream, (width, height)

    def write(self, rgb: np.ndarray, at_s: float) -> None:
        """One RGB frame (uint8, height x width x 3) shown from `at_s`."""
        started = time.perf_counter()
        if self._size is None:
            height, width = rgb.shape[:2]
            scaled = min(width, self.options.max_width)
            self._open(even(scaled), even(round(height * scaled / width)))
        assert self._size is not None
        pts = round(at_s * 1000)
        if pts <= self._last_pts:
            return  # not after the previous frame (a clock step): skip it
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        # one pass: scaled (whatever size the camera sends now) and converted for the encoder
        frame = frame.reformat(width=self._size[0], height=self._size[1], format="yuv420p")
        if self._last is None and pts > 0:
            self._encode(frame, 0)  # the first picture from the part's start
        self._encode(frame, pts)
        self._last = frame
        self.encode_s += time.perf_counter() - started

    def _encode(self, frame: av.VideoFrame, pts: int) -> None:
        assert self._container is not None and self._stream is not None
        frame.pts, frame.time_base = pts, TIME_BASE
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self._last_pts = pts
        self.frames += 1

    def close(self, end_s: float | None = None) -> None:
        """The last picture held to `end_s`, the encoder's last packets, the file's index."""
        if self._container is None:
            return
        # a frame lasts 1/fps in the file: the held picture starts that long before the end
        hold = None if end_s is None else round((end_s - 1 / self.options.fps) * 1000)
        if self._last is not None and hold is not None and hold > self._last_pts:
            self._encode(self._last, hold)
        assert self._stream is not None
        for packet in self._stream.encode(None):
            self._container.mux(packet)
        self._container.close()
        self._container = None


class VideoRecorder:
    """Records camera frames to `path` from `origin` (monotonic seconds) until `close`.

    `add` is safe on the event loop: it only replaces the newest waiting frame. A failure to
    write is logged and ends the video recording, never the interview."""

    def __init__(self, path: Path, origin: float, options: VideoRecordingOptions | None = None) -> None:
        self.path = path
        self.origin = origin
        self.options = options or VideoRecordingOptions()
        self._writer = WebmVideoWriter(path, self.options)
        self._waiting: VideoFrame | None = None
        self._wake = threading.Condition()
        self._stopped = False
        self._end_s: float | None = None
        self.failed = False
        self.encode_cpu_s = 0.0
        self._thread = threading.Thread(target=self._run, name=f"video-{path.stem}", daemon=True)
        self._thread.start()

    @property
    def frames(self) -> int:
        return self._writer.frames

    @property
    def encode_ms_per_frame(self) -> float:
        return 1000 * self._writer.encode_s / self._writer.frames if self._writer.frames else 0.0

    def add(self, frame: VideoFrame) -> None:
        if self._stopped or self.failed:
            return
        with self._wake:
            self._waiting = frame  # an older one not yet taken is dropped
            self._wake.notify()

    def close(self, end: float | None = None) -> int:
        """Write what is waiting and finish the file, the last picture held to monotonic
        `end` (blocking); the frames written."""
        with self._wake:
            self._stopped = True
            self._end_s = None if end is None else end - self.origin
            self._wake.notify()
        self._thread.join()
        return self._writer.frames

    def _run(self) -> None:
        started = time.thread_time()
        try:
            while True:
                with self._wake:
                    while self._waiting is None and not self._stopped:
                        self._wake.wait()
                    frame, self._waiting = self._waiting, None
                    stopped = self._stopped
                if frame is not None:
                    self._writer.write(frame.rgb, frame.ts - self.origin)
                if stopped and frame is None:
                    break
            self._writer.close(self._end_s)
        except Exception:
            self.failed = True
            log.exception("video recording %s stopped: could not write", self.path)
            with contextlib.suppress(Exception):
                self._writer.close()
        finally:
            self.encode_cpu_s = time.thread_time() - started

"""Where interview recordings live on disk, and what a recruiter can learn about them.

`<root>/<interview id>/part-<n>.ogg`, one file per connection (a phone caller calling back or
a browser reloading starts the next part), each beside `part-<n>.json`, which says where the
part starts on the interview's clock (seconds from its start, the transcript's `start`/`end`).
A part's duration is read from the file itself, so a part cut short by a crash still counts.
With video recording on (and agreed to), `part-<n>.webm` beside it holds the candidate's camera
on the same clock (t=0 in both is the part's start).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import av

from media.recording import CHANNELS, RECORDING_RATE, Recorder, RecordingOptions
from media.video_recording import VideoRecorder, VideoRecordingOptions

log = logging.getLogger(__name__)
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")
_PART = re.compile(r"^part-(\d+)\.ogg$")


@dataclass(frozen=True)
class RecordingPart:
    part: int
    start: float  # seconds from the interview's start
    duration: float  # seconds of audio in the file
    path: Path
    video: Path | None = None  # the camera, when it was recorded too


class Recordings:
    """The recordings folder of one server (`<data dir>/recordings`)."""

    def __init__(
        self,
        root: Path,
        options: RecordingOptions | None = None,
        video: bool = False,
        video_options: VideoRecordingOptions | None = None,
    ) -> None:
        self.root = root
        self.options = options or RecordingOptions()
        self.video = video  # the operator allows keeping the camera (INTERVOX_RECORDING__VIDEO)
        self.video_options = video_options or VideoRecordingOptions()

    def folder(self, interview_id: str) -> Path:
        if not _SAFE_ID.match(interview_id):
            raise ValueError(f"not an interview id: {interview_id!r}")
        return self.root / interview_id

    def begin(
        self, interview_id: str, origin: float, start_s: float, interviewer_rate: int, transport: str
    ) -> Recorder:
        """Start the next part: audio from monotonic time `origin`, which is `start_s` on the
        interview's clock (blocking: opens the file)."""
        folder = self.folder(interview_id)
        folder.mkdir(parents=True, exist_ok=True)
        part = max((p for p, _ in self._audio_files(interview_id)), default=0) + 1
        info = {
            "part": part,
            "start": round(start_s, 3),
            "channels": list(CHANNELS),
            "sample_rate": RECORDING_RATE,
            "codec": "opus",
            "transport": transport,
        }
        side = folder / f"part-{part}.json"
        side.with_suffix(".tmp").write_text(json.dumps(info))
        side.with_suffix(".tmp").replace(side)
        return Recorder(folder / f"part-{part}.ogg", interviewer_rate, origin, self.options)

    def begin_video(self, audio: Recorder) -> VideoRecorder:
        """The camera beside an audio part just begun, on its clock (blocking: starts a thread)."""
        return VideoRecorder(audio.path.with_suffix(".webm"), audio.origin, self.video_options)

    def parts(self, interview_id: str) -> list[RecordingPart]:
        """The interview's parts in order (blocking: reads each file's length)."""
        found = []
        for part, path in self._audio_files(interview_id):
            video = path.with_suffix(".webm")
            found.append(
                RecordingPart(
                    part, self._start(path), probe_duration(path), path, video if video.is_file() else None
                )
            )
        return found

    def audio(self, interview_id: str, part: int) -> Path | None:
        path = self.folder(interview_id) / f"part-{part}.ogg"
        return path if path.is_file() else None

    def video_file(self, interview_id: str, part: int) -> Path | None:
        path = self.folder(interview_id) / f"part-{part}.webm"
        return path if path.is_file() else None

    def files(self, interview_id: str) -> list[Path]:
        """Every file kept for the interview (for exports)."""
        folder = self.folder(interview_id)
        return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []

    def delete(self, interview_id: str) -> int:
        """Remove the interview's recordings from disk; how many files there were."""
        count = len(self.files(interview_id))
        shutil.rmtree(self.folder(interview_id), ignore_errors=True)
        return count

    def _audio_files(self, interview_id: str) -> list[tuple[int, Path]]:
        folder = self.folder(interview_id)
        if not folder.is_dir():
            return []
        found = [(int(m.group(1)), p) for p in folder.iterdir() if (m := _PART.match(p.name))]
        return sorted(found)

    @staticmethod
    def _start(path: Path) -> float:
        try:
            return float(json.loads(path.with_suffix(".json").read_text())["start"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0.0  # its description was lost: the part is still worth hearing


def probe_duration(path: Path) -> float:
    """Seconds of audio in an Ogg file, also one still being written or cut short."""
    try:
        with av.open(str(path)) as container:
            if container.duration is not None:
                return round(container.duration / 1e6, 3)
            stream = container.streams.audio[0]
            if stream.duration is not None and stream.time_base is not None:
                return round(float(stream.duration * stream.time_base), 3)
    except (av.FFmpegError, OSError, IndexError):
        pass  # empty so far (nothing encoded yet) or unreadable
    return 0.0

"""From per-frame signals to what a recruiter reads: shares of time, flags with
time ranges, per-question figures. Flags are for human review, never a verdict."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from vision.signals import FrameSignals, looking_at_screen

SECOND_FACE_MIN_S = 3.0
FACE_ABSENT_MIN_S = 5.0
COVERED_MIN_S = 3.0
QUALITY_MIN_S = 5.0
MERGE_GAP_S = 1.0  # a run survives one missed frame
BASELINE_FRAMES = 40  # the candidate's usual pose: median over the first ~10 s with a face
BASELINE_LIMIT_DEG = 15.0


@dataclass(frozen=True)
class AttentionSample:
    """What is stored per analysed frame (compact: no landmarks, no image)."""

    t: float  # seconds from interview start
    faces: int
    looking: bool
    eyes_closed: bool
    yaw: float | None
    pitch: float | None
    movement: float | None  # head rotation since the previous sample, degrees per second
    issue: str | None  # camera problem: covered, dark, blurred
    question_id: str | None = None
    answering: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class AttentionTracker:
    """Turns `FrameSignals` into samples, relative to the candidate's own usual pose."""

    def __init__(self) -> None:
        self._gaze: list[tuple[float, float]] = []
        self._previous: FrameSignals | None = None

    @property
    def baseline(self) -> tuple[float, float]:
        if not self._gaze:
            return (0.0, 0.0)
        clamp = lambda v: max(-BASELINE_LIMIT_DEG, min(BASELINE_LIMIT_DEG, v))  # noqa: E731
        return (
            clamp(statistics.median(g[0] for g in self._gaze)),
            clamp(statistics.median(g[1] for g in self._gaze)),
        )

    def add(
        self, s: FrameSignals, question_id: str | None = None, answering: bool = False
    ) -> AttentionSample:
        face = s.main
        if face is not None and len(self._gaze) < BASELINE_FRAMES:
            self._gaze.append((face.gaze_yaw, face.gaze_pitch))
        movement = None
        prev = self._previous
        if face is not None and prev is not None and prev.main is not None and s.t > prev.t:
            turn = (
                abs(face.yaw - prev.main.yaw)
                + abs(face.pitch - prev.main.pitch)
                + abs(face.roll - prev.main.roll)
            )
            movement = round(turn / (s.t - prev.t), 1)
        self._previous = s
        return AttentionSample(
            t=round(s.t, 3),
            faces=s.faces,
            looking=face is not None and looking_at_screen(face, self.baseline),
            eyes_closed=face is not None and face.eyes_closed,
            yaw=None if face is None else round(face.yaw, 1),
            pitch=None if face is None else round(face.pitch, 1),
            movement=movement,
            issue=s.camera_issue,
            question_id=question_id,
            answering=answering,
        )


def _durations(samples: Sequence[AttentionSample]) -> list[float]:
    """Seconds each sample stands for: up to the next one, at most 1 s (a gap is no video)."""
    return [
        min(1.0, samples[i + 1].t - s.t)
        if i + 1 < len(samples)
        else (min(1.0, s.t - samples[i - 1].t) if i else 0.25)
        for i, s in enumerate(samples)
    ]


def runs(samples: Sequence[AttentionSample], condition, min_s: float) -> list[tuple[float, float]]:  # type: ignore[no-untyped-def]
    """Time ranges where `condition` held for at least `min_s` (gaps under 1 s bridged)."""
    found: list[tuple[float, float]] = []
    start = end = None
    for s, dur in zip(samples, _durations(samples), strict=True):
        if condition(s):
            if start is not None and end is not None and s.t - end <= MERGE_GAP_S:
                end = s.t + dur
            else:
                if start is not None and end is not None:
                    found.append((start, end))
                start, end = s.t, s.t + dur
    if start is not None and end is not None:
        found.append((start, end))
    return [(round(a, 1), round(b, 1)) for a, b in found if b - a >= min_s]


def flags(samples: Sequence[AttentionSample]) -> list[dict[str, Any]]:
    """Integrity and camera flags, each with its time range."""
    out: list[dict[str, Any]] = []

    def add(kind: str, ranges: Iterable[tuple[float, float]], **extra: Any) -> None:
        for start, end in ranges:
            during = [s for s in samples if start <= s.t < end]
            out.append(
                {
                    "type": kind,
                    "start": start,
                    "end": end,
                    "while_answering": any(s.answering for s in during),
                    **extra,
                }
            )

    add("second_face", runs(samples, lambda s: s.faces >= 2, SECOND_FACE_MIN_S))
    add("face_absent", runs(samples, lambda s: s.faces == 0 and s.issue is None, FACE_ABSENT_MIN_S))
    add("camera_covered", runs(samples, lambda s: s.issue == "covered", COVERED_MIN_S))
    for issue in ("dark", "blurred"):
        add("camera_quality", runs(samples, lambda s, i=issue: s.issue == i, QUALITY_MIN_S), issue=issue)
    return sorted(out, key=lambda f: f["start"])


def summarize(samples: Sequence[AttentionSample]) -> dict[str, Any]:
    """Shares are over the seconds of video received."""
    if not samples:
        return {"video_seconds": 0.0, "present_share": None, "looking_at_screen_share": None}
    durations = _durations(samples)
    total = sum(durations)

    def share(condition) -> float:  # type: ignore[no-untyped-def]
        return (
            round(sum(d for s, d in zip(samples, durations, strict=True) if condition(s)) / total, 3)
            if total
            else 0.0
        )

    present = [s for s in samples if s.faces > 0]
    present_minutes = sum(d for s, d in zip(samples, durations, strict=True) if s.faces > 0) / 60
    closings = sum(
        1 for a, b in zip(samples, samples[1:], strict=False) if b.eyes_closed and not a.eyes_closed
    )
    away = runs(samples, lambda s: s.faces > 0 and not s.looking, 0.0)
    movement = [s.movement for s in present if s.movement is not None]
    issues = {
        i: round(sum(d for s, d in zip(samples, durations, strict=True) if s.issue == i), 1)
        for i in ("covered", "dark", "blurred")
    }
    return {
        "video_seconds": round(total, 1),
        "present_share": share(lambda s: s.faces > 0),
        "looking_at_screen_share": share(lambda s: s.looking),
        "more_than_one_face_share": share(lambda s: s.faces > 1),
        "eye_closures_per_minute": round(closings / present_minutes, 1) if present_minutes else None,
        "head_movement_deg_per_s": round(statistics.median(movement), 1) if movement else None,
        "longest_look_away_seconds": round(max((b - a for a, b in away), default=0.0), 1),
        "camera_issue_seconds": {k: v for k, v in issues.items() if v},
    }

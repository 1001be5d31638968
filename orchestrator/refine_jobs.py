"""The accurate second pass as durable jobs: each finished answer's audio goes to the `refine`
work queue (store/queue.py), and a worker with the accurate model takes it, transcribes it and
stores the better text. In Redis the queue outlives the process that heard the answer and the
one transcribing it: a job taken by a worker that dies goes to another, and the text lands in
the store whoever drives the interview by then.

The worker that ran a job stores the revision (unless the report has already read the
transcript, see `InterviewRepository.store_revision`), logs and publishes the `transcript`
event with `revised: true`, and tells the driving session on the internal topic
`refine:<interview id>` whether it revised, so the session grades with the better text and its
report waits for it (orchestrator/revisions.py). Delivery is at least once: storing the same
revision twice changes nothing."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.events import Event, event
from store.bus import EventBus
from store.models import SegmentRow
from store.queue import Job, WorkQueue
from store.repository import InterviewRepository
from stt.refine import Refiner
from stt.whisper import Transcript

log = logging.getLogger(__name__)
QUEUE = "refine"


def results_topic(interview_id: str) -> str:
    """Where a worker tells the driving session how a revision went (not for listeners)."""
    return f"refine:{interview_id}"


@dataclass(frozen=True)
class RefineJob:
    """One finished answer to transcribe again: where its text goes, and its audio."""

    interview_id: str
    segment_id: int
    start: float  # the segment's start on the interview's clock: words are placed after it
    beam_size: int | None
    audio: np.ndarray  # 16 kHz mono int16

    def encode(self) -> bytes:
        header = {k: getattr(self, k) for k in ("interview_id", "segment_id", "start", "beam_size")}
        return json.dumps(header).encode() + b"\n" + self.audio.astype("<i2").tobytes()

    @classmethod
    def decode(cls, body: bytes) -> RefineJob:
        header, _, pcm = body.partition(b"\n")
        fields = json.loads(header)
        return cls(**fields, audio=np.frombuffer(pcm, dtype="<i2").astype(np.int16))


def placed_words(transcript: Transcript, start: float) -> list[dict[str, float | str]]:
    return [
        {
            "word": w.text,
            "start": round(start + w.start, 3),
            "end": round(start + w.end, 3),
            "probability": round(w.probability, 3),
        }
        for w in transcript.words
    ]


def transcript_event(row: SegmentRow, **extra: Any) -> Event:
    """A stored segment as the `transcript` event (the session's first copy, or a revision)."""
    return event(
        "transcript",
        speaker=row.speaker,
        text=row.text,
        final=True,
        start=row.start,
        end=row.end,
        question_id=row.question_id,
        interrupted=row.interrupted,
        segment_id=row.id,
        **extra,
    )


def revised_event(row: SegmentRow) -> Event:
    return transcript_event(row, revised=True, stt_model=row.stt_model)


class RefineJobs:
    """The queue of accurate-pass jobs: `submit` from the voice loop, `run` in every process
    that has the accurate model."""

    def __init__(self, queue: WorkQueue, repo: InterviewRepository, bus: EventBus, worker_id: str) -> None:
        self.queue, self.repo, self.bus, self.worker_id = queue, repo, bus, worker_id

    async def submit(self, job: RefineJob) -> None:
        """Queue it (QueueFull when the queue is at its length: the fast text stays)."""
        await self.queue.put(job.encode())

    async def run(self, refiner: Refiner, wait_s: float = 2.0) -> None:
        """Take jobs one at a time (the accurate engine runs one) until cancelled."""
        while True:
            try:
                job = await self.queue.take(self.worker_id, wait_s)
            except Exception as exc:  # Redis away: try again shortly
                log.warning("refine queue unreachable: %s", exc)
                await asyncio.sleep(1.0)
                continue
            if job is None:
                continue
            try:
                await self.process(job, refiner)
            except Exception:  # not acknowledged: it comes back to a worker after a while
                log.exception("refine job %s failed", job.id)

    async def process(self, job: Job, refiner: Refiner) -> bool:
        """Transcribe, store, tell; the job is acknowledged unless this process dies first.
        Returns whether the stored text changed."""
        refine = RefineJob.decode(job.body)
        row: SegmentRow | None = None
        try:
            transcript = await refiner.transcribe(refine.audio, refine.beam_size)
            if not transcript.empty:
                row = await self._store(refine, transcript, refiner.model)
        except Exception as exc:  # engine broken or busy: the fast text stays
            log.warning(
                "interview %s: segment %s keeps its fast text (%s: %s)",
                refine.interview_id,
                refine.segment_id,
                type(exc).__name__,
                exc,
            )
        notice = event("metrics", segment_id=refine.segment_id, revised=row is not None)
        if row is not None:
            notice.data.update(text=row.text, words=row.words, stt_model=row.stt_model)
        await self.bus.publish(results_topic(refine.interview_id), notice)
        await self.queue.ack(job)
        return row is not None

    async def _store(self, job: RefineJob, transcript: Transcript, model: str) -> SegmentRow | None:
        words = placed_words(transcript, job.start)
        row = await asyncio.to_thread(
            self.repo.store_revision, job.interview_id, job.segment_id, transcript.text, words, model
        )
        if row is None:
            log.warning(
                "interview %s: segment %s revised after the report read it; fast text kept",
                job.interview_id,
                job.segment_id,
            )
            return None
        revised = revised_event(row)
        await asyncio.to_thread(self.repo.add_event, job.interview_id, revised)
        await self.bus.publish(job.interview_id, revised)
        return row

"""The report's `attention` section, from the samples stored during the interview."""

from __future__ import annotations

from typing import Any

from vision.attention import AttentionSample, flags, summarize


def attention_section(interview_id: str, stored: list[dict[str, Any]], disclosed_at: Any) -> dict[str, Any]:
    """The report's `attention` section for a video interview, from stored samples."""
    samples = [AttentionSample(**row) for row in stored]
    section = summarize(samples)
    section["flags"] = flags(samples)
    section["timeline_url"] = f"/api/v1/interviews/{interview_id}/attention.png"
    section["per_question"] = {
        qid: summarize([s for s in samples if s.question_id == qid])
        for qid in sorted({s.question_id for s in samples if s.question_id})
    }
    section["disclosed_at"] = disclosed_at.isoformat() if disclosed_at else None
    section["measures"] = (
        "face present, number of faces, looking at the screen (head pose and eye "
        "direction), eyes closed, head movement, camera quality; never emotion"
    )
    if not samples:
        section["note"] = "the camera sent no frames"
    return section

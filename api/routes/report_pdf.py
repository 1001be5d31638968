"""The report as a PDF (recruiters in the organisation, and share links)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from fastapi import APIRouter, Response

from api.auth import ViewedInterview
from api.deps import RuntimeDep
from api.runtime import Runtime
from core.errors import ReportNotReady
from orchestrator.report_pdf import ReportHeader, render_report_pdf
from store.models import InterviewRow
from vision.attention import AttentionSample, flags
from vision.timeline import render_png

router = APIRouter(prefix="/api/v1/interviews", tags=["interviews"])
PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}},
    404: {"description": "REPORT_NOT_READY"},
}


async def report_pdf(runtime: Runtime, interview: InterviewRow) -> Response:
    """Render the stored report (404 REPORT_NOT_READY before the interview ends, like the JSON)."""
    report = await asyncio.to_thread(runtime.repo.report, interview.id)
    if report is None:
        raise ReportNotReady("the report is written when the interview ends", {"status": interview.status})
    chart = None
    if interview.mode == "video" and interview.data_purged_at is None:
        samples = [
            AttentionSample(**r)
            for r in await asyncio.to_thread(runtime.repo.attention_samples, interview.id)
        ]
        chart = await asyncio.to_thread(render_png, samples, flags(samples), "Attention (for human review)")
    header = ReportHeader(
        candidate=interview.candidate_name or "Unnamed candidate",
        role=interview.role,
        level=interview.level,
        mode=interview.mode,
        held_on=interview.started_at or interview.created_at,
    )
    final = None  # a coding interview's final code (the last saved version) is printed with it
    if report.get("coding") and report["coding"].get("submitted"):
        version = await asyncio.to_thread(runtime.coding.repo.latest_version, interview.id)
        final = version.code if version is not None else None
    pdf = await asyncio.to_thread(render_report_pdf, header, report, chart, final)
    name = re.sub(r"[^A-Za-z0-9]+", "-", f"{header.candidate}-{interview.role}").strip("-").lower()[:80]
    disposition = f'inline; filename="intervox-report-{name or interview.id}.pdf"'
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


@router.get("/{interview_id}/report.pdf", response_class=Response, responses=PDF)
async def get_report_pdf(interview: ViewedInterview, runtime: RuntimeDep) -> Response:
    """Title page, scores chart, attention timeline, answers with evidence, integrity flags."""
    return await report_pdf(runtime, interview)

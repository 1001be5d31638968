"""A report as a read-only HTML page (share links): rendered here, every value escaped, no
script, one stylesheet (the pages' CSP allows nothing inline)."""

from __future__ import annotations

from html import escape
from typing import Any

from store.models import InterviewRow


def _label(value: Any) -> str:
    return escape(str(value or "").replace("_", " "))


def _question(q: dict[str, Any]) -> str:
    score = q.get("score")
    shown = f"{score:.1f} / 10" if isinstance(score, int | float) else _label(q.get("status"))
    evidence = "".join(
        f"<blockquote>{escape(str(e.get('quote', '')))}</blockquote>" for e in (q.get("evidence") or [])[:4]
    )
    answer = escape(q.get("answer") or "") or "<em>No answer was given.</em>"
    feedback = f'<p class="muted">{escape(q["feedback"])}</p>' if q.get("feedback") else ""
    return (
        f'<section class="card question"><div class="qhead"><span class="muted">'
        f"{escape(str(q.get('id', '')).upper())} · {_label(q.get('section'))}</span>"
        f'<span class="score">{shown}</span></div><h3>{escape(q.get("text", ""))}</h3>'
        f"<p>{answer}</p>{feedback}{evidence}</section>"
    )


def _flags(report: dict[str, Any]) -> str:
    attention = report.get("attention")
    if attention is None:
        return "<p>Not a video interview: no camera signals were measured.</p>"
    flags = attention.get("flags") or []
    if not flags:
        return "<p>No flags were raised.</p>"
    rows = "".join(
        f"<tr><td>{_label(f.get('type'))}</td><td>{f.get('start', 0):.0f} s</td>"
        f"<td>{f.get('end', 0):.0f} s</td></tr>"
        for f in flags
    )
    return f"<table><tr><th>Flag</th><th>From</th><th>To</th></tr>{rows}</table>"


def report_page(interview: InterviewRow, report: dict[str, Any], pdf_url: str) -> str:
    who = escape(interview.candidate_name or "Unnamed candidate")
    overall = report.get("overall_score")
    verdict = str(report.get("recommendation") or "")
    held = interview.started_at or interview.created_at
    questions = "".join(_question(q) for q in report.get("questions", []))
    overall_text = f"{overall:.0f}" if isinstance(overall, int | float) else "n/a"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{who}: {escape(interview.role)} · Intervox report</title>"
        '<link rel="stylesheet" href="/static/report.css"></head><body><main>'
        f'<header class="card"><p class="muted">Interview report · shared read-only</p><h1>{who}</h1>'
        f"<p>{escape(interview.role)} ({escape(interview.level)}) · {held:%d %B %Y} · "
        f"{escape(interview.mode)} interview</p>"
        f'<div class="figures"><div><span class="muted">Overall score</span><strong>{overall_text}</strong>'
        f'</div><div><span class="muted">Recommendation</span><strong class="verdict {escape(verdict)}">'
        f"{_label(verdict)}</strong></div></div>"
        f"<p>{escape(str(report.get('summary') or ''))}</p>"
        f'<p><a href="{escape(pdf_url)}">Download the PDF</a></p></header>'
        f"<h2>Questions and answers</h2>{questions}"
        '<h2>Integrity flags</h2><section class="card"><p class="muted">Signals for a human to review, '
        f"never a verdict.</p>{_flags(report)}</section>"
        "</main></body></html>"
    )

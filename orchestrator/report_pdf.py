"""The report as a PDF for people who read reports on paper: a title page with the verdict and
the scores chart, the attention timeline, each question with the candidate's answer and the
quoted evidence, and the integrity flags (for human review, never a verdict). ReportLab only:
no browser, no system libraries."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
ACCENT = colors.HexColor("#2563eb")
RULE = colors.HexColor("#d9e2ec")
PANEL = colors.HexColor("#f5f7fa")
VERDICT_COLOURS = {
    "strong_hire": colors.HexColor("#15803d"),
    "hire": colors.HexColor("#16a34a"),
    "maybe": colors.HexColor("#d97706"),
    "no_hire": colors.HexColor("#b91c1c"),
}
ANSWER_EXCERPT_CHARS = 900
WIDTH = A4[0] - 36 * mm  # the text column


@dataclass(frozen=True)
class ReportHeader:
    """Who and what the report is about (from the interview, not the report body)."""

    candidate: str
    role: str
    level: str
    mode: str
    held_on: datetime | None


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()["BodyText"]

    def style(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **({"textColor": INK, "alignment": TA_LEFT} | kw))

    return {
        "title": style("title", fontName="Helvetica-Bold", fontSize=24, leading=29),
        "subtitle": style("subtitle", fontSize=12, leading=16, textColor=MUTED),
        "h2": style("h2", fontName="Helvetica-Bold", fontSize=14, leading=18, spaceBefore=10, spaceAfter=6),
        "h3": style("h3", fontName="Helvetica-Bold", fontSize=11, leading=14, spaceBefore=8, spaceAfter=3),
        "body": style("body", fontSize=9.5, leading=13.5),
        "small": style("small", fontSize=8, leading=11, textColor=MUTED),
        "quote": style(
            "quote", fontName="Helvetica-Oblique", fontSize=9, leading=12.5, leftIndent=8, textColor=INK
        ),
        "big": style("big", fontName="Helvetica-Bold", fontSize=30, leading=34),
        "label": style("label", fontSize=8, leading=10, textColor=MUTED),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _label(value: str | None) -> str:
    return (value or "").replace("_", " ")


def _score_colour(score: float | None, out_of: float) -> colors.Color:
    if score is None:
        return RULE
    share = score / out_of
    return (
        VERDICT_COLOURS["hire"]
        if share >= 0.7
        else VERDICT_COLOURS["maybe"]
        if share >= 0.4
        else (VERDICT_COLOURS["no_hire"])
    )


def scores_chart(questions: list[dict[str, Any]], width: float = WIDTH) -> Drawing:
    """One horizontal bar per question, 0-10, coloured by how well it went."""
    row_h, label_w, top = 17.0, 46.0, 14.0
    height = top + row_h * max(1, len(questions)) + 16
    d = Drawing(width, height)
    bar_w = width - label_w - 34
    for tick in range(0, 11, 2):
        x = label_w + bar_w * tick / 10
        d.add(Line(x, 12, x, height - top + 4, strokeColor=RULE, strokeWidth=0.5))
        d.add(String(x, 2, str(tick), fontName="Helvetica", fontSize=7, fillColor=MUTED, textAnchor="middle"))
    for i, q in enumerate(questions):
        y = height - top - row_h * (i + 1) + 4
        score = q.get("score")
        d.add(
            String(
                0, y + 3, str(q.get("id", "")).upper(), fontName="Helvetica-Bold", fontSize=8, fillColor=INK
            )
        )
        d.add(Rect(label_w, y, bar_w, row_h - 7, fillColor=PANEL, strokeColor=None))
        if score is not None:
            d.add(
                Rect(
                    label_w,
                    y,
                    bar_w * score / 10,
                    row_h - 7,
                    fillColor=_score_colour(score, 10),
                    strokeColor=None,
                )
            )
        shown = f"{score:.1f}" if score is not None else _label(q.get("status")) or "n/a"
        d.add(String(label_w + bar_w + 4, y + 3, shown, fontName="Helvetica", fontSize=8, fillColor=INK))
    d.add(
        String(
            0, height - 9, "Score per question (0-10)", fontName="Helvetica-Bold", fontSize=9, fillColor=INK
        )
    )
    return d


def _title_page(header: ReportHeader, report: dict[str, Any], s: dict[str, ParagraphStyle]) -> list[Any]:
    held = header.held_on.strftime("%d %B %Y") if header.held_on else "not held"
    counts = report.get("scores") or {}
    answered, planned = counts.get("questions_answered", "?"), counts.get("questions_planned", "?")
    coding = report.get("coding") or {}
    work = (f"{answered} of {planned} questions", "Answered")
    if coding and not planned:  # a coding interview: the hidden tests say how far the code got
        correctness = coding.get("correctness") or {}
        passed = f"{correctness['passed']} of {correctness['total']}" if correctness else "not run"
        work = (f"{passed} hidden tests", "Final code")
    verdict = report.get("recommendation") or "n/a"
    colour = VERDICT_COLOURS.get(verdict, MUTED)
    overall = report.get("overall_score")
    figures = Table(
        [
            [_p("Overall score", s["label"]), _p("Recommendation", s["label"])],
            [
                Paragraph(f"{overall:.0f}<font size=14 color='#616e7c'> / 100</font>", s["big"])
                if overall is not None
                else _p("n/a", s["big"]),
                Paragraph(
                    f"<font color='#{colour.hexval()[2:]}'>{escape(_label(verdict).title())}</font>",
                    s["big"],
                ),
            ],
        ],
        colWidths=[WIDTH / 2, WIDTH / 2],
    )
    figures.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), PANEL),
                ("LINEBEFORE", (1, 0), (1, -1), 0.8, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 12),
                ("TOPPADDING", (0, 0), (-1, 0), 10),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 12),
            ]
        )
    )
    facts = Table(
        [
            [
                _p("Role", s["label"]),
                _p("Date", s["label"]),
                _p("Format", s["label"]),
                _p(work[1], s["label"]),
            ],
            [
                _p(f"{header.role} ({header.level})", s["body"]),
                _p(held, s["body"]),
                _p(f"{header.mode} interview", s["body"]),
                _p(work[0], s["body"]),
            ],
        ],
        colWidths=[WIDTH * 0.34, WIDTH * 0.22, WIDTH * 0.22, WIDTH * 0.22],
    )
    facts.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    parts: list[Any] = [
        _p("INTERVOX · INTERVIEW REPORT", s["small"]),
        Spacer(1, 4),
        _p(header.candidate, s["title"]),
        _p(f"{header.role} · {header.level}", s["subtitle"]),
        Spacer(1, 10),
        facts,
        Spacer(1, 12),
        figures,
        Spacer(1, 10),
    ]
    if report.get("summary"):
        parts.append(_p(report["summary"], s["body"]))
    if report.get("recommendation_reasoning"):
        reasons = report["recommendation_reasoning"]
        text = " ".join(reasons) if isinstance(reasons, list) else str(reasons)
        parts.append(_p(text, s["small"]))
    parts += [Spacer(1, 10), _dimensions(report, s), Spacer(1, 12)]
    if report.get("questions") or not coding:
        parts.append(scores_chart(report.get("questions", [])))
    return parts


def _dimensions(report: dict[str, Any], s: dict[str, ParagraphStyle]) -> Table:
    dims = {k: v for k, v in (report.get("dimensions") or {}).items() if isinstance(v, int | float)}
    if not dims:
        return Table([[_p("No dimension could be measured.", s["small"])]])
    names = list(dims)
    table = Table(
        [[_p(_label(n).title(), s["label"]) for n in names], [_p(f"{dims[n]:.0f}", s["h3"]) for n in names]],
        colWidths=[WIDTH / len(names)] * len(names),
    )
    table.setStyle(
        TableStyle([("LINEABOVE", (0, 0), (-1, 0), 1.5, ACCENT), ("LEFTPADDING", (0, 0), (-1, -1), 2)])
    )
    return table


def _question(q: dict[str, Any], s: dict[str, ParagraphStyle]) -> list[Any]:
    score = q.get("score")
    shown = f"{score:.1f} / 10" if score is not None else _label(q.get("status"))
    head = Table(
        [
            [
                _p(f"{str(q.get('id', '')).upper()} · {_label(q.get('section'))}", s["label"]),
                _p(shown, s["h3"]),
            ]
        ],
        colWidths=[WIDTH * 0.8, WIDTH * 0.2],
    )
    head.setStyle(
        TableStyle([("LINEABOVE", (0, 0), (-1, 0), 0.8, RULE), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    answer = (q.get("answer") or "").strip()
    if len(answer) > ANSWER_EXCERPT_CHARS:
        answer = answer[:ANSWER_EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
    parts: list[Any] = [head, _p(q.get("text", ""), s["h3"])]
    parts.append(_p(f"Answer: {answer}" if answer else "No answer was given.", s["body"]))
    if q.get("feedback"):
        parts.append(_p(f"Assessment: {q['feedback']}", s["body"]))
    for e in (q.get("evidence") or [])[:4]:
        point = f"{e.get('point')}: " if e.get("point") else ""
        parts.append(_p(f"{point}“{e.get('quote', '')}”", s["quote"]))
    missed = q.get("key_points_missed") or []
    if missed:
        parts.append(_p("Not covered: " + ", ".join(map(str, missed)), s["small"]))
    return [KeepTogether(parts[:3]), *parts[3:], Spacer(1, 6)]


def _flags(report: dict[str, Any], s: dict[str, ParagraphStyle]) -> list[Any]:
    attention = report.get("attention")
    parts: list[Any] = [
        _p("Integrity flags", s["h2"]),
        _p(
            "Signals for a human to review, never a verdict: a flag can have an innocent cause "
            "(lighting, a person passing by, a glance at notes). They are not part of the score "
            "unless the operator turned attention scoring on.",
            s["small"],
        ),
        Spacer(1, 4),
    ]
    if attention is None:
        return [*parts, _p("Not a video interview: no camera signals were measured.", s["body"])]
    flags = attention.get("flags") or []
    if not flags:
        return [*parts, _p("No flags were raised.", s["body"])]
    rows = [[_p("Flag", s["label"]), _p("From", s["label"]), _p("To", s["label"])]]
    rows += [
        [
            _p(_label(f.get("type")), s["body"]),
            _p(f"{f.get('start', 0):.0f} s", s["body"]),
            _p(f"{f.get('end', 0):.0f} s", s["body"]),
        ]
        for f in flags
    ]
    table = Table(rows, colWidths=[WIDTH * 0.5, WIDTH * 0.25, WIDTH * 0.25])
    table.setStyle(
        TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    return [KeepTogether([*parts, table])]


def _footer(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 7.5)
    canvas.setFillColor(MUTED)
    canvas.drawString(
        18 * mm,
        10 * mm,
        "Confidential · generated by Intervox · scores support, never replace, a human decision",
    )
    canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"page {doc.page}")
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(3)
    canvas.line(0, A4[1] - 2, A4[0], A4[1] - 2)
    canvas.restoreState()


def render_report_pdf(
    header: ReportHeader,
    report: dict[str, Any],
    attention_png: bytes | None = None,
    final_code: str | None = None,
) -> bytes:
    """The whole report as PDF bytes; a coding interview's pages print `final_code` too."""
    from orchestrator.report_pdf_coding import coding_story  # it builds on this module's parts

    s = _styles()
    story = _title_page(header, report, s)
    if report.get("questions") or attention_png is not None or not report.get("coding"):
        story.append(PageBreak())  # a coding interview's pages follow its short title page at once
    if attention_png is not None:
        story += [_p("Attention over the interview", s["h2"])]
        story.append(Image(io.BytesIO(attention_png), width=WIDTH, height=WIDTH * 0.42))
        story.append(Spacer(1, 8))
    if report.get("coding"):
        story += coding_story(report["coding"], s, final_code)
    if report.get("questions") or not report.get("coding"):
        story.append(_p("Questions and answers", s["h2"]))
    for q in report.get("questions", []):
        story += _question(q, s)
    strengths, weaknesses = report.get("strengths") or [], report.get("weaknesses") or []
    for title, items in (("Strengths", strengths), ("To probe further", weaknesses)):
        if items:
            story.append(_p(title, s["h2"]))
            story += [_p(f"• {i.get('text', i) if isinstance(i, dict) else i}", s["body"]) for i in items]
    if not report.get("coding") or report.get("attention") is not None:
        story += _flags(report, s)  # a coding interview's signals are on its own pages
    buffer = io.BytesIO()
    title = f"Interview report: {header.candidate}, {header.role}"
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Intervox",
    )
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()

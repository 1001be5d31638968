"""The PDF report's pages for a coding interview: what was measured on the final code
(correctness on the hidden tests, speed on the large inputs against the reference, the linter's
findings), the conversation, the final code itself, and the editor's integrity timeline as items
for a person to review, never a verdict."""

from __future__ import annotations

import json
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import KeepTogether, Preformatted, Spacer, Table, TableStyle

from orchestrator.coding_words import LANGUAGE_NAMES
from orchestrator.report_pdf import PANEL, RULE, WIDTH
from orchestrator.report_pdf import _label as label
from orchestrator.report_pdf import _p as p

CODE_LINES = 90  # the final code printed (the rest is in the API and the candidate's export)
ROWS = 30  # table rows at most (tests, findings, integrity events)


def coding_story(section: dict[str, Any], s: dict[str, ParagraphStyle], final_code: str | None) -> list[Any]:
    """The coding pages: the measures, the tests, the style findings, the code, the integrity timeline."""
    task = section.get("task") or {}
    score = section.get("score")
    story: list[Any] = [
        p("The coding task", s["h2"]),
        p(
            f"{task.get('title', '')} ({task.get('level', '')}), in "
            f"{LANGUAGE_NAMES.get(section.get('language') or '', section.get('language') or 'no language')}"
            + (f"; final code: version {section['version']}." if section.get("version") else "."),
            s["body"],
        ),
        Spacer(1, 6),
        _measures(section, s),
        Spacer(1, 4),
        p(
            "Score of the final code: "
            + (f"{score:.0f}/100" if isinstance(score, int | float) else "not measured")
            + " (60 % hidden tests passed, 25 % speed on the large inputs, 15 % linter findings).",
            s["small"],
        ),
    ]
    if section.get("note"):
        story.append(p(str(section["note"]).capitalize() + ".", s["small"]))
    parts = [_tests(section, s), _speed(section, s), _style(section, s), _conversation(section, s)]
    if final_code:
        parts.append(_code(final_code, s))
    story += [KeepTogether(part) for part in parts if part]  # a heading stays with what it heads
    return story + _integrity(section.get("integrity") or {}, s)


def _measures(section: dict[str, Any], s: dict[str, ParagraphStyle]) -> Table:
    correctness, speed = section.get("correctness") or {}, section.get("optimality") or {}
    style, runs = section.get("style") or {}, section.get("runs") or {}
    talked = section.get("soft_skills") or {}
    cells = [
        ("Hidden tests", f"{correctness['passed']} of {correctness['total']}" if correctness else "not run"),
        ("Large inputs", label(speed.get("verdict")) or "not judged"),
        ("Linter", f"{style.get('count', 0)} finding(s)" if style.get("available") else "not available"),
        ("Runs", f"{runs.get('count', 0)}"),
        ("Communication", f"{talked['score']:.0f}" if talked.get("score") is not None else "no conversation"),
    ]
    table = Table(
        [[p(name, s["label"]) for name, _ in cells], [p(value, s["h3"]) for _, value in cells]],
        colWidths=[WIDTH / len(cells)] * len(cells),
    )
    table.setStyle(
        TableStyle([("BACKGROUND", (0, 0), (-1, -1), PANEL), ("LEFTPADDING", (0, 0), (-1, -1), 6)])
    )
    return table


def _grid(rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=[WIDTH * w for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _short(value: Any, limit: int = 80) -> str:
    """A value as JSON (what the tests compare), cut to `limit` characters."""
    text = json.dumps(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tests(section: dict[str, Any], s: dict[str, ParagraphStyle]) -> list[Any]:
    hidden = (section.get("hidden") or {}).get("tests") or []
    if not hidden:
        return []
    rows = [[p(h, s["label"]) for h in ("Hidden test", "Passed", "Expected", "Got / error")]]
    for t in hidden[:ROWS]:
        got = str(t["error"])[:160] if t.get("error") else _short(t.get("actual"))
        rows.append(
            [
                p(t.get("name", ""), s["body"]),
                p("yes" if t.get("passed") else "no", s["body"]),
                p(_short(t.get("expected")), s["small"]),
                p(got, s["small"]),
            ]
        )
    return [p("Correctness: the hidden tests on the final code", s["h3"]), _grid(rows, [0.3, 0.1, 0.3, 0.3])]


def _speed(section: dict[str, Any], s: dict[str, ParagraphStyle]) -> list[Any]:
    speed = section.get("optimality") or {}
    tests = speed.get("tests") or []
    if not tests:
        return []
    rows = [[p(h, s["label"]) for h in ("Large input", "CPU ms", "Reference CPU ms", "Ratio", "Verdict")]]
    for t in tests:
        ratio = f"{t['ratio']}x" if t.get("ratio") is not None else "n/a"
        values = (t.get("name"), t.get("cpu_ms"), t.get("reference_cpu_ms"), ratio, label(t.get("verdict")))
        rows.append([p(v, s["body"]) for v in values])
    return [
        p(f"Optimality: the reference solution is {speed.get('reference_complexity', 'n/a')}", s["h3"]),
        _grid(rows, [0.34, 0.14, 0.2, 0.12, 0.2]),
        p(speed.get("method", ""), s["small"]),
    ]


def _style(section: dict[str, Any], s: dict[str, ParagraphStyle]) -> list[Any]:
    style = section.get("style") or {}
    findings = style.get("findings") or []
    parts: list[Any] = [p(f"Code style: {style.get('tool', 'linter')}", s["h3"])]
    if not style.get("available"):
        return [*parts, p(f"Not available here: {style.get('note') or 'no linter'}.", s["small"])]
    if not findings:
        return [*parts, p("No findings.", s["body"])]
    rows = [[p(h, s["label"]) for h in ("Line", "Rule", "Finding")]]
    rows += [
        [p(f.get("line", ""), s["body"]), p(f.get("rule", ""), s["body"]), p(f.get("message", ""), s["body"])]
        for f in findings[:ROWS]
    ]
    return [*parts, _grid(rows, [0.1, 0.16, 0.74])]


def _conversation(section: dict[str, Any], s: dict[str, ParagraphStyle]) -> list[Any]:
    talked = section.get("soft_skills") or {}
    if not talked.get("conversation"):
        return [p("The conversation", s["h3"]), p("No conversation was recorded.", s["body"])]
    seen = {
        "explained_approach": "talked the approach through",
        "discussed_complexity": "spoke about complexity",
        "discussed_edge_cases": "spoke about edge cases",
        "engaged": "took part in the conversation",
    }
    observed = [text for key, text in seen.items() if talked.get(key)] or ["none of the behaviours counted"]
    return [
        p("The conversation", s["h3"]),
        p(
            f"{talked.get('candidate_turns', 0)} turns, {talked.get('candidate_words', 0)} words, "
            f"{talked.get('questions_asked', 0)} question(s) asked. Observed: {', '.join(observed)}.",
            s["body"],
        ),
        p(talked.get("method", ""), s["small"]),
    ]


def _code(code: str, s: dict[str, ParagraphStyle]) -> list[Any]:
    lines = code.splitlines()
    shown = "\n".join(f"{i + 1:>3}  {line[:110]}" for i, line in enumerate(lines[:CODE_LINES]))
    if len(lines) > CODE_LINES:
        shown += f"\n     … {len(lines) - CODE_LINES} more lines"
    mono = ParagraphStyle("code", parent=s["body"], fontName="Courier", fontSize=7.5, leading=9.5)
    return [p("The final code", s["h3"]), Preformatted(shown, mono), Spacer(1, 6)]


def _integrity(summary: dict[str, Any], s: dict[str, ParagraphStyle]) -> list[Any]:
    parts: list[Any] = [
        p("Integrity signals from the editor", s["h2"]),
        p(
            (summary.get("note") or "Signals for a person to review; never a verdict.")
            + " Times are from the start of the interview.",
            s["small"],
        ),
        Spacer(1, 4),
    ]
    timeline = summary.get("timeline") or []
    if not timeline:
        return [KeepTogether([*parts, p("The editor reported nothing.", s["body"])])]
    parts += [p(f"• {o}", s["body"]) for o in summary.get("observations") or []]
    rows = [[p(h, s["label"]) for h in ("At", "Signal", "Details")]]
    for e in timeline[:ROWS]:
        t = int(e.get("t") or 0)
        details = ", ".join(f"{k}: {v}" for k, v in (e.get("details") or {}).items())
        rows.append(
            [
                p(f"{t // 60}:{t % 60:02d}", s["body"]),
                p(label(e.get("type")), s["body"]),
                p(details, s["small"]),
            ]
        )
    if len(timeline) > ROWS:
        rows.append([p("…", s["body"]), p(f"{len(timeline) - ROWS} more", s["small"]), p("", s["small"])])
    return [*parts, Spacer(1, 4), _grid(rows, [0.12, 0.22, 0.66])]

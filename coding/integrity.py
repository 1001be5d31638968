"""What the editor page reported (big pastes, copies from the statement, tab switches, focus
lost, devtools opened), summed up for a person to review. Signals, never a verdict: nothing
here changes a score or a recommendation."""

from __future__ import annotations

from collections import Counter
from typing import Any

TYPES = ("paste", "copy", "tab_switch", "focus_loss", "devtools")
LARGE_PASTE_CHARS = 200  # a paste this long is listed on its own
NOTE = (
    "Signals from the candidate's browser for a person to review with the code's version history; "
    "they have innocent explanations (pasting their own earlier code, a notification), so they are "
    "not a verdict and are not part of any score."
)


def _number(details: dict[str, Any], key: str) -> float:
    value = details.get(key)
    return float(value) if isinstance(value, int | float) and value >= 0 else 0.0


def _clock(t: float) -> str:
    whole = max(0, int(t))
    return f"{whole // 60}:{whole % 60:02d}"


def summarise(events: list[dict[str, Any]], final_code_chars: int = 0) -> dict[str, Any]:
    """Counts, the large pastes, time away from the page, observations in words, the timeline."""
    counts = Counter(e["type"] for e in events)
    pastes = [e for e in events if e["type"] == "paste"]
    pasted = sum(_number(e["details"], "chars") for e in pastes)
    large = [
        {"t": e["t"], "chars": int(_number(e["details"], "chars"))}
        for e in pastes
        if _number(e["details"], "chars") >= LARGE_PASTE_CHARS
    ]
    away_s = sum(
        _number(e["details"], "duration_ms") for e in events if e["type"] in ("tab_switch", "focus_loss")
    )
    from_statement = sum(
        1 for e in events if e["type"] == "copy" and e["details"].get("source") == "statement"
    )
    observations = []
    if large:
        biggest = max(large, key=lambda p: p["chars"])
        observations.append(
            f"{len(large)} paste(s) of {LARGE_PASTE_CHARS}+ characters; the largest, {biggest['chars']} "
            f"characters, at {_clock(biggest['t'])}"
        )
    if final_code_chars and pasted:
        share = min(100, round(100 * pasted / final_code_chars))
        observations.append(f"pasted text adds up to {share} % of the final code's length")
    if from_statement:
        observations.append(f"copied from the statement {from_statement} time(s)")
    if counts["tab_switch"] or counts["focus_loss"]:
        left = counts["tab_switch"] + counts["focus_loss"]
        observations.append(f"left the page {left} time(s), {away_s / 1000:.0f} s in all")
    if counts["devtools"]:
        observations.append(f"developer tools opened {counts['devtools']} time(s)")
    return {
        "counts": {kind: counts.get(kind, 0) for kind in TYPES},
        "large_pastes": large,
        "pasted_chars": int(pasted),
        "time_away_s": round(away_s / 1000, 1),
        "observations": observations,
        "timeline": events,
        "note": NOTE,
    }

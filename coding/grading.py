"""The report's coding section, written when a coding interview ends: the hidden tests on the
final code (correctness), its CPU time on the large inputs against the reference solution's,
measured the same way on the same machine just before (optimality), a real linter's findings
(style), what the conversation shows (soft skills), and the integrity timeline; texts for the
candidate (no scores) and for the recruiter."""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from coding import integrity
from coding.lint import LintOptions, lint, style_score
from coding.queue import RunQueue
from coding.results import judge
from coding.runs import expectations, make_job
from coding.sandbox import Language, Limits
from coding.tasks.model import Task, TestCase
from store.models import CodeRunRow, CodeVersionRow

WEIGHTS = {"correctness": 0.6, "optimality": 0.25, "style": 0.15}
OPTIMAL_RATIO, SLOWER_RATIO = 3.0, 10.0  # CPU time against the reference's, on the large inputs
VERDICT_POINTS = {"optimal": 1.0, "slower": 0.5, "too_slow": 0.0, "not_judged": 0.0}
COMPLEXITY_WORDS = ("o(", "complexity", "linear", "logarithmic", "quadratic", "big o", "n log n", "o of n")
EDGE_CASE_WORDS = (
    "edge case",
    "corner case",
    "empty",
    "negative",
    "duplicate",
    "single",
    "zero",
    "null",
    "none",
    "boundary",
    "overflow",
    "only one",
)
# the conversation's share of soft skills: each observed behaviour counts equally
SOFT_SKILL_PARTS = ("explained_approach", "discussed_complexity", "discussed_edge_cases", "engaged")
EXPLAINED_WORDS = 40  # words said in all: the candidate talked their approach through
ENGAGED_TURNS = 3  # turns, or a question asked: the candidate took part in a conversation
# (speaker, text, start, end) of each transcript segment
Segment = tuple[str, str, float, float]


@dataclass(frozen=True)
class GradeInputs:
    task: Task
    version: CodeVersionRow | None  # the final code (the last saved version)
    runs: list[CodeRunRow]  # the candidate's runs of the visible tests
    integrity_events: list[dict[str, Any]]
    transcript: list[Segment]
    started_at: datetime | None


async def grade(
    inputs: GradeInputs, queue: RunQueue | None, limits: Limits, lint_options: LintOptions
) -> dict[str, Any]:
    task, version = inputs.task, inputs.version
    section: dict[str, Any] = {
        "task": {
            "id": task.id,
            "title": task.title,
            "level": task.level,
            "complexity": task.complexity.model_dump(),
        },
        "language": version.language if version else None,
        "submitted": version is not None,
        "version": version.version if version else None,
        "saved_at": version.saved_at.isoformat() if version else None,
        "runs": _runs(inputs.runs, inputs.started_at),
        "hidden": None,
        "correctness": None,
        "optimality": None,
        "style": None,
        "soft_skills": soft_skills(inputs.transcript),
        "integrity": integrity.summarise(inputs.integrity_events, len(version.code) if version else 0),
        "weights": WEIGHTS,
        "note": None,
    }
    if version is None:
        section["note"] = "no code was saved"
    elif queue is None:
        section["note"] = "the sandbox was not available at the end: the hidden tests did not run"
    else:
        language: Language = version.language  # type: ignore[assignment]
        hidden = await _hidden(queue, task, language, version.code, limits)
        speed = await _optimality(queue, task, language, version.code, limits)  # one run at a time
        section["hidden"], section["optimality"] = hidden, speed
        section["correctness"] = _correctness(hidden, speed)
    if version is not None:
        found = await asyncio.to_thread(lint, version.language, version.code, lint_options)  # type: ignore[arg-type]
        section["style"] = {**found, "score": style_score(found)}
    section["score"] = _score(section)
    section["feedback"] = {"candidate": candidate_text(section), "recruiter": recruiter_text(section)}
    return section


async def _hidden(
    queue: RunQueue, task: Task, language: Language, code: str, limits: Limits
) -> dict[str, Any]:
    """The small hidden tests in one run (shown to recruiters with their answers)."""
    small = [t for t in task.hidden_tests if not t.large]
    job = await make_job(task, language, code, small, limits)
    outcome = await queue.run(job, urgent=True)
    return await asyncio.to_thread(judge, outcome, expectations(small, True), limits, task.compare)


async def _optimality(
    queue: RunQueue, task: Task, language: Language, code: str, limits: Limits
) -> dict[str, Any]:
    """Each large input: the reference first, then the candidate with a time limit of ten times
    the reference's (at least 1 s of CPU); the ratio of their CPU times, as the kernel counted."""
    tests = [await _one_large(queue, task, language, code, test, limits) for test in task.large_tests]
    verdicts = [t["verdict"] for t in tests]
    worst = max(verdicts, key=lambda v: list(VERDICT_POINTS).index(v)) if verdicts else "not_judged"
    return {
        "verdict": worst,
        "points": round(sum(VERDICT_POINTS[v] for v in verdicts) / len(verdicts), 2) if verdicts else None,
        "reference_complexity": task.complexity.time,
        "tests": tests,
        "method": "CPU time of the whole run (interpreter start included) against the reference "
        f"solution's, measured just before on the same input: up to {OPTIMAL_RATIO:g}x is optimal, "
        f"up to {SLOWER_RATIO:g}x slower; past that, or out of time, too slow",
    }


async def _one_large(
    queue: RunQueue, task: Task, language: Language, code: str, test: TestCase, limits: Limits
) -> dict[str, Any]:
    reference_job = await make_job(task, language, task.reference[language], [test], limits)
    reference = await queue.run(reference_job, urgent=True)
    cpu_s = max(1, min(limits.cpu_s, math.ceil(SLOWER_RATIO * reference.cpu_ms / 1000)))
    wall_s = min(limits.wall_s, max(2.0, SLOWER_RATIO * reference.wall_ms / 1000 + 1.0))
    bounded = Limits(**{**limits.__dict__, "cpu_s": cpu_s, "wall_s": wall_s})
    job = await make_job(task, language, code, [test], bounded)
    outcome = await queue.run(job, urgent=True)
    result = await asyncio.to_thread(judge, outcome, expectations([test], True), bounded, task.compare)
    ratio = round(outcome.cpu_ms / reference.cpu_ms, 2) if reference.cpu_ms > 0 else None
    if result["status"] == "timeout" or (ratio is not None and ratio > SLOWER_RATIO):
        verdict = "too_slow"
    elif result["status"] != "passed":
        verdict = "not_judged"
    else:
        verdict = "optimal" if ratio is not None and ratio <= OPTIMAL_RATIO else "slower"
    return {
        "name": test.name,
        "status": result["status"],
        "passed": result["status"] == "passed",
        "error": result["tests"][0]["error"] if result["tests"] else None,
        "cpu_ms": outcome.cpu_ms,
        "wall_ms": outcome.wall_ms,
        "memory_kb": outcome.memory_kb,
        "reference_cpu_ms": reference.cpu_ms,
        "reference_memory_kb": reference.memory_kb,
        "ratio": ratio,
        "time_limit_s": cpu_s,
        "verdict": verdict,
    }


def _correctness(hidden: dict[str, Any], speed: dict[str, Any]) -> dict[str, Any]:
    passed = sum(t["passed"] for t in hidden["tests"]) + sum(t["passed"] for t in speed["tests"])
    total = len(hidden["tests"]) + len(speed["tests"])
    timed_out = sum(t["status"] == "timeout" for t in speed["tests"])
    return {
        "passed": passed,
        "total": total,
        "share": round(passed / total, 3) if total else 0.0,
        "timed_out": timed_out,
    }


def _score(section: dict[str, Any]) -> float | None:
    """0-100: the weighted mean of what was measured (see `weights`)."""
    if not section["submitted"] or section["correctness"] is None:
        return 0.0 if not section["submitted"] else None
    parts = {"correctness": section["correctness"]["share"], "optimality": section["optimality"]["points"]}
    parts["style"] = (section["style"] or {}).get("score")
    measured = {k: v for k, v in parts.items() if v is not None}
    total = sum(WEIGHTS[k] for k in measured)
    return round(100 * sum(WEIGHTS[k] * v for k, v in measured.items()) / total, 1) if total else None


def _runs(runs: list[CodeRunRow], started_at: datetime | None) -> dict[str, Any]:
    first_pass = next((r for r in runs if r.status == "passed"), None)
    since_start = None
    if first_pass is not None and started_at is not None:
        start = started_at if started_at.tzinfo else started_at.replace(tzinfo=first_pass.created_at.tzinfo)
        created = (
            first_pass.created_at
            if first_pass.created_at.tzinfo
            else first_pass.created_at.replace(tzinfo=start.tzinfo)
        )
        since_start = round((created - start).total_seconds(), 1)
    return {
        "count": len(runs),
        "statuses": {s: sum(r.status == s for r in runs) for s in dict.fromkeys(r.status for r in runs)},
        "first_passed_after_s": since_start,
    }


def soft_skills(transcript: list[Segment]) -> dict[str, Any]:
    """What the conversation shows: how much the candidate talked the problem through, whether they
    asked questions and spoke about complexity (counts for a person to read, not a score)."""
    said = [(text, start, end) for speaker, text, start, end in transcript if speaker == "candidate"]
    words = sum(len(text.split()) for text, _, _ in said)
    seconds = sum(max(0.0, end - start) for _, start, end in said)
    lowered = " ".join(text.lower() for text, _, _ in said)
    questions = sum(text.strip().endswith("?") for text, _, _ in said)
    observed = {
        "explained_approach": words >= EXPLAINED_WORDS,
        "discussed_complexity": any(word in lowered for word in COMPLEXITY_WORDS),
        "discussed_edge_cases": any(word in lowered for word in EDGE_CASE_WORDS),
        "engaged": len(said) >= ENGAGED_TURNS or questions > 0,
    }
    return {
        "conversation": bool(said),
        "candidate_turns": len(said),
        "candidate_words": words,
        "words_per_minute": round(60 * words / seconds) if seconds > 1 else None,
        "questions_asked": questions,
        **observed,
        # 0-100, the report's communication dimension: a rough count of what was observed, for a
        # person to check against the transcript; None without a conversation (nothing measured)
        "score": round(100 * sum(observed.values()) / len(observed), 1) if said else None,
        "method": f"25 points each: talked the approach through ({EXPLAINED_WORDS}+ words), spoke about "
        f"complexity, spoke about edge cases, took part ({ENGAGED_TURNS}+ turns or a question)",
        "note": None if said else "no conversation was recorded in this interview",
    }


def candidate_text(section: dict[str, Any]) -> str:
    """Kind, specific and without scores or a verdict."""
    title = section["task"]["title"]
    if not section["submitted"]:
        return f"Thank you for your time on “{title}”. No code was saved, so there is nothing to comment on."
    parts = [f"Thank you for solving “{title}”."]
    correctness = section["correctness"]
    if correctness is not None:
        share = correctness["share"]
        if share == 1:
            parts.append("Your final code handled all of our hidden test cases.")
        elif share >= 0.6:
            parts.append(
                "Your final code handled most of our hidden test cases; check the edge cases "
                "(empty input, repeats, negative numbers)."
            )
        else:
            parts.append("Several of our hidden test cases did not pass: test your code on edge cases.")
    speed = section["optimality"]
    if speed and speed["verdict"] in ("slower", "too_slow"):
        parts.append(
            "On the largest inputs it was slower than it could be: look for an approach in "
            f"{speed['reference_complexity']}."
        )
    elif speed and speed["verdict"] == "optimal":
        parts.append("On the largest inputs it was as fast as we hoped.")
    style = section["style"] or {}
    rules = list(dict.fromkeys(f["message"] for f in style.get("findings", [])))[:2]
    if rules:
        parts.append("The linter suggested: " + "; ".join(rules) + ".")
    return " ".join(parts)


def recruiter_text(section: dict[str, Any]) -> str:
    if not section["submitted"]:
        return "No code was saved: nothing to grade."
    parts = [f"Final code: version {section['version']} in {section['language']}."]
    correctness = section["correctness"]
    if correctness is not None:
        parts.append(
            f"Hidden tests: {correctness['passed']}/{correctness['total']} passed"
            + (f" ({correctness['timed_out']} out of time)." if correctness["timed_out"] else ".")
        )
    speed = section["optimality"]
    if speed and speed["tests"]:
        ratios = ", ".join(f"{t['ratio']}x" if t["ratio"] is not None else "n/a" for t in speed["tests"])
        parts.append(
            f"Large inputs: {speed['verdict'].replace('_', ' ')} (CPU time against the reference's "
            f"{speed['reference_complexity']} solution: {ratios})."
        )
    style = section["style"] or {}
    if style.get("available"):
        parts.append(f"{style['tool']}: {style.get('count', 0)} finding(s).")
    signals = section["integrity"]["observations"]
    if signals:
        parts.append("For review (not a verdict): " + "; ".join(signals) + ".")
    if section.get("note"):
        parts.append(section["note"].capitalize() + ".")
    return " ".join(parts)

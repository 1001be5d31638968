"""End-of-interview grading by an LLM (any OpenAI-compatible endpoint), checked against the transcript.

The model proposes dimension scores, covered key points and quotes; this module keeps only key
points from the question's list, only quotes found verbatim in the answer (timed from the spans),
and computes the score itself from the section's rubric weights. A question whose LLM grade fails
gets None, and the caller grades it by rules. The prompt carries the question, its key points and
the answer, with self-introductions dropped and the candidate's name masked: nothing about who
the candidate is.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, create_model

from llm import LlmClient, LlmError
from orchestrator.grading import AnswerSpan, Evidence, Grade, Section
from orchestrator.grading.dimensions import WEIGHTS
from orchestrator.grading.spans import clause_times
from orchestrator.grading.text import Clause, clauses_of, is_non_answer, is_self_intro
from orchestrator.llm_interviewer import load_prompt, name_pattern
from orchestrator.report import answer_spans, asked_question, key_points, section_of
from store.models import QuestionRow, SegmentRow

log = logging.getLogger(__name__)

StarPart = Literal["situation", "task", "action", "result"]
FallbackListener = Callable[[str, str], None]  # (step, reason)
MAX_ANSWER_CHARS = 6000
MAX_FEEDBACK_CHARS = 500
MIN_QUOTE_CHARS = 4
CONCURRENCY = 3
# feedback the candidate reads never carries a score (the rules grader's promise too)
_SCORE_TALK = re.compile(r"\b\d+(?:\.\d+)?\s*(?:/|out of)\s*10\b|\bscor(?:e|ed|ing)\b", re.I)
_QUOTE_TRIM = " \t\r\n.,;:!?\"'“”‘’…"


class EvidenceOut(BaseModel):
    point: str
    quote: str


class GradeOutBase(BaseModel):
    """What the model returns, whatever the section; the dimensions are added per section."""

    dimensions: BaseModel  # replaced per section by a model with the rubric's dimension names
    score: Any = None  # the model's own judgement, asked for but never used (the rubric decides)
    covered: list[str] = Field(default_factory=list)
    missed: list[str] = Field(default_factory=list)
    evidence: list[EvidenceOut] = Field(default_factory=list)
    star_parts: list[StarPart] = Field(default_factory=list)
    feedback: str = ""


@lru_cache(maxsize=4)
def grade_schema(section: Section) -> type[GradeOutBase]:
    """The JSON schema for a section: its rubric dimensions by name, each a number."""
    fields: dict[str, Any] = {name: (float, ...) for name in WEIGHTS[section]}
    dims = create_model(f"{section.capitalize()}Dimensions", **fields)
    model: type[GradeOutBase] = create_model(
        f"{section.capitalize()}GradeOut", __base__=GradeOutBase, dimensions=(dims, ...)
    )
    return model


@dataclass(frozen=True)
class _Answer:
    """The answer as the model sees it, with each character's place in the candidate's spans."""

    text: str
    places: list[tuple[int, int]]  # (span index, character index in that span's text)


def _answer_for_model(spans: Sequence[AnswerSpan], names: Sequence[str]) -> _Answer:
    """The spans joined, without self-introductions and with the candidate's name masked."""
    name_re = name_pattern(names)
    chars: list[str] = []
    places: list[tuple[int, int]] = []
    for index, span in enumerate(spans):
        dropped = {
            i
            for c in clauses_of(index, span.text)
            if is_self_intro(c.text)
            for i in range(c.start_char, c.end_char)
        }
        masks = {m.start(): m.end() for m in name_re.finditer(span.text)} if name_re else {}
        if chars and len(dropped) < len(span.text):
            chars.append(" ")
            places.append((index, 0))
        offset = 0
        while offset < len(span.text):
            if offset in dropped:
                offset += 1
            elif offset in masks:
                chars.extend("[name]")
                places.extend([(index, offset)] * len("[name]"))
                offset = masks[offset]
            else:
                chars.append(span.text[offset])
                places.append((index, offset))
                offset += 1
    return _Answer("".join(chars), places)


def _normalised(text: str) -> tuple[str, list[int]]:
    """Lower case with whitespace runs as one space, and each character's index in `text`."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                index.append(i)
            continue
        for low in ch.lower():  # a few characters lower-case to two
            out.append(low)
            index.append(i)
    return "".join(out), index


def find_quote(answer: _Answer, spans: Sequence[AnswerSpan], quote: str) -> Evidence | None:
    """The quote as said (from the answer, not the model's copy) with its times, or None if not said."""
    wanted, _ = _normalised(quote.strip(_QUOTE_TRIM))
    if len(wanted.replace(" ", "")) < MIN_QUOTE_CHARS:
        return None
    haystack, index = _normalised(answer.text)
    at = haystack.find(wanted)
    if at < 0:
        return None
    first, last = index[at], index[at + len(wanted) - 1]
    start_span, start_char = answer.places[first]
    end_span, end_char = answer.places[last]
    if start_span == end_span:
        start, end = _times(spans, start_span, start_char, end_char + 1)
    else:  # the quote runs over from one stretch of speech into the next
        start, _ = _times(spans, start_span, start_char, len(spans[start_span].text))
        _, end = _times(spans, end_span, 0, end_char + 1)
    return Evidence("", answer.text[first : last + 1], start, end)


def _times(spans: Sequence[AnswerSpan], span_index: int, start: int, end: int) -> tuple[float, float]:
    """Times of characters [start, end) of one span."""
    span = spans[span_index]
    stop = max(end, start + 1)
    return clause_times(span, Clause(span_index, span.text[start:stop], start, stop))


def checked_grade(
    out: GradeOutBase, section: Section, points: list[str], answer: _Answer, spans: Sequence[AnswerSpan]
) -> Grade:
    """The model's proposal kept only where the transcript and the key-point list bear it out."""
    weights = dict(WEIGHTS[section])
    raw = out.dimensions.model_dump()
    dims = {name: round(min(10.0, max(0.0, float(raw[name]))), 1) for name in weights}
    by_name = {p.casefold().strip(): p for p in points}
    claimed = {by_name[c.casefold().strip()] for c in out.covered if c.casefold().strip() in by_name}
    evidence: list[Evidence] = []
    for item in out.evidence:
        point = by_name.get(item.point.casefold().strip())
        if point is None or point not in claimed or any(e.point == point for e in evidence):
            continue
        found = find_quote(answer, spans, item.quote)
        if found is not None:
            evidence.append(Evidence(point, found.quote, found.start, found.end))
    # a covered point is one the answer can be quoted for, as with the rules grader
    covered = [p for p in points if any(e.point == p for e in evidence)]
    missed = [p for p in points if p not in covered]
    if "coverage" in dims:  # derived from the checked points, not the model's own figure
        dims["coverage"] = round(10 * len(covered) / len(points), 1) if points else 0.0
    score = round(sum(weights[d] * dims[d] for d in weights) / sum(weights.values()), 1)
    return Grade(
        status="scored",
        score=score,
        dimensions=dims,
        covered=covered,
        missed=missed,
        evidence=evidence,
        feedback=_feedback(out.feedback),
        method="llm",
        weights=weights,
        star_parts=list(dict.fromkeys(out.star_parts)) if section == "behavioural" else [],
    )


def _feedback(text: str) -> str:
    """The model's feedback without any sentence that talks about a score."""
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    kept = " ".join(s for s in sentences if s and not _SCORE_TALK.search(s))
    return kept[:MAX_FEEDBACK_CHARS].strip() or "See the key points covered and missed for what to add."


def _prompt(q: QuestionRow, section: Section, answer: str) -> str:
    points = key_points(q)
    listed = (
        "\n".join(f"- {p.point}: {p.description}" if p.description else f"- {p.point}" for p in points)
        or "- (none given: judge against the question)"
    )
    star = (
        '\n- "star_parts": which parts of a situation-task-action-result story the answer has.'
        if section == "behavioural"
        else ""
    )
    return load_prompt("grade").text.format(
        section=section,
        question=q.text,
        key_points=listed,
        dimensions=", ".join(WEIGHTS[section]),
        dimension_keys=", ".join(f'"{d}": 0-10' for d in WEIGHTS[section]),
        answer=answer[-MAX_ANSWER_CHARS:],
        star=star,
    )


async def grade_one(
    client: LlmClient,
    q: QuestionRow,
    spans: Sequence[AnswerSpan],
    timeout_s: float,
    names: Sequence[str] = (),
) -> Grade:
    """One question's LLM grade, checked; LlmError (or ValidationError) when the model fails."""
    section = section_of(q)
    answer = _answer_for_model(spans, names)
    schema = grade_schema(section)
    out = await client.complete_json(
        [{"role": "system", "content": _prompt(q, section, answer.text)}],
        schema,
        name="answer_grade",
        timeout_s=timeout_s,
    )
    return checked_grade(out, section, [p.point for p in key_points(q)], answer, spans)


def gradable(q: QuestionRow, segments: Sequence[SegmentRow]) -> list[AnswerSpan] | None:
    """The answer spans of an asked, answered question not skipped; None for any other question."""
    if q.skipped or not asked_question(q, segments):
        return None
    spans = answer_spans(q.question_id, segments)
    text = " ".join(
        c.text for i, s in enumerate(spans) for c in clauses_of(i, s.text) if not is_self_intro(c.text)
    )
    return spans if spans and not is_non_answer(text) else None


async def llm_grades(
    client: LlmClient,
    questions: Sequence[QuestionRow],
    segments: Sequence[SegmentRow],
    timeout_s: float,
    *,
    names: Sequence[str] = (),
    on_fallback: FallbackListener | None = None,
    concurrency: int = CONCURRENCY,
) -> dict[str, Grade | None]:
    """LLM grades of the answered questions, a few at a time; None where the model failed.

    Questions not asked, skipped or not answered are left out: rules grade them, as always."""
    limit = asyncio.Semaphore(concurrency)

    async def one(q: QuestionRow, spans: list[AnswerSpan]) -> Grade | None:
        async with limit:
            try:
                return await grade_one(client, q, spans, timeout_s, names)
            except (LlmError, ValidationError, ValueError, KeyError, TimeoutError) as exc:
                reason = f"{type(exc).__name__}: {exc}"[:200]
                log.warning("LLM grading fell back to rules for %s (%s)", q.question_id, reason)
                if on_fallback is not None:
                    on_fallback(f"grade:{q.question_id}", reason)
                return None

    todo = [(q, spans) for q in questions if (spans := gradable(q, segments)) is not None]
    results = await asyncio.gather(*(one(q, spans) for q, spans in todo))
    return {q.question_id: g for (q, _), g in zip(todo, results, strict=True)}


class LlmGrader:
    """`llm_grades` bound to a client and a per-question time budget, for an interview's record."""

    def __init__(self, client: LlmClient, timeout_s: float) -> None:
        self.client, self.timeout_s = client, timeout_s

    async def __call__(
        self,
        questions: Sequence[QuestionRow],
        segments: Sequence[SegmentRow],
        names: Sequence[str] = (),
        on_fallback: FallbackListener | None = None,
    ) -> dict[str, Grade | None]:
        """The LLM grades of an interview's answered questions (None where rules must grade)."""
        return await llm_grades(
            self.client, questions, segments, self.timeout_s, names=names, on_fallback=on_fallback
        )

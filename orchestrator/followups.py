"""Which follow-up a good interviewer would ask, and why (rules).

Reasons: `vague` (hedges, nothing specific), `missing_point` (a key point of the
question not touched), `probe_claim` ("I led...", a number worth checking),
`star_incomplete` (a behavioural answer without its situation, task, action or
result) and `clarify` (too short to understand). The time budget always wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

FollowupReason = Literal["vague", "missing_point", "probe_claim", "star_incomplete", "clarify"]
StarPart = Literal["situation", "task", "action", "result"]

HEDGES = re.compile(
    r"\b(maybe|perhaps|probably|i guess|i think|i suppose|kind of|sort of|not sure|it depends|"
    r"something like|stuff like that|and so on|etc|whatever|more or less)\b"
)
SPECIFICS = re.compile(
    r"\b(for example|for instance|once|in my (last|previous|current) (job|role|team|company)|"
    r"at my|we had|i had|last year|\d+)\b|%"
)
DONT_KNOW = re.compile(r"\b(i don'?t know|no idea|not sure at all|pass|skip( this| that)?|can'?t remember)\b")
CLAIM = re.compile(
    r"\b(i|we) (led|lead|designed|architected|built|created|owned|founded|drove|launched|scaled|"
    r"reduced|increased|improved|cut|saved|doubled|tripled|migrated|rewrote)\b[^.!?]*"
)
ABOUT_A_TIME = re.compile(
    r"\b(tell me about a time|describe a (time|situation)|give me an example of a time|when have you|"
    r"a time when|a situation where)\b"
)
NUMBER_CLAIM = re.compile(
    r"[^.!?]*\b\d+(\.\d+)?\s*(%|percent|x\b|times|users|customers|requests|ms\b)[^.!?]*"
)
STAR: dict[StarPart, re.Pattern[str]] = {
    "situation": re.compile(
        r"\b(when i was|at my (last|previous|current)|we had|there was|there were|in 20\d\d|"
        r"our (team|company|product|project)|the project|a customer|once)\b"
    ),
    "task": re.compile(
        r"\b(i was (responsible|asked|tasked|supposed)|my (role|job|task|goal|responsibility) was|"
        r"we needed to|i needed to|i had to|the goal was|we had to)\b"
    ),
    "action": re.compile(
        r"\bi (\w+ed|did|made|wrote|set up|took|ran|built|spoke|met|went|chose|put|found|got|"
        r"brought|sat down|began|gave|led|drove|split|broke)\b"
    ),
    "result": re.compile(
        r"\b(as a result|in the end|the result|resulted|outcome|we (reduced|cut|increased|improved|"
        r"saved|shipped|launched|delivered|fixed|finished|hit|met)|after that|since then|"
        r"i learned|lesson)\b|\d+\s*(%|percent)"
    ),
}


@dataclass(frozen=True)
class FollowupChoice:
    reason: FollowupReason
    point: str | None = None  # the key point missed (missing_point)
    claim: str | None = None  # the candidate's own words worth probing (probe_claim)
    part: StarPart | None = None  # the STAR part missing (star_incomplete)


def star_parts(answer: str) -> list[StarPart]:
    """Which of situation, task, action, result an answer shows."""
    said = answer.lower()
    return [part for part, pattern in STAR.items() if pattern.search(said)]


def is_vague(answer: str) -> bool:
    said = answer.lower()
    hedges = len(HEDGES.findall(said))
    words = len(said.split())
    return (hedges >= 2 or (words < 25 and hedges >= 1)) and not SPECIFICS.search(said)


def claim_in(answer: str) -> str | None:
    """The first claim worth probing, in the candidate's own words."""
    said = answer.lower()
    found = CLAIM.search(said) or NUMBER_CLAIM.search(said)
    return found.group(0).strip(" ,;") if found else None


def choose_followup(
    answer: str,
    question: str,
    section: str,
    missed: Sequence[str],
    coverage: float,
    asked_before: Sequence[str],
    followups_left: int,
    seconds_left: float,
) -> FollowupChoice | None:
    """The follow-up to ask now, or None to move on. Never the same reason twice for one
    question; none when the budget of follow-ups or time is spent."""
    said = answer.lower().strip()
    if followups_left <= 0 or seconds_left < 60 or not said or DONT_KNOW.search(said):
        return None
    options: list[FollowupChoice] = []
    if len(said.split()) <= 4:
        options.append(FollowupChoice("clarify"))
    if section == "behavioural" and ABOUT_A_TIME.search(question.lower()):
        parts = star_parts(said)
        missing = [p for p in ("result", "action", "situation", "task") if p not in parts]
        if missing and len(parts) < 4:
            options.append(FollowupChoice("star_incomplete", part=missing[0]))  # type: ignore[arg-type]
    if is_vague(said):
        options.append(FollowupChoice("vague"))
    if section == "technical" and missed and coverage < 0.67:
        options.append(FollowupChoice("missing_point", point=missed[0]))
    claim = claim_in(said)
    if claim:
        options.append(FollowupChoice("probe_claim", claim=claim))
    for option in options:
        if option.reason not in asked_before:
            return option
    return None

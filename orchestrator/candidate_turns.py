"""When the candidate asks something instead of answering: how long is left, what the
question means, what the team does, or to move on. These are answered, not scored."""

from __future__ import annotations

import re
from typing import Literal

CandidateAsk = Literal["repeat", "time_left", "clarify", "about_role", "skip"]

PATTERNS: tuple[tuple[CandidateAsk, re.Pattern[str]], ...] = (
    (
        "repeat",
        re.compile(
            r"\b(repeat (the|that)|say (that|it) again|could you repeat|can you repeat|pardon|"
            r"didn'?t (catch|hear)|one more time)\b"
        ),
    ),
    (
        "time_left",
        re.compile(
            r"\b(how (long|much time)( do (i|we) have| is)? (left|remaining)|how much time (do|is)|"
            r"how many (more )?(questions|minutes))\b"
        ),
    ),
    (
        "clarify",
        re.compile(
            r"\b((can|could) you (clarify|explain|rephrase)|what do you mean|"
            r"i don'?t understand the question|"
            r"what exactly (do|are) you (mean|asking)|what is the question)\b"
        ),
    ),
    (
        "skip",
        re.compile(
            r"\b((can|could) we (skip|move on)|let'?s (skip|move on)|next question,? please|"
            r"i'?d (rather|like to) skip)\b"
        ),
    ),
    (
        "about_role",
        re.compile(
            r"\b(what (does|do|will) (the|your) (team|company|role)|"
            r"tell me (more )?about the (team|role|company)|what('?s| is) the (tech )?stack|"
            r"what (would|will) i (be )?work(ing)? on|who would i work with)\b"
        ),
    ),
)
STOPWORDS = set(
    "the a an and or of to in on for with what does do is are you your we our i me my it this that".split()
)


def classify(text: str) -> CandidateAsk | None:
    """What the candidate asked, for short turns that are requests rather than answers."""
    said = text.lower().strip()
    if not said or len(said.split()) > 25:
        return None
    for kind, pattern in PATTERNS:
        if pattern.search(said):
            return kind
    return None


def answer_about_role(question: str, job_description: str) -> str:
    """The job description's sentences closest to what was asked (rules, no LLM)."""
    sentences = [
        s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", job_description or "") if len(s.split()) >= 4
    ]
    if not sentences:
        return "That's a good question for the recruiting team; I don't have those details here."
    asked = {w for w in re.findall(r"[a-z]+", question.lower()) if w not in STOPWORDS}
    ranked = sorted(sentences, key=lambda s: -len(asked & set(re.findall(r"[a-z]+", s.lower()))))
    return "Good question. From the job description: " + " ".join(ranked[:2])

"""Text signals for grading: clauses with offsets, fillers, bare keyword lists, explanation markers."""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# a clause boundary: ";" or ":" or a comma before a word that starts a new idea
CLAUSE_BREAK = re.compile(
    r";\s+|:\s+|,\s+(?=(?:and|but|so|then|which|because|since|while|when|after|once|otherwise)\b)", re.I
)
FILLERS = frozenset({"um", "uh", "er", "erm", "hmm", "uhm", "mm", "basically", "like", "actually", "okay"})
FILLER_PHRASES = ("you know", "i mean", "sort of", "kind of")
FUNCTION_WORDS = frozenset(
    "a an the to of in on at for with by from into about as is are was were be been being am do does did "
    "have has had it its this that these those i we you he she they me us my our your their them who what "
    "when where which while why how so because if then than but and or not no can could would should will "
    "must may might also just only very there here up out over after before once since until all each every "
    "some any more most much many such other".split()
)
NON_ANSWER = re.compile(
    r"\b(i don'?t know|no idea|not sure|skip|pass|next question|rather not|can'?t answer|no comment|"
    r"don'?t remember|nothing to say)\b"
)
# a self-introduction names the speaker and carries no evidence; dropping it keeps names out of scores
SELF_INTRO = re.compile(
    r"^\W*(?:(?:hi|hello|hey|good \w+)\W+)*(?:my name is|my name's|i am called|call me)\b", re.I
)
EXPLANATION = re.compile(
    r"\b(because|so that|so|which means|that means|therefore|since|trade-?offs?|cost|instead of|for example|"
    r"for instance|e\.g\.|such as|if|unless|otherwise|first|then|next|finally|when|whereas|however|but)\b"
    r"|\d",
    re.I,
)
NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|twice|half|double|percent)\b", re.I
)
# self-descriptions that any candidate can say; they show nothing on their own
CLICHES = re.compile(
    r"\b(hard ?worker|fast learner|quick learner|team player|good fit|perfect fit|passionate|people person|"
    r"perfectionist|good opportunity|great opportunity|nice place to work|self-starter|go-getter)\b",
    re.I,
)
HEDGES = re.compile(r"\b(it depends|just|usually|somehow|things|stuff|eventually|in general|kind of)\b", re.I)


@dataclass(frozen=True)
class Clause:
    """A sentence or clause of one span, with its character range in that span's text."""

    span_index: int
    text: str
    start_char: int
    end_char: int


def words_of(text: str) -> list[str]:
    """Lower-case word tokens."""
    return WORD.findall(text.lower())


def filler_count(text: str) -> int:
    """Filler words and phrases ("um", "you know") in text."""
    tokens = words_of(text)
    joined = " ".join(tokens)
    return sum(1 for t in tokens if t in FILLERS) + sum(joined.count(p) for p in FILLER_PHRASES)


def clauses_of(span_index: int, text: str) -> list[Clause]:
    """Sentences of text, and long sentences cut at clause boundaries; offsets point into text."""
    out: list[Clause] = []
    for sentence in _pieces(text, SENTENCE_END, 0, len(text)):
        for start, end in _pieces(text, CLAUSE_BREAK, *sentence):
            piece = text[start:end].strip()
            if piece:
                offset = start + text[start:end].index(piece)
                out.append(Clause(span_index, piece, offset, offset + len(piece)))
    return out


def _pieces(text: str, pattern: re.Pattern[str], start: int, end: int) -> list[tuple[int, int]]:
    cuts = [(m.start(), m.end()) for m in pattern.finditer(text, start, end)]
    bounds, cursor = [], start
    for cut_start, cut_end in cuts:
        bounds.append((cursor, cut_start))
        cursor = cut_end
    bounds.append((cursor, end))
    return [(a, b) for a, b in bounds if text[a:b].strip()]


def is_bare_list(text: str) -> bool:
    """A comma list of terms with (almost) no grammar: keyword stuffing, not an explanation."""
    tokens = words_of(text)
    if not tokens:
        return False
    separators = text.count(",") + len(re.findall(r"\b(and|or)\b", text.lower()))
    function_share = sum(1 for t in tokens if t in FUNCTION_WORDS) / len(tokens)
    items = max(1, separators + 1)
    words_per_item = len(tokens) / items
    if separators >= 3 and words_per_item <= 2.5 and function_share < 0.2:
        return True
    return len(tokens) >= 5 and function_share == 0.0 and separators >= 2


def is_self_intro(text: str) -> bool:
    """A self-introduction such as "My name is ..."."""
    return bool(SELF_INTRO.match(text))


def is_non_answer(text: str) -> bool:
    """Empty, only fillers, or a short refusal ("I don't know", "skip")."""
    tokens = [t for t in words_of(text) if t not in FILLERS]
    if len(tokens) < 3:
        return True
    return len(tokens) <= 12 and bool(NON_ANSWER.search(" ".join(tokens)))


def is_cliche(text: str) -> bool:
    """A clause built on stock self-praise ("hard worker, fast learner")."""
    return bool(CLICHES.search(text))


def explanation_markers(text: str) -> int:
    """Reasons, consequences, examples, steps and numbers named in text."""
    return len(EXPLANATION.findall(text))


def phrase_in(text: str, phrase: str) -> bool:
    """A key phrase counts when it starts a word: "priorit" matches "prioritised"."""
    lowered = " ".join(words_of(text))
    return (
        bool(re.search(r"\b" + re.escape(" ".join(words_of(phrase))), lowered)) if words_of(phrase) else False
    )

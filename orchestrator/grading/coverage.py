"""Which key points an answer covers, judged by meaning (sentence embeddings) or, as a fallback, by words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from orchestrator.bank import KeyPoint
from orchestrator.grading import embeddings
from orchestrator.grading.text import FUNCTION_WORDS, Clause, is_cliche, phrase_in, words_of

# Tuned on tests/orchestrator/scoring_set.json with the int8 MiniLM (see bench/scoring.py):
SIM_COVERED = 0.40  # a clause this close to a key point covers it outright
SIM_ASSIGNED = 0.22  # a clause that is closest to this point, by MARGIN, also covers it if substantive
MARGIN = 0.03
SUBSTANTIVE_WORDS = 6
SIM_WITH_PHRASE = 0.15  # a key phrase in an explained clause counts unless the clause is about something else
RESTATEMENT_GAP = 0.15  # this much closer to the question than to the point: the clause restates the topic
ANSWER_ON_TOPIC = 0.5  # below this relevance only SIM_COVERED matches count
CLAUSE_ON_TOPIC = 0.10  # the closest-point rule applies only to clauses about the question
RELEVANCE_FLOOR, RELEVANCE_FULL = 0.05, 0.25  # topicality (cosine) mapped onto 0-1


@dataclass(frozen=True)
class PointMatch:
    """How one key point fared: covered or not, and the clause that shows it."""

    point: str
    covered: bool
    clause: Clause | None
    similarity: float | None


@dataclass(frozen=True)
class Coverage:
    """Per-point matches plus how on-topic the answer is (0-1)."""

    matches: list[PointMatch]
    relevance: float
    method: str

    @property
    def fraction(self) -> float:
        """Share of key points covered (0 when the question has none)."""
        return sum(m.covered for m in self.matches) / len(self.matches) if self.matches else 0.0


def anchor_text(point: KeyPoint) -> str:
    """The text a key point is compared with: its name, then its phrases as extra anchors."""
    return f"{point.point}: {', '.join(point.phrases)}" if point.phrases else point.point


def semantic_coverage(question: str, points: Sequence[KeyPoint], clauses: Sequence[Clause]) -> Coverage:
    """Coverage by sentence embeddings; raises EmbeddingModelMissing when the model is not installed."""
    anchors = embeddings.embed_anchors([question] + [anchor_text(p) for p in points])
    if not clauses:
        return Coverage([PointMatch(p.point, False, None, None) for p in points], 0.0, "embeddings")
    vectors = embeddings.embed([c.text for c in clauses])
    sims = vectors @ anchors.T  # rows: clauses; column 0: the question, then one per key point
    described = [k for k, p in enumerate(points) if p.description]
    if described:  # a bank point's one-sentence description is a second, fuller anchor
        full = embeddings.embed_anchors([points[k].description for k in described])
        columns = [k + 1 for k in described]
        sims[:, columns] = np.maximum(sims[:, columns], vectors @ full.T)
    # topicality against the question alone: key-point anchors are short and generic ("team", "data")
    relevance = _scale(float(np.sort(sims[:, 0])[::-1][:3].mean()), RELEVANCE_FLOOR, RELEVANCE_FULL)
    # in an off-topic answer some clause is always "closest" to some point; only strong matches count there
    question_sims = sims[:, 0] if relevance >= ANSWER_ON_TOPIC else np.full(len(clauses), -1.0)
    matches = [_match(p, k, clauses, sims[:, 1:], question_sims) for k, p in enumerate(points)]
    # an answer that covers the question's key points by meaning is on topic, however loosely
    # its words resemble the question's ("tell me about yourself" is matched by little)
    covered = sum(m.covered for m in matches) / len(matches) if matches else 0.0
    return Coverage(matches, max(relevance, covered), "embeddings")


def _match(
    point: KeyPoint, k: int, clauses: Sequence[Clause], point_sims: np.ndarray, question_sims: np.ndarray
) -> PointMatch:
    best_clause, best_sim, best_rank = None, float(point_sims[:, k].max()), -1.0
    for row, clause in enumerate(clauses):
        sim = float(point_sims[row, k])
        others = np.delete(point_sims[row], k)
        closest = others.size == 0 or sim - float(others.max()) >= MARGIN
        substantive = len(words_of(clause.text)) >= SUBSTANTIVE_WORDS
        lexical = any(phrase_in(clause.text, ph) for ph in point.phrases) and sim >= SIM_WITH_PHRASE
        # a clause much closer to the question than to the point restates the topic ("indexes matter")
        restates = float(question_sims[row]) - sim > RESTATEMENT_GAP and question_sims[row] > -1.0
        on_topic = float(question_sims[row]) >= CLAUSE_ON_TOPIC
        assigned = sim >= SIM_ASSIGNED and closest and substantive and on_topic
        semantic = (sim >= SIM_COVERED or assigned) and not restates and not is_cliche(clause.text)
        if semantic or lexical:
            rank = sim + (0.5 if lexical else 0.0)  # quote the clause that names it when one does
            if rank > best_rank:
                best_clause, best_rank = clause, rank
    if best_clause is None:
        return PointMatch(point.point, False, None, round(best_sim, 3))
    return PointMatch(
        point.point, True, best_clause, round(float(point_sims[clauses.index(best_clause), k]), 3)
    )


def lexical_coverage(question: str, points: Sequence[KeyPoint], clauses: Sequence[Clause]) -> Coverage:
    """Fallback without the model: a key phrase in an explained clause covers its point."""
    matches = []
    for point in points:
        terms = point.phrases or (point.point,)
        clause = next((c for c in clauses if any(phrase_in(c.text, t) for t in terms)), None)
        matches.append(PointMatch(point.point, clause is not None, clause, None))
    vocabulary = {w for w in words_of(question + " " + " ".join(anchor_text(p) for p in points))}
    vocabulary -= FUNCTION_WORDS
    content = [w for c in clauses for w in words_of(c.text) if w not in FUNCTION_WORDS]
    on_topic = sum(1 for w in content if any(w.startswith(v[:5]) for v in vocabulary))
    return Coverage(matches, _scale(on_topic / len(content), 0.0, 0.15) if content else 0.0, "lexical")


def _scale(value: float, floor: float, full: float) -> float:
    return float(min(1.0, max(0.0, (value - floor) / (full - floor))))

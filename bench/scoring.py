"""The grader on the labelled scoring set: mean score per label (embeddings and lexical), model load time
and memory, and grading time per answer after warm-up.

    python -m bench.scoring [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

SET_PATH = Path(__file__).parent.parent / "tests" / "orchestrator" / "scoring_set.json"
LABELS = ("strong", "paraphrase_of_strong", "partial", "vague", "off_topic", "keyword_stuffed", "empty")


def rss_mb() -> float:
    """Resident memory of this process (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def label_means(questions: list[dict[str, Any]], lexical_only: bool) -> dict[str, Any]:
    """Mean score per label; "not_answered" counts separately (it has no score)."""
    from orchestrator.bank import KeyPoint
    from orchestrator.grading import AnswerSpan, grade

    scores: dict[str, list[float]] = {label: [] for label in LABELS}
    not_answered: dict[str, int] = dict.fromkeys(LABELS, 0)
    for q in questions:
        points = [KeyPoint(k["point"], tuple(k["phrases"])) for k in q["key_points"]]
        for label in LABELS:
            text = q["answers"][label]
            g = grade(
                q["text"], points, [AnswerSpan(text, 0.0, 60.0)], q["section"], lexical_only=lexical_only
            )
            if g.score is None:
                not_answered[label] += 1
            else:
                scores[label].append(g.score)
    return {
        label: {
            "mean": round(statistics.mean(v), 2) if v else None,
            "scores": v,
            "not_answered": not_answered[label],
        }
        for label, v in scores.items()
    }


def timing(questions: list[dict[str, Any]], repeats: int) -> dict[str, float]:
    """Milliseconds to grade one answer, answers not seen before (key points cached, as in an interview)."""
    from orchestrator.bank import KeyPoint
    from orchestrator.grading import AnswerSpan, grade

    times, cpu, words = [], [], []
    for r in range(repeats):
        for q in questions:
            points = [KeyPoint(k["point"], tuple(k["phrases"])) for k in q["key_points"]]
            for label in LABELS:
                text = f"{q['answers'][label]} (take {r})"  # a fresh text: nothing cached but the anchors
                started, started_cpu = time.perf_counter(), time.process_time()
                grade(q["text"], points, [AnswerSpan(text, 0.0, 60.0)], q["section"])
                times.append((time.perf_counter() - started) * 1000)
                # CPU time as well: on a shared, loaded machine wall time measures the neighbours too
                cpu.append((time.process_time() - started_cpu) * 1000)
                words.append(len(text.split()))
    times.sort()
    cpu.sort()
    return {
        "answers": len(times),
        "words_max": max(words),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "max_ms": round(times[-1], 1),
        "cpu_median_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": round(cpu[int(0.95 * (len(cpu) - 1))], 1),
        "cpu_max_ms": round(cpu[-1], 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    questions = json.loads(SET_PATH.read_text())["questions"]
    before = rss_mb()
    started = time.perf_counter()
    from orchestrator.grading import embeddings

    embeddings.embedder().load()
    load_s = time.perf_counter() - started
    loaded = rss_mb()
    label_means(questions, lexical_only=False)  # warm-up: anchors cached, first-run allocations done
    print(
        json.dumps(
            {
                "model": embeddings.MODEL_ID,
                "model_files": [str(p) for p in embeddings.model_files()],
                "load_seconds": round(load_s, 3),
                "rss_mb_before_load": round(before, 1),
                "rss_mb_after_load": round(loaded, 1),
                "grade_timing": timing(questions, args.repeats),
                "rss_mb_after_grading": round(rss_mb(), 1),
                "embeddings": label_means(questions, lexical_only=False),
                "lexical": label_means(questions, lexical_only=True),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()

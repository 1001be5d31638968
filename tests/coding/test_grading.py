"""A correct, a slow (quadratic), a wrong and a crashing solution per language give the
expected run status and end-of-interview metrics, on the real sandbox and the real linters."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime

import pytest

from coding.grading import GradeInputs, grade
from coding.lint import LintOptions
from coding.queue import RunQueue
from coding.runs import run_visible
from coding.sandbox import BubblewrapRunner, Limits
from coding.tasks import bank
from store.models import CodeVersionRow

TASK = bank()["pairs-with-sum"]
LIMITS = Limits(cpu_s=5, wall_s=10)
# ESLint is installed by ./bootstrap into the venv; a developer may point elsewhere
LINT = LintOptions(node_modules=os.environ.get("INTERVOX_CODING__NODE_MODULES", ""))

SOLUTIONS = {
    "python": {
        "correct": TASK.reference["python"],
        "slow": (
            "def count_pairs(nums, target):\n"
            "    pairs = 0\n"
            "    for i in range(len(nums)):\n"
            "        for j in range(i + 1, len(nums)):\n"
            "            if nums[i] + nums[j] == target:\n"
            "                pairs += 1\n"
            "    return pairs\n"
        ),
        "wrong": "def count_pairs(nums, target):\n    return len(nums)\n",
        "crashing": "def count_pairs(nums, target):\n    return nums[0] / 0\n",
    },
    "javascript": {
        "correct": TASK.reference["javascript"],
        "slow": (
            "function countPairs(nums, target) {\n"
            "  let pairs = 0;\n"
            "  for (let i = 0; i < nums.length; i++) {\n"
            "    for (let j = i + 1; j < nums.length; j++) {\n"
            "      if (nums[i] + nums[j] === target) pairs += 1;\n"
            "    }\n"
            "  }\n"
            "  return pairs;\n"
            "}\n"
        ),
        "wrong": "function countPairs(nums, target) {\n  return nums.length;\n}\n",
        "crashing": "function countPairs(nums, target) {\n  return nums.missing.length;\n}\n",
    },
}
RUN_STATUS = {"correct": "passed", "slow": "passed", "wrong": "failed", "crashing": "error"}


@pytest.fixture(scope="module")
def queue():
    runner = BubblewrapRunner()
    runner.check()
    q = RunQueue(runner, concurrency=2)
    yield q
    q.close()


def version(language: str, code: str) -> CodeVersionRow:
    return CodeVersionRow(
        interview_id="x", version=3, language=language, code=code, size=len(code), saved_at=datetime.now(UTC)
    )


@pytest.mark.parametrize("language", ["python", "javascript"])
@pytest.mark.parametrize("kind", list(RUN_STATUS))
def test_a_run_of_the_visible_tests(queue, language, kind):
    result = asyncio.run(
        run_visible(queue, TASK, language, SOLUTIONS[language][kind], LIMITS, key=f"{language}-{kind}")
    )
    assert result["status"] == RUN_STATUS[kind], result
    assert [t["name"] for t in result["tests"]] == [t.name for t in TASK.visible_tests]
    assert result["cpu_ms"] > 0 and result["memory_kb"] > 1000 and result["wall_ms"] > 0
    if kind == "crashing":
        assert "Error" in result["tests"][0]["error"] and "line 2" in result["tests"][0]["error"]
    if kind == "wrong":
        assert result["tests"][0]["expected"] == 3 and result["tests"][0]["actual"] == 5


@pytest.mark.slow
@pytest.mark.parametrize("language", ["python", "javascript"])
def test_the_end_of_interview_metrics(queue, language):
    sections = {
        kind: asyncio.run(
            grade(GradeInputs(TASK, version(language, code), [], [], [], None), queue, LIMITS, LINT)
        )
        for kind, code in SOLUTIONS[language].items()
    }
    correct, slow, wrong, crashing = (sections[k] for k in ("correct", "slow", "wrong", "crashing"))
    assert correct["correctness"]["share"] == 1.0 and correct["optimality"]["verdict"] == "optimal"
    assert correct["optimality"]["tests"][0]["ratio"] <= 3
    # the quadratic one passes the small hidden tests but runs out of time on the large input
    assert slow["correctness"]["passed"] == slow["correctness"]["total"] - 1
    assert slow["optimality"]["verdict"] == "too_slow" and slow["correctness"]["timed_out"] == 1
    assert wrong["correctness"]["share"] < 0.5 and wrong["optimality"]["verdict"] == "not_judged"
    assert crashing["correctness"]["passed"] == 0 and crashing["hidden"]["status"] == "error"
    assert correct["score"] > slow["score"] > crashing["score"]
    assert wrong["score"] < correct["score"]
    for section in sections.values():
        assert section["style"]["available"], section["style"]  # ruff; ESLint from ./bootstrap
        assert section["style"]["tool"] == ("ruff" if language == "python" else "eslint")
        candidate = section["feedback"]["candidate"]
        assert str(section["score"]) not in candidate and "/" not in candidate  # no scores for the candidate
    assert "O(n)" in slow["feedback"]["candidate"]  # where to look: the reference's complexity
    assert "too slow" in slow["feedback"]["recruiter"]


def test_linter_findings_are_listed():
    from coding.lint import lint

    python = lint("python", "import os\ndef countPairs(a,b):\n  return a==None\n", LINT)
    assert {f["rule"] for f in python["findings"]} >= {"F401", "N802", "E711"}
    javascript = lint("javascript", "var x = 1\nfunction f(a) {\n  if (a == 1) { return y; }\n}\n", LINT)
    assert javascript["available"], javascript["note"]
    assert {f["rule"] for f in javascript["findings"]} >= {"no-var", "eqeqeq", "no-undef"}
    assert lint("javascript", "/* eslint-disable */ var y = 1", LINT)["findings"]  # inline directives off

"""The shipped bank: its shape, the candidate's view of a task, choosing a task, and every
reference solution passing every test in the real sandbox."""

from __future__ import annotations

import asyncio
import json

import pytest

from coding.queue import RunQueue
from coding.sandbox import BubblewrapRunner, Limits
from coding.tasks import Task, bank, pick_task
from coding.tasks.generators import materialize_args
from coding.tasks.validate import validate


def test_the_bank_spans_levels_and_languages():
    tasks = list(bank().values())
    assert len(tasks) >= 12
    assert {t.level for t in tasks} == {"junior", "middle", "senior"}
    for task in tasks:
        assert task.languages == ["python", "javascript"], task.id
        assert task.large_tests, f"{task.id} has no large input to separate O(n log n) from O(n^2)"
        assert all(t.has_expected for t in task.visible_tests + task.hidden_tests), task.id
        assert len(json.dumps(materialize_args(task.large_tests[0].args))) > 100_000


def test_the_candidate_never_sees_hidden_tests_or_the_reference():
    for task in bank().values():
        public = json.dumps(task.public())
        assert "hidden_tests" not in public and "reference" not in public and "complexity" not in public
        assert task.reference["python"].strip() not in public
        for test in task.hidden_tests:
            assert json.dumps(test.name) not in public or test.name in {t.name for t in task.visible_tests}


CODE_MARKS = ("def ", "();", "=>", "function", "`", " = ", "==", "[i]", "for (", "while (", "):")


def test_every_task_has_hints_that_are_nudges_not_the_solution():
    for task in bank().values():
        assert 2 <= len(task.hints) <= 5, task.id
        public = json.dumps(task.public())
        for hint in task.hints:
            assert hint not in public, f"{task.id}: the hints are said, never shown up front"
            assert not any(mark in hint for mark in CODE_MARKS), f"{task.id}: code in a hint: {hint}"
            for code in task.reference.values():  # no line of a reference solution, however short
                lines = [line.strip() for line in code.splitlines() if len(line.strip()) >= 12]
                assert not any(line in hint for line in lines), f"{task.id}: {hint}"


def test_a_task_is_chosen_by_level_language_and_skills():
    tasks = list(bank().values())
    chosen = pick_task(tasks, "senior", "javascript", ["sliding window"], salt="a")
    assert chosen.id == "window-maximum-sum"
    juniors = {pick_task(tasks, "junior", "python", [], salt=str(i)).id for i in range(30)}
    assert len(juniors) > 1 and all(bank()[t].level == "junior" for t in juniors)  # varied, same level


def test_generated_inputs_are_the_same_every_time():
    spec = [{"$gen": "ints", "n": 1000, "lo": -5, "hi": 5, "seed": 3}, 0]
    assert materialize_args(spec) == materialize_args(json.loads(json.dumps(spec)))
    assert materialize_args(spec)[0][:5] != materialize_args([{**spec[0], "seed": 4}, 0])[0][:5]


def test_a_broken_task_is_reported():
    body = bank()["pairs-with-sum"].model_dump()
    body["reference"]["python"] = "def count_pairs(nums, target):\n    return 0\n"
    body["hidden_tests"].append({"name": "filled by the reference", "args": [[1, 2, 3], 3]})
    task = Task.model_validate(body)
    queue = RunQueue(BubblewrapRunner(), concurrency=2)
    filled, problems = asyncio.run(validate(task, queue, Limits()))
    queue.close()
    assert {p["language"] for p in problems} == {"python", "javascript"}  # they disagree
    assert any("expected 3" in p["problem"] for p in problems if p["language"] == "python")


@pytest.mark.slow
def test_every_reference_passes_every_test_in_the_sandbox():
    queue = RunQueue(BubblewrapRunner(), concurrency=2)
    results = asyncio.run(_validate_all(queue))
    queue.close()
    assert {task_id: problems for task_id, problems in results.items() if problems} == {}


async def _validate_all(queue: RunQueue) -> dict[str, list]:
    found = {}
    for task in bank().values():
        _, problems = await validate(task, queue, Limits(cpu_s=10, wall_s=20))
        found[task.id] = problems
    return found

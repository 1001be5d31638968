"""A task is usable when each language's reference solution passes every test in the sandbox.
Tests written without `expected` take the reference's answer (all references must agree).

`python -m coding.tasks.validate` checks the shipped bank; `--fill` writes missing answers
into the bank's task.json files (for a maintainer adding a task)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from coding.queue import RunQueue
from coding.results import same
from coding.runs import make_job
from coding.sandbox import BubblewrapRunner, Limits
from coding.tasks.generators import GeneratorError
from coding.tasks.loader import BANK_DIR, bank
from coding.tasks.model import Task


async def validate(task: Task, queue: RunQueue, limits: Limits) -> tuple[Task, list[dict[str, Any]]]:
    """The task with every test's answer, and the problems found (empty: the task is valid)."""
    tests = task.visible_tests + task.hidden_tests
    try:
        jobs = [await make_job(task, lang, task.reference[lang], tests, limits) for lang in task.languages]
    except GeneratorError as exc:
        return task, [{"language": None, "test": None, "problem": str(exc)}]
    outcomes = await queue.run_many(jobs)
    problems: list[dict[str, Any]] = []
    answers: dict[str, Any] = {t.name: t.expected for t in tests if t.has_expected}
    for language, outcome in zip(task.languages, outcomes, strict=True):
        found = {e["name"]: e for e in outcome.events if e.get("event") == "test"}
        load_error = next((e for e in outcome.events if e.get("event") == "load_error"), None)
        if load_error is not None:
            problems.append({"language": language, "test": None, "problem": f"load: {load_error['error']}"})
            continue
        for test in tests:
            event = found.get(test.name)
            if event is None or not event.get("ok"):
                why = "did not finish (time or memory limit)" if event is None else event.get("error")
                problems.append({"language": language, "test": test.name, "problem": f"the reference: {why}"})
            elif test.name not in answers:
                answers[test.name] = event.get("actual")
            elif not same(answers[test.name], event.get("actual"), task.compare):
                problems.append(
                    {
                        "language": language,
                        "test": test.name,
                        "problem": f"expected {json.dumps(answers[test.name])[:200]}, "
                        f"the reference returned {json.dumps(event.get('actual'))[:200]}",
                    }
                )
    filled = task.model_copy(deep=True)
    for test in filled.visible_tests + filled.hidden_tests:
        if not test.has_expected and test.name in answers:
            test.expected = answers[test.name]
            test.model_fields_set.add("expected")
    return filled, problems


async def _check_bank(fill: bool) -> int:
    queue = RunQueue(BubblewrapRunner(), concurrency=2)
    failed = 0
    for task in bank().values():
        filled, problems = await validate(task, queue, Limits(cpu_s=10, wall_s=20))
        print(f"{task.id}: {problems if problems else 'ok'}")
        failed += bool(problems)
        if fill and not problems:
            path = BANK_DIR / task.id / "task.json"
            body = json.loads(path.read_text())
            for key in ("visible_tests", "hidden_tests"):
                body[key] = [
                    {**t, "expected": next(x.expected for x in getattr(filled, key) if x.name == t["name"])}
                    for t in body[key]
                ]
            path.write_text(json.dumps(body, indent=2) + "\n")
    queue.close()
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fill", action="store_true", help="write missing answers into the bank")
    sys.exit(1 if asyncio.run(_check_bank(parser.parse_args().fill)) else 0)


if __name__ == "__main__":
    main()

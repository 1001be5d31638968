"""Building sandbox jobs from a task's tests, and running the candidate's code on them."""

from __future__ import annotations

import asyncio
from typing import Any

from coding.queue import RunQueue
from coding.results import Expectation, judge
from coding.sandbox import Language, Limits, SandboxJob
from coding.tasks.generators import materialize_args
from coding.tasks.model import Task, TestCase


def job_for(task: Task, language: Language, code: str, tests: list[TestCase], limits: Limits) -> SandboxJob:
    """A job calling the task's function on `tests` (generated inputs made here: blocking)."""
    inputs = [{"name": t.name, "args": materialize_args(t.args)} for t in tests]
    return SandboxJob(language, code, task.function[language], inputs, limits)


async def make_job(
    task: Task, language: Language, code: str, tests: list[TestCase], limits: Limits
) -> SandboxJob:
    return await asyncio.to_thread(job_for, task, language, code, tests, limits)


def expectations(tests: list[TestCase], show: bool) -> list[Expectation]:
    return [Expectation(t.name, t.expected, show) for t in tests]


async def run_visible(
    queue: RunQueue, task: Task, language: Language, code: str, limits: Limits, key: str
) -> dict[str, Any]:
    """`POST .../run`: the visible tests, judged; the answer of API.md."""
    job = await make_job(task, language, code, task.visible_tests, limits)
    outcome = await queue.run(job, key=key)
    return await asyncio.to_thread(
        judge, outcome, expectations(task.visible_tests, True), limits, task.compare
    )

"""The shipped bank (`coding/tasks/bank/<id>/`: task.json, starter and reference code per
language) and choosing a task for an interview."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from coding.sandbox import Language
from coding.tasks.model import Task
from core.errors import NotFound

BANK_DIR = Path(__file__).parent / "bank"
EXTENSIONS: dict[Language, str] = {"python": "py", "javascript": "js"}
LEVELS = ("junior", "middle", "senior")


class TaskNotFound(NotFound):
    code = "TASK_NOT_FOUND"


def load_task_dir(folder: Path) -> Task:
    body = json.loads((folder / "task.json").read_text(encoding="utf-8"))
    for language, extension in EXTENSIONS.items():
        if language in body.get("function", {}):
            body.setdefault("starter", {})[language] = (folder / f"starter.{extension}").read_text("utf-8")
            body.setdefault("reference", {})[language] = (folder / f"solution.{extension}").read_text("utf-8")
    return Task.model_validate(body)


@cache
def bank() -> dict[str, Task]:
    """Every shipped task by id (read once)."""
    tasks = [
        load_task_dir(folder) for folder in sorted(BANK_DIR.iterdir()) if (folder / "task.json").exists()
    ]
    return {task.id: task for task in tasks}


def pick_task(
    tasks: Iterable[Task], level: str, language: Language, skills: Sequence[str], salt: str
) -> Task:
    """The task for an interview: one in its language, at its level if there is one (else the
    nearest), sharing the most skills; ties are broken by `salt` (the interview), so candidates
    of one role do not all get the same task."""
    usable = [t for t in tasks if language in t.function]
    if not usable:
        raise TaskNotFound(f"no task in {language}", {"language": language})
    wanted = {s.lower() for s in skills}
    rank = LEVELS.index(level) if level in LEVELS else 1

    def score(task: Task) -> tuple[int, int, str]:
        distance = abs(LEVELS.index(task.level) - rank)
        shared = len(wanted & {s.lower() for s in task.skills})
        tiebreak = hashlib.sha256(f"{salt}:{task.id}".encode()).hexdigest()
        return distance, -shared, tiebreak

    return min(usable, key=score)

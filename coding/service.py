"""Coding interviews as the API uses them: which task, saving code, running it, the editor
page's integrity reports, organisations' own tasks, and the grading at the end. The runtime
holds one; routes call it; it refuses everything (503 SANDBOX_UNAVAILABLE) when no sandbox
can be made here, and never runs code any other way."""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from coding.grading import GradeInputs, grade
from coding.lint import LintOptions
from coding.queue import RunQueue
from coding.runs import run_visible
from coding.sandbox import CodeRunner, Language, Limits, SandboxUnavailableError
from coding.tasks import Task, TaskNotFound, bank, pick_task
from coding.tasks.validate import validate
from core.errors import IntervoxError, PayloadTooLarge, SandboxUnavailable
from store.coding import CodingRepository
from store.models import CodeRunRow, CodeVersionRow, CodingTaskRow, IntegrityEventRow, InterviewRow

log = logging.getLogger(__name__)


class TaskInvalid(IntervoxError):
    """A recruiter's task whose reference solution does not pass its own tests."""

    code, status = "TASK_INVALID", 422


class TooManyVersions(IntervoxError):
    code, status = "TOO_MANY_VERSIONS", 409


class LanguageUnavailable(IntervoxError):
    code, status = "LANGUAGE_UNAVAILABLE", 422


@dataclass(frozen=True)
class CodingOptions:
    enabled: bool = True
    limits: Limits = field(default_factory=Limits)
    concurrency: int = 2
    max_queued: int = 32
    max_code_bytes: int = 64 * 1024
    max_versions: int = 2000
    max_integrity_events: int = 1000
    lint: LintOptions = field(default_factory=LintOptions)


class CodingService:
    def __init__(self, repo: CodingRepository, runner: CodeRunner, options: CodingOptions) -> None:
        self.repo = repo
        self.runner = runner
        self.options = options
        self.queue = RunQueue(runner, options.concurrency, options.max_queued)
        self.languages: tuple[Language, ...] = ()
        self.status = "disabled" if not options.enabled else "starting"

    async def start(self) -> None:
        """Check that a sandbox can be made here (a trivial run per language)."""
        if not self.options.enabled:
            return
        check = getattr(self.runner, "check", None)
        try:
            self.languages = await asyncio.to_thread(check) if check else ("python", "javascript")
            self.status = "ok"
        except SandboxUnavailableError as exc:
            self.status = f"unavailable: {exc}"
            log.warning("coding interviews are off: %s", exc)

    def close(self) -> None:
        self.queue.close()

    def require(self, language: str | None = None) -> None:
        """503 SANDBOX_UNAVAILABLE unless code in `language` can run in a sandbox here."""
        if self.status != "ok":
            reason = "coding interviews are turned off" if self.status == "disabled" else self.status
            raise SandboxUnavailable(f"coding interviews cannot run here: {reason}", {"status": self.status})
        if language is not None and language not in self.languages:
            raise SandboxUnavailable(
                f"{language} cannot run here (its interpreter is missing)",
                {"languages": list(self.languages)},
            )

    # -- tasks ---------------------------------------------------------------------------------
    def tasks(self, org_id: str) -> list[tuple[Task, str]]:
        """The shipped bank and the organisation's own tasks, with where each comes from."""
        own = [(Task.model_validate(row.body), "organisation") for row in self.repo.tasks(org_id)]
        return [(task, "bank") for task in bank().values()] + own

    def task(self, org_id: str | None, task_id: str) -> Task:
        found = bank().get(task_id)
        if found is not None:
            return found
        row = self.repo.task(org_id, task_id) if org_id else None
        if row is None:
            raise TaskNotFound(f"no task {task_id}", {"id": task_id})
        return Task.model_validate(row.body)

    def choose(
        self,
        org_id: str,
        task_id: str | None,
        language: Language | None,
        level: str,
        skills: list[str],
        salt: str,
    ) -> tuple[Task, Language]:
        """The task and language of a new coding interview (blocking)."""
        if task_id:
            task = self.task(org_id, task_id)
            language = language or next((lang for lang in task.languages if lang in self.languages), None)
            if language not in task.languages:
                raise LanguageUnavailable(
                    f"task {task_id} has no {language} version", {"languages": task.languages}
                )
        else:
            language = language or ("python" if "python" in self.languages else self.languages[0])
            task = pick_task([t for t, _ in self.tasks(org_id)], level, language, skills, salt)
        self.require(language)
        return task, language

    async def add_task(self, org_id: str, user_id: str | None, task: Task) -> Task:
        """Validate `task` by running its reference against its tests, then keep it for the
        organisation under a fresh id; 422 TASK_INVALID with what failed."""
        self.require()
        missing = [lang for lang in task.languages if lang not in self.languages]
        if missing:
            raise LanguageUnavailable(f"{', '.join(missing)} cannot run here", {"languages": missing})
        task = task.model_copy(update={"id": f"{task.id[:70]}-{secrets.token_hex(3)}"})
        filled, problems = await validate(task, self.queue, self.options.limits)
        if problems:
            raise TaskInvalid("the reference solution does not pass the task's tests", {"problems": problems})
        body = filled.model_dump(mode="json", exclude_unset=False)
        await asyncio.to_thread(
            self.repo.add_task, CodingTaskRow(id=filled.id, org_id=org_id, created_by=user_id, body=body)
        )
        return filled

    # -- the candidate's code ------------------------------------------------------------------
    def _check_code(self, interview: InterviewRow, language: Language, code: str) -> Task:
        size = len(code.encode("utf-8"))
        if size > self.options.max_code_bytes:
            raise PayloadTooLarge(
                f"code is limited to {self.options.max_code_bytes // 1024} KB", {"size": size}
            )
        task = self.task(interview.org_id, interview.task_id or "")
        if language not in task.languages:
            raise LanguageUnavailable(f"this task has no {language} version", {"languages": task.languages})
        return task

    async def save(self, interview: InterviewRow, language: Language, code: str) -> CodeVersionRow:
        """A new version (every save is kept, with its time)."""
        self._check_code(interview, language, code)
        row = await asyncio.to_thread(
            self.repo.add_version, interview.id, language, code, self.options.max_versions
        )
        if row is None:
            raise TooManyVersions(f"at most {self.options.max_versions} versions are kept per interview")
        return row

    async def run(self, interview: InterviewRow, version: CodeVersionRow) -> dict[str, Any]:
        """The visible tests on one saved version; the answer of `POST .../run`, also stored."""
        self.require(version.language)
        language: Language = version.language  # type: ignore[assignment]
        task = self._check_code(interview, language, version.code)
        result = await run_visible(
            self.queue, task, language, version.code, self.options.limits, interview.id
        )
        result["version"] = version.version
        row = CodeRunRow(
            interview_id=interview.id,
            version=version.version,
            kind="run",
            language=language,
            status=result["status"],
            result=result,
        )
        await asyncio.to_thread(self.repo.add_run, row)
        return result

    async def report_integrity(
        self, interview: InterviewRow, kind: str, at: datetime | None, t: float, details: dict[str, Any]
    ) -> bool:
        row = IntegrityEventRow(interview_id=interview.id, type=kind, at=at, t=round(t, 3), details=details)
        return await asyncio.to_thread(self.repo.add_integrity, row, self.options.max_integrity_events)

    # -- the end -------------------------------------------------------------------------------
    async def grade(
        self, interview: InterviewRow, transcript: list[tuple[str, str, float, float]]
    ) -> dict[str, Any]:
        """The report's `coding` section: hidden tests, speed on the large inputs against the
        reference, the linter's findings, the conversation, the integrity timeline."""
        version = await asyncio.to_thread(self.repo.latest_version, interview.id)
        runs = await asyncio.to_thread(self.repo.runs, interview.id, "run")
        integrity = await asyncio.to_thread(self.repo.integrity, interview.id)
        task = self.task(interview.org_id, interview.task_id or "")
        inputs = GradeInputs(task, version, runs, integrity, transcript, interview.started_at)
        usable = self.status == "ok" and (version is None or version.language in self.languages)
        section = await grade(inputs, self.queue if usable else None, self.options.limits, self.options.lint)
        if version is not None and section.get("hidden"):
            row = CodeRunRow(
                interview_id=interview.id,
                version=version.version,
                kind="grade",
                language=version.language,
                status=section["hidden"]["status"],
                result=section["hidden"],
            )
            await asyncio.to_thread(self.repo.add_run, row)
        return section

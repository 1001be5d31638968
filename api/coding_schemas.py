"""Request and response shapes of coding interviews (API.md "Coding", seed 000's shapes)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

CodeLanguage = Literal["python", "javascript"]
IntegrityType = Literal["paste", "copy", "tab_switch", "focus_loss", "devtools"]


class CodeIn(BaseModel):
    """`PUT .../code`: a draft, kept as a new version (the size limit is a setting, checked after)."""

    language: CodeLanguage
    code: str = Field(max_length=1024 * 1024)


class RunIn(BaseModel):
    """`POST .../run`: with code, it is saved first; without, the latest saved version runs."""

    language: CodeLanguage | None = None
    code: str | None = Field(None, max_length=1024 * 1024)


class CodeSaved(BaseModel):
    version: int
    language: str
    size: int
    saved_at: datetime


class TestResult(BaseModel):
    name: str
    passed: bool
    expected: Any = None
    actual: Any = None
    error: str | None = None
    ms: float | None = None


class RunOut(BaseModel):
    status: Literal["passed", "failed", "error", "timeout", "memory_limit"]
    tests: list[TestResult]
    stdout: str
    stderr: str
    wall_ms: float
    cpu_ms: float
    memory_kb: int
    message: str
    version: int


DetailValue = Annotated[str, StringConstraints(max_length=200)] | int | float | bool | None


class IntegrityIn(BaseModel):
    """What the editor page saw; `details` e.g. `{"chars": 1200}` for a paste, `{"source":
    "statement"}` for a copy, `{"duration_ms": 4000}` for a tab switch."""

    type: IntegrityType
    at: datetime | None = None  # the page's clock
    details: dict[Annotated[str, StringConstraints(max_length=40)], DetailValue] = Field(
        default_factory=dict, max_length=8
    )

    @field_validator("details")
    @classmethod
    def _short(cls, value: dict[str, Any]) -> dict[str, Any]:
        if any(len(k) > 40 or (isinstance(v, str) and len(v) > 200) for k, v in value.items()):
            raise ValueError("detail keys have at most 40 characters and texts at most 200")
        return value


class IntegrityOut(BaseModel):
    stored: bool  # false past the per-interview limit (counted in the logs, not kept)
    t: float  # seconds from the interview's start


class CodeVersionOut(BaseModel):
    version: int
    language: str
    size: int
    saved_at: datetime
    code: str


class CodeHistory(BaseModel):
    """`GET .../code` (recruiters): every version with its time, and every run."""

    task_id: str | None
    language: str | None
    versions: list[CodeVersionOut]
    total: int
    limit: int
    offset: int
    runs: list[dict[str, Any]]

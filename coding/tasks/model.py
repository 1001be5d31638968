"""A coding task: the statement, starter code and reference solution per language, visible
and hidden tests, and the reference's complexity. One schema for the shipped bank and for
the tasks recruiters add (which are validated by running the reference against the tests)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator

from coding.sandbox import LANGUAGES, Language

Level = Literal["junior", "middle", "senior"]
Name = Annotated[str, StringConstraints(max_length=80, pattern=r"^[A-Za-z0-9_.,()' -]{1,80}$")]
Identifier = Annotated[str, StringConstraints(max_length=64, pattern=r"^[A-Za-z_$][A-Za-z0-9_$]{0,63}$")]
Code = Annotated[str, StringConstraints(min_length=1, max_length=64 * 1024)]
Short = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Hint = Annotated[str, StringConstraints(min_length=10, max_length=400)]


class Example(BaseModel):
    input: Short
    output: Short
    explanation: str = Field("", max_length=2000)


class TestCase(BaseModel):
    """One call of the function. An argument may be a generator (`{"$gen": "ints", ...}`, see
    coding.tasks.generators) for inputs too large to write down; `large` tests measure speed
    against the reference. `expected` may be left out: the reference's answer is then used
    (recruiters' tasks, filled when the task is validated)."""

    name: Name
    args: list[Any] = Field(max_length=10)
    expected: Any = None
    large: bool = False

    @property
    def has_expected(self) -> bool:
        return "expected" in self.model_fields_set


class Complexity(BaseModel):
    time: str = Field(min_length=1, max_length=40)  # of the reference, e.g. "O(n log n)"
    space: str = Field("", max_length=40)


class Task(BaseModel):
    id: Annotated[str, StringConstraints(max_length=80, pattern=r"^[a-z0-9][a-z0-9-]{1,79}$")]
    title: str = Field(min_length=3, max_length=120)
    level: Level
    skills: list[Annotated[str, StringConstraints(min_length=1, max_length=60)]] = Field(max_length=10)
    statement: str = Field(min_length=10, max_length=10_000)
    examples: list[Example] = Field(default_factory=list, max_length=5)
    function: dict[Language, Identifier] = Field(max_length=len(LANGUAGES))  # its name per language
    starter: dict[Language, Code] = Field(max_length=len(LANGUAGES))
    reference: dict[Language, Code] = Field(max_length=len(LANGUAGES))
    visible_tests: list[TestCase] = Field(min_length=1, max_length=20)
    hidden_tests: list[TestCase] = Field(min_length=1, max_length=30)
    complexity: Complexity
    compare: Literal["exact", "unordered"] = "exact"  # unordered: a list in any order
    # what the interviewer may say to a candidate who is stuck, gentlest first: conceptual nudges,
    # never the solution or code (the candidate never sees the list, only the hints given)
    hints: list[Hint] = Field(default_factory=list, max_length=5)

    @model_validator(mode="after")
    def _consistent(self) -> Task:
        languages = set(self.function)
        if not languages or set(self.starter) != languages or set(self.reference) != languages:
            raise ValueError("function, starter and reference must name the same languages")
        names = [t.name for t in self.visible_tests + self.hidden_tests]
        if len(names) != len(set(names)):
            raise ValueError("test names must be unique within a task")
        if any(not t.has_expected for t in self.visible_tests):
            raise ValueError("visible tests show their expected output: give `expected`")
        return self

    @property
    def languages(self) -> list[Language]:
        return [lang for lang in LANGUAGES if lang in self.function]

    @property
    def large_tests(self) -> list[TestCase]:
        return [t for t in self.hidden_tests if t.large]

    def public(self) -> dict[str, Any]:
        """What the candidate sees: never the hidden tests, the reference or its complexity."""
        return {
            "id": self.id,
            "title": self.title,
            "level": self.level,
            "statement": self.statement,
            "examples": [e.model_dump() for e in self.examples],
            "languages": self.languages,
            "function": dict(self.function),
            "starter": dict(self.starter),
            "visible_tests": [
                {"name": t.name, "args": t.args, "expected": t.expected} for t in self.visible_tests
            ],
            "hidden_test_count": len(self.hidden_tests),
        }

    def summary(self, source: str) -> dict[str, Any]:
        """A line of the recruiter's list."""
        return {
            "id": self.id,
            "title": self.title,
            "level": self.level,
            "skills": self.skills,
            "languages": self.languages,
            "complexity": self.complexity.model_dump(),
            "visible_tests": len(self.visible_tests),
            "hidden_tests": len(self.hidden_tests),
            "large_tests": len(self.large_tests),
            "hints": len(self.hints),
            "source": source,
        }

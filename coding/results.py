"""From what a sandbox run returned to the answer of `POST .../run` (API.md, seed 000):
`{"status": "passed|failed|error|timeout|memory_limit", "tests": [{"name", "passed", "expected",
"actual", "error"}], "stdout", "stderr", "wall_ms", "cpu_ms", "memory_kb"}`, plus `message`."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Literal

from coding.sandbox import Limits, SandboxOutcome

RunStatus = Literal["passed", "failed", "error", "timeout", "memory_limit"]
# what a test's `kind` or the interpreter's last words say about running out of memory
MEMORY_WORDS = (
    "MemoryError",
    "heap out of memory",
    "Cannot allocate memory",
    "allocation failed",
    "OOM",
    "bad_alloc",
)
PREVIEW_CHARS = 2000


@dataclass(frozen=True)
class Expectation:
    """A test as the server judges it: its name and the answer (never sent into the sandbox)."""

    name: str
    expected: Any
    show_expected: bool = True  # hidden tests' answers stay out of what is returned


def same(expected: Any, actual: Any, compare: str = "exact") -> bool:
    """JSON equality; numbers within 1e-6 (relative), booleans never equal to numbers;
    `unordered`: a list in any order."""
    if compare == "unordered" and isinstance(expected, list) and isinstance(actual, list):
        key = lambda v: json.dumps(v, sort_keys=True)  # noqa: E731
        return len(expected) == len(actual) and all(
            same(e, a) for e, a in zip(sorted(expected, key=key), sorted(actual, key=key), strict=True)
        )
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return math.isclose(expected, actual, rel_tol=1e-6, abs_tol=1e-9)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(same(e, a) for e, a in zip(expected, actual, strict=True))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(same(expected[k], actual[k]) for k in expected)
    return bool(expected == actual)


def preview(value: Any) -> Any:
    """A value as returned to a person: large ones cut to a readable preview."""
    text = json.dumps(value)
    return value if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "..."


def judge(
    outcome: SandboxOutcome, tests: list[Expectation], limits: Limits, compare: str = "exact"
) -> dict[str, Any]:
    """The run's answer: each test compared here, and one status for the run."""
    by_name = {e["name"]: e for e in outcome.events if e.get("event") == "test"}
    load_error = next((e for e in outcome.events if e.get("event") == "load_error"), None)
    finished = any(e.get("event") == "done" for e in outcome.events)
    status = _run_status(outcome, limits, load_error, finished)
    results = [_test_result(t, by_name.get(t.name), status, load_error, compare) for t in tests]
    if status is None:
        if any(r["kind"] in ("memory",) for r in results):
            status = "memory_limit"
        elif any(r["error"] for r in results):
            status = "error"
        else:
            status = "passed" if all(r["passed"] for r in results) else "failed"
    return {
        "status": status,
        "message": _message(status, results, outcome, limits, load_error),
        "tests": [{k: v for k, v in r.items() if k != "kind"} for r in results],
        "stdout": outcome.stdout,
        "stderr": outcome.stderr,
        "wall_ms": outcome.wall_ms,
        "cpu_ms": outcome.cpu_ms,
        "memory_kb": outcome.memory_kb,
    }


def _run_status(
    outcome: SandboxOutcome, limits: Limits, load_error: dict[str, Any] | None, finished: bool
) -> RunStatus | None:
    """A status the whole run earned (limits, crashes); None: judge by the tests."""
    # the kernel kills at the CPU limit (its own count runs a little ahead of rusage under load)
    out_of_cpu = outcome.signal in ("SIGKILL", "SIGXCPU") and outcome.cpu_ms >= limits.cpu_s * 1000 * 0.5
    if outcome.killed == "wall_time" or out_of_cpu:
        return "timeout"
    if _out_of_memory(outcome, load_error):
        return "memory_limit"
    crashed = outcome.exit_code not in (0, None)  # even after the last test (a stray async error)
    if outcome.killed == "output_limit" or load_error is not None or not finished or crashed:
        return "error"
    return None


def _out_of_memory(outcome: SandboxOutcome, load_error: dict[str, Any] | None) -> bool:
    if load_error is not None and load_error.get("kind") == "memory":
        return True
    crashed = outcome.exit_code not in (0, None)
    return crashed and any(word in outcome.stderr for word in MEMORY_WORDS)


def _test_result(
    test: Expectation,
    event: dict[str, Any] | None,
    status: RunStatus | None,
    load_error: dict[str, Any] | None,
    compare: str,
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "name": test.name,
        "passed": False,
        "expected": preview(test.expected) if test.show_expected else None,
        "actual": None,
        "error": None,
        "ms": None,
        "kind": None,
    }
    if event is None:
        result["error"] = _not_run(status, load_error)
        return result
    result["ms"] = round(float(event.get("ms", 0.0)), 3)
    if not event.get("ok"):
        result["error"], result["kind"] = str(event.get("error", "failed"))[:1000], event.get("kind")
        return result
    actual = event.get("actual")
    result["passed"] = same(test.expected, actual, compare)
    result["actual"] = preview(actual) if test.show_expected else None
    return result


def _not_run(status: RunStatus | None, load_error: dict[str, Any] | None) -> str:
    if load_error is not None:
        return f"the code could not be loaded: {load_error.get('error', '')}"[:1000]
    return {
        "timeout": "not finished: the time limit was reached",
        "memory_limit": "not finished: the memory limit was reached",
    }.get(status or "", "not finished: the program ended before this test")


def _message(
    status: RunStatus,
    results: list[dict[str, Any]],
    outcome: SandboxOutcome,
    limits: Limits,
    load_error: dict[str, Any] | None,
) -> str:
    passed = sum(r["passed"] for r in results)
    counted = f"{passed} of {len(results)} tests passed"
    if status == "timeout":
        return f"Time limit reached ({limits.cpu_s} s of CPU, {limits.wall_s:g} s in all); {counted}."
    if status == "memory_limit":
        return f"Memory limit reached ({limits.memory_mb} MB); {counted}."
    if outcome.killed == "output_limit":
        return "Too much output: the run was stopped (print less)."
    if load_error is not None:
        return f"The code could not be loaded: {load_error.get('error', '')}"[:500]
    if status == "error" and outcome.signal:
        return f"The program crashed ({outcome.signal}); {counted}."
    if status == "error" and outcome.exit_code not in (0, None):
        return f"The program exited with status {outcome.exit_code}; {counted}."
    return counted + "."

"""Code style of the candidate's final code, from real linters: ruff for Python, ESLint (from
npm, installed by ./bootstrap) for JavaScript. Neither runs the code: the code goes in on
stdin, ruff with `--isolated` (no configuration files) and ESLint with our own flat config
(`coding/eslint/eslint.config.mjs`: no plugins, inline directives off), so nothing the
candidate wrote is loaded or executed. Both run outside the sandbox, with a time limit."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coding.sandbox import Language

RUFF_RULES = "E,W,F,B,SIM,N,C90,UP"
ESLINT_CONFIG = Path(__file__).parent / "eslint" / "eslint.config.mjs"
MAX_FINDINGS = 50


def default_node_modules() -> Path:
    """Where ./bootstrap installs ESLint: beside the venv's other shared files."""
    return Path(sys.prefix) / "share" / "intervox" / "node" / "node_modules"


@dataclass(frozen=True)
class LintOptions:
    node: str = "/usr/bin/node"
    node_modules: str = ""  # default: default_node_modules()
    timeout_s: float = 20.0

    def eslint(self) -> Path:
        return Path(self.node_modules or default_node_modules()) / "eslint" / "bin" / "eslint.js"


def lint(language: Language, code: str, options: LintOptions) -> dict[str, Any]:
    """`{"tool", "available", "findings": [{"rule", "message", "line", "column", "severity"}], "note"}`
    (blocking: run it in a thread)."""
    try:
        if language == "python":
            return _ruff(code, options)
        return _eslint(code, options)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        tool = "ruff" if language == "python" else "eslint"
        return {"tool": tool, "available": False, "findings": [], "note": f"{type(exc).__name__}: {exc}"}


def _run(command: list[str], code: str, timeout_s: float) -> subprocess.CompletedProcess[str]:
    """A linter reading the code on stdin, in an empty folder of its own (no config found nearby)."""
    with tempfile.TemporaryDirectory() as cwd:
        return subprocess.run(command, input=code, capture_output=True, text=True, timeout=timeout_s, cwd=cwd)


def _ruff(code: str, options: LintOptions) -> dict[str, Any]:
    from ruff.__main__ import find_ruff_bin

    command = [
        find_ruff_bin(),
        "check",
        "--isolated",
        "--no-cache",
        "--output-format", "json",
        "--select", RUFF_RULES,
        "--line-length", "100",
        "--stdin-filename", "solution.py",
    ]  # fmt: skip
    done = _run(command, code, options.timeout_s)
    findings = [
        {
            "rule": f["code"] or "syntax",
            "message": f["message"],
            "line": f["location"]["row"],
            "column": f["location"]["column"],
            "severity": "error" if (f["code"] or "E9").startswith(("F", "E9", "invalid")) else "warning",
        }
        for f in json.loads(done.stdout or "[]")
    ]
    return _result("ruff", findings)


def _eslint(code: str, options: LintOptions) -> dict[str, Any]:
    eslint = options.eslint()
    if not eslint.exists():
        note = f"ESLint is not installed at {eslint.parent.parent} (./bootstrap installs it)"
        return {"tool": "eslint", "available": False, "findings": [], "note": note}
    command = [
        options.node,
        str(eslint),
        "--config", str(ESLINT_CONFIG),
        "--stdin",
        "--stdin-filename", "solution.js",
        "--format", "json",
    ]  # fmt: skip
    done = _run(command, code, options.timeout_s)
    if done.returncode not in (0, 1):  # 2: ESLint itself failed
        raise ValueError(done.stderr.strip()[:300] or f"eslint exited {done.returncode}")
    messages = json.loads(done.stdout or "[]")[0]["messages"] if done.stdout else []
    findings = [
        {
            "rule": m.get("ruleId") or "syntax",
            "message": m["message"],
            "line": m.get("line"),
            "column": m.get("column"),
            "severity": "error" if m.get("severity") == 2 else "warning",
        }
        for m in messages
    ]
    return _result("eslint", findings)


def _result(tool: str, findings: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "tool": tool,
        "available": True,
        "findings": findings[:MAX_FINDINGS],
        "count": len(findings),
        "note": None if len(findings) <= MAX_FINDINGS else f"the first {MAX_FINDINGS} of {len(findings)}",
    }


def style_score(result: dict[str, Any]) -> float | None:
    """0-1: one point off per ten findings' worth (an error counts two warnings); None when the
    linter was not available."""
    if not result.get("available"):
        return None
    weight = sum(2 if f["severity"] == "error" else 1 for f in result["findings"])
    return max(0.0, round(1.0 - 0.1 * weight, 2))

"""Typed LLM errors: each one tells the caller to fall back for this step, with a short reason for logs."""

from __future__ import annotations

from typing import Any

from core.errors import IntervoxError


class LlmError(IntervoxError):
    """Base of the LLM errors; `kind` names it in metrics and `reason` says what happened."""

    code, status, retryable = "LLM_ERROR", 502, True
    kind = "error"

    def __init__(self, reason: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(f"LLM {self.kind}: {reason}", details)
        self.reason = reason


class LlmUnavailable(LlmError):
    """The endpoint could not be reached or answered with an error status."""

    code, status = "LLM_UNAVAILABLE", 503
    kind = "unavailable"


class LlmTimeout(LlmError):
    """No answer (or no first token) within the time allowed."""

    code, status = "LLM_TIMEOUT", 504
    kind = "timeout"


class LlmInvalidOutput(LlmError):
    """The reply was empty, not JSON, or did not validate against the schema."""

    code, status = "LLM_INVALID_OUTPUT", 502
    kind = "invalid_output"

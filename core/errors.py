"""Typed errors. The API turns them into the error body of API.md; sessions into events."""

from __future__ import annotations

from typing import Any


class IntervoxError(Exception):
    """Base error with a stable code, an HTTP status and a retryable flag."""

    code = "INTERNAL_ERROR"
    status = 500
    retryable = False

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class NotFound(IntervoxError):
    code, status = "NOT_FOUND", 404


class InterviewNotFound(NotFound):
    code = "INTERVIEW_NOT_FOUND"


class NoVideo(NotFound):
    code = "NO_VIDEO"


class ReportNotReady(NotFound):
    code = "REPORT_NOT_READY"


class RecordingNotFound(NotFound):
    code = "RECORDING_NOT_FOUND"


class Unauthorized(IntervoxError):
    code, status = "UNAUTHORIZED", 401


class Forbidden(IntervoxError):
    code, status = "FORBIDDEN", 403


class Conflict(IntervoxError):
    code, status = "CONFLICT", 409


class ModeMismatch(Conflict):
    """Typed answers in a spoken interview, or the like."""

    code = "MODE_MISMATCH"


class JoinLinkExpired(IntervoxError):
    code, status = "JOIN_LINK_EXPIRED", 410


class PayloadTooLarge(IntervoxError):
    code, status = "PAYLOAD_TOO_LARGE", 413


class InterviewEnded(IntervoxError):
    code, status = "INTERVIEW_ENDED", 409


class InvalidSdp(IntervoxError):
    code, status = "INVALID_SDP", 400


class ConsentRequired(IntervoxError):
    """No media before the candidate has agreed (403); refusing to agree is a 400."""

    code, status = "CONSENT_REQUIRED", 403


class FeedbackDisabled(NotFound):
    code = "FEEDBACK_DISABLED"


class InvalidInput(IntervoxError):
    code, status = "INVALID_INPUT", 400


class EngineBusy(IntervoxError):
    """An inference queue is full; try again shortly."""

    code, status, retryable = "ENGINE_BUSY", 503, True


class SandboxUnavailable(IntervoxError):
    """Coding interviews need the bubblewrap sandbox; without it they refuse to start."""

    code, status = "SANDBOX_UNAVAILABLE", 503


class LeaseLost(Conflict):
    """A write carried a fencing token older than the store has seen: another worker took
    the interview over (this one was paused or cut off past its lease) and must stop driving it."""

    code = "LEASE_LOST"


class InterviewHeldElsewhere(Conflict):
    """Another worker drives this interview now (it holds the interview's lease)."""

    code, retryable = "INTERVIEW_HELD_ELSEWHERE", True


class NoWorkerAvailable(IntervoxError):
    """An API process has no live media worker to send a spoken interview to."""

    code, status, retryable = "NO_WORKER_AVAILABLE", 503, True


class WrongMediaBackend(Conflict):
    """The request belongs to the other media backend (an SDP offer to a LiveKit server, ...)."""

    code = "WRONG_MEDIA_BACKEND"


class MediaServerUnavailable(IntervoxError):
    """The media server (LiveKit) could not be reached or refused this server's interviewer."""

    code, status, retryable = "MEDIA_SERVER_UNAVAILABLE", 503, True


class InvalidWebhookSignature(Unauthorized):
    """An incoming webhook without a valid signature of its sender."""

    code = "INVALID_SIGNATURE"


class LiveKitNotConfigured(NotFound):
    code = "LIVEKIT_NOT_CONFIGURED"

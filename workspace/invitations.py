"""The candidate's invitation: a ready email (subject and body) and an iCalendar event.

The join link holds a secret the server keeps only as a hash, so the link is known when an
interview is created and when its link is re-issued (the old one stops working). Otherwise the
texts carry `JOIN_LINK_PLACEHOLDER` where the link goes, for mail-merge tools."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from core.errors import Conflict

JOIN_LINK_PLACEHOLDER = "{join_url}"
PRODID = "-//Intervox//Interview invitation//EN"
_MODE_TEXT = {
    "video": "a video interview in your browser (camera and microphone)",
    "audio": "a voice interview in your browser (microphone only)",
    "phone": "a phone interview",
    "chat": "a written interview in your browser",
    "practice": "a practice interview in your browser",
}


class NotScheduled(Conflict):
    """A calendar event needs a start time."""

    code = "NOT_SCHEDULED"


@dataclass(frozen=True)
class InterviewFacts:
    """What the invitation says about the interview."""

    interview_id: str
    role: str
    mode: str
    duration_minutes: int
    candidate_name: str | None
    organisation: str
    scheduled_at: datetime | None


def new_join_token() -> tuple[str, str]:
    """(the token shown once, its SHA-256 hex as stored), like a new interview's."""
    token = secrets.token_urlsafe(24)
    return token, hashlib.sha256(token.encode()).hexdigest()


def _when(moment: datetime) -> str:
    return _utc(moment).strftime("%A %d %B %Y at %H:%M UTC")


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def email(facts: InterviewFacts, join_url: str | None) -> tuple[str, str]:
    """The subject and plain-text body of the invitation."""
    link = join_url or JOIN_LINK_PLACEHOLDER
    greeting = f"Dear {facts.candidate_name}," if facts.candidate_name else "Hello,"
    when = (
        f"It is planned for {_when(facts.scheduled_at)} and takes about {facts.duration_minutes} minutes."
        if facts.scheduled_at
        else f"You can take it whenever suits you; it takes about {facts.duration_minutes} minutes."
    )
    body = "\n".join(
        [
            greeting,
            "",
            f"Thank you for your interest in the {facts.role} position at {facts.organisation}. "
            f"We would like to invite you to {_MODE_TEXT.get(facts.mode, 'an interview')}.",
            when,
            "",
            "Join with your personal link (please do not share it):",
            link,
            "",
            "The interview is held by an AI interviewer and recorded; you will be asked to agree to "
            "the recording before it starts, and a person on our team reviews the result. Use a quiet "
            "place and an up-to-date browser (Chrome, Firefox, Safari or Edge).",
            "",
            "If you need another time or any adjustment, just reply to this email.",
            "",
            "Best regards,",
            facts.organisation,
        ]
    )
    subject = f"Interview invitation: {facts.role} at {facts.organisation}"
    return subject, body


def ics(facts: InterviewFacts, join_url: str | None, now: datetime) -> str:
    """An RFC 5545 calendar with one VEVENT (CRLF lines folded at 75 octets); NotScheduled without a start."""
    if facts.scheduled_at is None:
        raise NotScheduled("the interview has no scheduled_at, so there is no calendar event to make")
    subject, body = email(facts, join_url)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{facts.interview_id}@intervox",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(facts.scheduled_at)}",
        f"DURATION:PT{facts.duration_minutes}M",
        f"SUMMARY:{_text(subject)}",
        f"DESCRIPTION:{_text(body)}",
        *([f"URL:{join_url}", f"LOCATION:{_text(join_url)}"] if join_url else []),
        "STATUS:CONFIRMED",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)


def _stamp(moment: datetime) -> str:
    return _utc(moment).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """TEXT escaping: backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after CRLF and a space (never inside a
    UTF-8 character)."""
    parts: list[str] = []
    current, size, limit = "", 0, 75
    for ch in line:
        width = len(ch.encode())
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with the space
        current += ch
        size += width
    parts.append(current)
    return "\r\n ".join(parts)

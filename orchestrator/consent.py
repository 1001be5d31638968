"""A phone caller agrees to the recording (keypad 1 or "yes") before the interview starts;
the room and API callers agree through POST .../consent instead."""

from __future__ import annotations

import re

NOTICE = (
    "Hello, and thank you for calling. Before we start: this call is recorded and transcribed, "
    "and a summary of your answers goes to the recruiting team. To agree, press 1 or say yes. "
    "If you do not agree, just hang up."
)
AGAIN = "Sorry, I did not catch that. To agree to the recording, press 1 or say yes; otherwise hang up."
DECLINED = (
    "No problem. I can't hold the interview without your agreement, so I'll end the call here. "
    "If you change your mind, call back. Goodbye."
)
PHONE_CONSENT = {"recording": True, "camera_analysis": False, "via": "phone"}

_YES = re.compile(r"\b(yes|yeah|yep|sure|i agree|agreed|okay|ok|of course|go ahead)\b")
_NO = re.compile(r"\b(no|nope|i don't agree|i do not agree|decline|not agree)\b")


def consent_from_speech(text: str) -> bool | None:
    """True for a clear yes, False for a clear no, None when unclear."""
    said = text.lower()
    no, yes = bool(_NO.search(said)), bool(_YES.search(said))
    if no:
        return False
    return True if yes else None


def consent_from_digit(digit: str) -> bool | None:
    return True if digit == "1" else None

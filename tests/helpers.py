"""Test helpers: word error rate on normalised text."""

from __future__ import annotations

import re

import jiwer

WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()
NUMBERS = {str(i): w for i, w in enumerate(WORDS)}


def normalise(text: str) -> str:
    text = text.lower().replace("-", " ")
    words = re.findall(r"[a-z0-9']+", text)
    return " ".join(NUMBERS.get(w, w) for w in words)


def wer(reference: str, hypothesis: str) -> float:
    return float(jiwer.wer(normalise(reference), normalise(hypothesis)))


def spoken_wer(reference: str, hypothesis: str) -> float:
    """Word error rate on what is said: "p95", "API", "99.9%" compared as the words spoken,
    so Whisper writing "P95" for "p ninety five" is not an error."""
    from tts.normalize import speakable

    return wer(speakable(reference), speakable(hypothesis))

"""Splitting replies into sentences so the first one plays while the rest is made."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def split_sentences(text: str) -> list[str]:
    """Split on sentence ends; never returns empty strings."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]

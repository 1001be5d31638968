"""Splitting replies into sentences so the first one plays while the rest is made."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def split_sentences(text: str) -> list[str]:
    """Split on sentence ends; never returns empty strings."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


class SentenceBuffer:
    """Text arriving in pieces (an LLM's stream) in, whole sentences out as soon as
    the next one has begun, so the first can be spoken while the rest is written."""

    def __init__(self) -> None:
        self._text = ""

    def push(self, piece: str) -> list[str]:
        """Add a piece; returns the sentences it completed."""
        self._text += piece
        parts = _SENTENCE_END.split(self._text.lstrip())
        if len(parts) < 2:
            return []
        # the last one may still be growing: keep it (spaces too) until a later end shows it is done
        self._text = parts[-1]
        return [p.strip() for p in parts[:-1] if p.strip()]

    def flush(self) -> list[str]:
        """The end of the stream: whatever is left is a sentence."""
        rest, self._text = split_sentences(self._text), ""
        return rest

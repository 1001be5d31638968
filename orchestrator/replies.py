"""What the interviewer says next: a kind, and its words as they are produced."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Literal

ReplyKind = Literal["question", "followup", "prompt", "repeat", "closing", "answer"]


@dataclass
class Reply:
    """A reply. Its words stream from the interviewer provider (the first sentence can be
    spoken before the rest exists); `text` holds all of them once read."""

    kind: ReplyKind
    question_id: str | None
    text: str = ""
    stream: AsyncIterator[str] | None = None
    ends_interview: bool = False
    hangs_up: bool = False  # end the call after saying it; the interview stays resumable
    voice: str | None = None  # the speaking persona's voice; None: the configured one
    _on_text: list[Callable[[str], None]] = field(default_factory=list, repr=False)

    async def chunks(self) -> AsyncIterator[str]:
        """The words as they come (once); afterwards `text` is the whole reply."""
        if self.stream is None:
            if self.text:
                yield self.text
            return
        stream, self.stream = self.stream, None
        parts: list[str] = []
        async for piece in stream:
            parts.append(piece)
            yield piece
        self.text = "".join(parts).strip()
        for listener in self._on_text:
            listener(self.text)

    async def full_text(self) -> str:
        async for _ in self.chunks():
            pass
        return self.text

    def prefixed(self, words: str) -> Reply:
        """The same reply with `words` said first (practice feedback before the next question)."""
        inner = self.chunks()

        async def joined() -> AsyncIterator[str]:
            yield words.strip() + " "
            async for piece in inner:
                yield piece

        return Reply(
            self.kind,
            self.question_id,
            stream=joined(),
            ends_interview=self.ends_interview,
            hangs_up=self.hangs_up,
            _on_text=self._on_text,
        )

    def remembering(self, listener: Callable[[str], None]) -> Reply:
        """Call `listener` with the whole text once it has been produced."""
        self._on_text.append(listener)
        return self

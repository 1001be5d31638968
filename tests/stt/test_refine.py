"""The accurate pass's worker (a fake engine) and the assembly of Whisper base from its
two packages (tiny stand-in parts, so the fast tier reads no 145 MB file)."""

import asyncio
import hashlib
import os
import threading

import numpy as np
import pytest

from core.errors import EngineBusy
from stt import models
from stt.refine import Refiner
from stt.whisper import Transcript


class FakeEngine:
    def __init__(self, gate: threading.Event | None = None) -> None:
        self.gate = gate
        self.threads: list[str] = []
        self.started = threading.Event()  # a job reached the engine

    def transcribe(self, audio, beam_size=None):
        self.started.set()
        if self.gate is not None:
            self.gate.wait(5)
        self.threads.append(threading.current_thread().name)
        self.nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        return Transcript(text=f"{len(audio)} samples, beam {beam_size}")


async def test_transcribes_off_the_loop_with_the_engine_loaded_in_its_thread():
    engine = FakeEngine()
    refiner = Refiner(lambda: engine, "base")
    result = await refiner.transcribe(np.zeros(1600, dtype=np.int16), 5)
    assert result.text == "1600 samples, beam 5" and engine.threads == ["whisper-refine"]
    # Linux nices one thread: the refiner runs at the lowest priority, the loop's thread does not
    assert engine.nice == 19
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) < 19
    refiner.close()


async def test_a_full_queue_says_busy_instead_of_growing():
    gate = threading.Event()
    engine = FakeEngine(gate)
    refiner = Refiner(lambda: engine, "base", max_pending=1)
    first = asyncio.ensure_future(refiner.transcribe(np.zeros(160, dtype=np.int16)))
    assert await asyncio.to_thread(engine.started.wait, 5)  # taken by the worker, which waits on the gate
    queued = asyncio.ensure_future(refiner.transcribe(np.zeros(160, dtype=np.int16)))
    await asyncio.sleep(0.01)
    with pytest.raises(EngineBusy):
        await refiner.transcribe(np.zeros(160, dtype=np.int16))
    gate.set()
    assert (await first).text and (await queued).text
    refiner.close()


async def test_a_model_that_cannot_load_fails_each_job_and_the_worker_lives():
    def broken():
        raise OSError("no model.bin")

    refiner = Refiner(broken, "base")
    for _ in range(2):
        with pytest.raises(RuntimeError, match="unavailable"):
            await refiner.transcribe(np.zeros(160, dtype=np.int16))
    refiner.close()


@pytest.fixture
def parts(tmp_path, monkeypatch):
    """Stand-in packages: two parts and a config, with their hashes pinned."""
    one, two = tmp_path / "p1", tmp_path / "p2"
    one.mkdir(), two.mkdir()
    (one / "model.bin.part1").write_bytes(b"first half ")
    (two / "model.bin.part2").write_bytes(b"second half")
    (one / "config.json").write_text("{}")
    sha = {
        "model.bin.part1": hashlib.sha256(b"first half ").hexdigest(),
        "model.bin.part2": hashlib.sha256(b"second half").hexdigest(),
        "model.bin": hashlib.sha256(b"first half second half").hexdigest(),
        "config.json": hashlib.sha256(b"{}").hexdigest(),
    }
    monkeypatch.setattr(models, "BASE_SHA256", sha)
    monkeypatch.setattr(models, "BASE_MODEL_BYTES", 22)
    monkeypatch.setattr(models, "_package_data", lambda name: one if name.endswith("1") else two)
    return tmp_path


def test_base_is_joined_checked_and_reused(parts):
    target = models.assemble_base(parts / "cache")
    assert (target / "model.bin").read_bytes() == b"first half second half"
    assert (target / "config.json").read_text() == "{}"
    (parts / "p1" / "model.bin.part1").unlink()  # a second start does not need the packages
    assert models.assemble_base(parts / "cache") == target


def test_a_part_that_does_not_match_its_checksum_leaves_nothing_behind(parts):
    (parts / "p2" / "model.bin.part2").write_bytes(b"tampered!!!")
    with pytest.raises(models.ModelUnavailable, match="part2"):
        models.assemble_base(parts / "cache")
    assert sorted(p.name for p in (parts / "cache").iterdir()) == []


def test_base_falls_back_to_tiny_en_when_it_cannot_be_assembled(monkeypatch, caplog):
    def missing(target=None):
        raise models.ModelUnavailable("packages not installed")

    monkeypatch.setattr(models, "assemble_base", missing)
    models._bundled_path.cache_clear()
    try:
        assert models.served_name("base") == "tiny.en"
        assert models.resolve_model("base") == models.resolve_model("tiny.en")
        assert "using tiny.en instead" in caplog.text
    finally:
        models._bundled_path.cache_clear()


def test_a_local_folder_is_labelled_by_its_name(tmp_path):
    assert models.served_name(str(tmp_path)) == tmp_path.name

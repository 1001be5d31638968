"""Shared fixtures: settings on a temporary database, the simulated candidate's speech."""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np
import pytest

from api.demo import speak
from api.settings import Settings
from core.audio import SAMPLE_RATE, read_wav, write_wav

SPEECH_CACHE = Path(__file__).parent.parent / "test-artifacts" / "speech"


def speech(text: str, voice: str = "candidate", lead_s: float = 0.0, tail_s: float = 0.0) -> np.ndarray:
    """Real speech as 16 kHz int16, cached by voice and text: the simulated candidate's
    Piper voice (a preset from tts.voices, not the interviewer's), or `espeak-en-us`."""
    SPEECH_CACHE.mkdir(parents=True, exist_ok=True)
    path = SPEECH_CACHE / (hashlib.sha1(f"v3:{voice}:{text}".encode()).hexdigest()[:16] + ".wav")
    if not path.exists():  # written aside, then renamed: parallel test workers share the cache
        partial = path.with_suffix(f".{os.getpid()}.part")
        write_wav(str(partial), speak(text, voice)[SAMPLE_RATE // 2 :])  # the cache keeps no lead-in
        partial.replace(path)
    pcm = read_wav(str(path))
    lead = np.zeros(int(lead_s * SAMPLE_RATE), dtype=np.int16)
    tail = np.zeros(int(tail_s * SAMPLE_RATE), dtype=np.int16)
    return np.concatenate([lead, pcm, tail])


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path}/intervox.db")


@pytest.fixture(scope="session", autouse=True)
def shared_engines():
    """Apps made by the tests share their loaded engines, as the one app of a server does.

    Each app's start loads Whisper, Smart Turn and every persona's voice (with its
    acknowledgements synthesised): seconds and hundreds of MB per app, repeated by every test
    that makes an app. Engines are keyed by their options (and a voice by its model entry,
    which tests may replace); a voice that has fallen back to espeak-ng is not reused, so no
    test sees another's degraded voice. Workers, queues and sessions stay per app."""
    import api.runtime
    import tts.voices
    from stt import smart_turn
    from stt.whisper import WhisperEngine

    engines: dict[object, object] = {}
    load_smart_turn, make_voice = smart_turn.load, api.runtime.make_synthesizer

    def whisper(options):
        key = ("whisper", options)
        if key not in engines:
            engines[key] = WhisperEngine(options)
        return engines[key]

    def turn_model(path: str = ""):
        key = ("smart_turn", path)
        if key not in engines or engines[key] is None:
            engines[key] = load_smart_turn(path)
        return engines[key]

    def voice(options):
        key = ("voice", options, repr(sorted(tts.voices.MODELS.items())))
        cached = engines.get(key)
        if cached is None or cached.status == "degraded":
            engines[key] = cached = make_voice(options)
        return cached

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(api.runtime, "WhisperEngine", whisper)
        patch.setattr(smart_turn, "load", turn_model)
        patch.setattr(api.runtime, "make_synthesizer", voice)
        yield engines


@pytest.fixture(scope="session")
def redis_server():
    """A real `redis-server` for this test session (per xdist worker), on a free port."""
    from tests.servers import RedisServer

    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server) -> str:
    """The session's Redis, emptied for this test."""
    import redis

    with redis.Redis.from_url(redis_server.url) as client:
        client.flushall()
    return redis_server.url


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL cluster for this test session (per xdist worker), on a free port."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install '.[postgres]')")
    from tests.servers import shared_postgres, stop_shared_postgres

    yield shared_postgres()
    stop_shared_postgres()  # pytest-xdist workers end without running atexit handlers


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """An empty database of its own on the session's PostgreSQL."""
    return postgres_server.database()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path) -> str:
    """The store's tests run on both databases: a SQLite file and a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/intervox.db"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(params=["inprocess", "redis"])
async def processes(request):
    """The shared-state backends (store/backends.py) of two processes. In-process they are one
    and the same (nothing in-process spans processes); on Redis each has its own connection, as
    two servers would."""
    from store.backends import make_backends

    if request.param == "inprocess":
        one = make_backends()
        pair = (one, one)
    else:
        url = request.getfixturevalue("redis_url")
        pair = (make_backends(url), make_backends(url))
    yield pair
    for backends in {id(b): b for b in pair}.values():
        await backends.close()


@pytest.fixture(autouse=True)
def serial_when_marked(request):
    """Tests marked `serial` run alone, even with pytest-xdist workers: they hold a budget
    (/health under 200 ms during a flood, a frame out within 15 ms) that another worker's
    Whisper on the same two cores would spend. Every other test holds a shared lock for its
    duration; a serial one closes the gate to new tests, then waits for the running one."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:
        yield
        return
    base = os.path.join(tempfile.gettempdir(), f"intervox-tests-{run}")
    mode = fcntl.LOCK_EX if request.node.get_closest_marker("serial") else fcntl.LOCK_SH
    with open(base + ".gate", "a") as gate, open(base + ".run", "a") as running:
        fcntl.flock(gate, fcntl.LOCK_EX)
        fcntl.flock(running, mode)
        fcntl.flock(gate, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(running, fcntl.LOCK_UN)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on a real server carry its marker (`-m redis`, `-m postgres`, or `-m "not postgres"`).
    Serial tests first: at the start the workers run them (one at a time) instead of idling,
    gate closed, until another's minute-long interview test ends. Then the real-engine (slow)
    tests, the long ones, while the fast ones fill the gaps at the end (with `--dist worksteal`
    an idle worker takes tests queued on a busy one): the suite ends when its longest test does,
    not when the worker that drew the last long test is done."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "redis_url" in names or "redis_server" in names or params.get("processes") == "redis":
            item.add_marker(pytest.mark.redis)
        if "postgres_url" in names or params.get("database_url") == "postgres":
            item.add_marker(pytest.mark.postgres)
    items.sort(
        key=lambda item: (item.get_closest_marker("serial") is None, item.get_closest_marker("slow") is None)
    )

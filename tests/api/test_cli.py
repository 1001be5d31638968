"""`intervox serve` (the installed console script) starts on embedded defaults."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from api.server import free_port

pytestmark = pytest.mark.slow


def test_intervox_serve_starts_and_answers_health(tmp_path):
    script = Path(sys.executable).parent / "intervox"
    assert script.exists(), "the console script is installed with the package"
    port = free_port()
    env = {**os.environ, "INTERVOX_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}
    proc = subprocess.Popen(
        [str(script), "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.time() + 60
        body = None
        while time.time() < deadline and body is None:
            try:
                body = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).json()
            except httpx.HTTPError:
                time.sleep(0.2)
        assert body is not None, proc.stdout.read(2000) if proc.poll() is not None else "no answer"
        assert body["status"] == "ok" and body["components"]["stt"] == "ok"
        assert (tmp_path / "cli.db").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=15)

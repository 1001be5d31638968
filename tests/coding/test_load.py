"""Ten candidates press Run at once, most of them with hostile code: every run is answered,
each attack is stopped and reported, and /health stays under 200 ms throughout (a real server
in its own process, /health polled from another, as in tests/api/test_floods.py)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from coding.tasks import bank
from tests.api.test_floods import ADMIN_EMAIL, ADMIN_PASSWORD, HealthWatch, server_process

pytestmark = [pytest.mark.slow, pytest.mark.serial]  # /health under 200 ms: alone, even under xdist

RUNS = [
    ("python", "def is_balanced(s):\n    while True:\n        pass\n", "timeout"),
    ("javascript", "function isBalanced(s) { for (;;) {} }", "timeout"),
    ("python", "import os\ndef is_balanced(s):\n    while True:\n        os.fork()\n", "error"),
    (
        "python",
        "def is_balanced(s):\n    hog = []\n    while True:\n        hog.append(bytearray(10**7))\n",
        "memory_limit",
    ),
    (
        "javascript",
        "function isBalanced(s) { const a = []; for (;;) a.push(new Array(1e6).fill(1)); }",
        "memory_limit",
    ),
    ("python", "def is_balanced(s):\n    while True:\n        print('x' * 1000)\n", "error"),
    ("python", "def is_balanced(s):\n    return open('/etc/shadow').read()\n", "error"),
    ("python", "import ctypes\ndef is_balanced(s):\n    return ctypes.string_at(0)\n", "error"),
    ("javascript", bank()["balanced-brackets"].reference["javascript"], "passed"),
    ("python", "def is_balanced(s):\n    return len(s) % 2 == 0\n", "failed"),
]


def test_ten_runs_at_once_keep_the_server_responsive(tmp_path):
    env = {
        "INTERVOX_DATABASE_URL": f"sqlite:///{tmp_path}/load.db",
        "INTERVOX_ADMIN_EMAIL": ADMIN_EMAIL,
        "INTERVOX_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "INTERVOX_VISION__ENABLED": "false",
        "INTERVOX_LOG_LEVEL": "warning",
        "INTERVOX_CODING__CPU_S": "2",
        "INTERVOX_CODING__WALL_S": "4",
    }
    with server_process(env) as server, httpx.Client(base_url=server.base_url, timeout=60) as http:
        login = http.post("/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        recruiter = {"Authorization": f"Bearer {login.json()['access_token']}"}
        interviews = []
        for language, _, _ in RUNS:
            body = {
                "role": "Backend Engineer",
                "mode": "coding",
                "task_id": "balanced-brackets",
                "code_language": language,
            }
            r = http.post("/api/v1/interviews", json=body, headers=recruiter)
            assert r.status_code == 201, r.text
            interviews.append(r.json())

        def press_run(i: int) -> httpx.Response:
            iv, (language, code, _) = interviews[i], RUNS[i]
            join = {"Authorization": f"Bearer {iv['join_token']}"}
            return http.post(
                f"/api/v1/interviews/{iv['id']}/run", json={"language": language, "code": code}, headers=join
            )

        with HealthWatch(server.base_url) as health, ThreadPoolExecutor(len(RUNS)) as pool:
            answers = list(pool.map(press_run, range(len(RUNS))))
        health.assert_healthy()
        assert [r.status_code for r in answers] == [200] * len(RUNS), [r.text[:200] for r in answers]
        assert [r.json()["status"] for r in answers] == [expected for _, _, expected in RUNS]
        assert http.get("/health").json()["components"]["coding"] == "ok"

"""Leases between real worker processes (tests/lease_worker.py) on a real Redis: two workers
race for one interview and one wins; a worker paused past its lease (SIGSTOP) cannot write
once it resumes, because the worker that took over claimed the interview with a newer token."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orchestrator.plan import plan_interview
from store.db import make_session_factory
from store.repository import InterviewRepository

ROOT = Path(__file__).parent.parent.parent
TTL_S = 1.0


@pytest.fixture
def repo(database_url):
    repo = InterviewRepository(make_session_factory(database_url))
    repo.url = database_url  # type: ignore[attr-defined]
    return repo


@pytest.fixture
def interview(repo):
    row, questions, _ = plan_interview("Backend Engineer", duration_minutes=12)
    repo.create(row, questions)
    return row.id


class Worker:
    def __init__(self, redis_url: str, database_url: str, interview: str, name: str) -> None:
        argv = [sys.executable, "-m", "tests.lease_worker", "--redis", redis_url, "--database", database_url]
        argv += ["--interview", interview, "--worker", name, "--ttl", str(TTL_S)]
        self.process = subprocess.Popen(
            argv, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )

    def answer(self, key: str) -> dict:
        """The next line that carries `key` (a `lost` notice may come first)."""
        assert self.process.stdout is not None
        while line := self.process.stdout.readline():
            message = json.loads(line)
            if key in message:
                return message
        raise AssertionError(f"the worker exited with {self.process.wait()} before saying {key}")

    def write(self, text: str) -> dict:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        return self.answer("written")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


@pytest.fixture
def workers(redis_url, repo, interview):
    started: list[Worker] = []

    def start(name: str) -> Worker:
        started.append(Worker(redis_url, repo.url, interview, name))
        return started[-1]

    yield start
    for worker in started:
        worker.stop()  # SIGKILL ends a stopped process too


def test_two_workers_race_for_one_interview_and_one_wins(workers):
    racers = [workers("worker-a"), workers("worker-b")]
    answers = [racer.answer("held") for racer in racers]
    assert sorted(a["held"] for a in answers) == [False, True]
    loser = next(a for a in answers if not a["held"])
    assert loser["error"] == "INTERVIEW_HELD_ELSEWHERE"


def test_a_worker_paused_past_its_lease_cannot_write_after_it_resumes(workers, repo, interview):
    paused = workers("worker-a")
    first = paused.answer("held")
    assert first["held"] and paused.write("before the pause") == {"written": True}
    os.kill(paused.process.pid, signal.SIGSTOP)
    time.sleep(TTL_S + 0.3)  # its lease runs out while it cannot renew
    successor = workers("worker-b")
    second = successor.answer("held")
    assert second["held"] and second["token"] > first["token"]
    assert successor.write("after the takeover") == {"written": True}
    os.kill(paused.process.pid, signal.SIGCONT)
    assert paused.write("from the paused worker") == {"written": False, "error": "LEASE_LOST"}
    assert successor.write("the successor goes on") == {"written": True}
    texts = [s.text for s in repo.segments(interview)]
    assert texts == ["before the pause", "after the takeover", "the successor goes on"]
    assert repo.get(interview).lease_token == second["token"]

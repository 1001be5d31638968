"""Coding interviews through the API: the candidate's view of the task, drafts, runs (seed 000's
shapes), integrity reports, recruiters' tasks, the report's coding section, and the refusal
without a sandbox."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from coding.tasks import bank
from tests.api.conftest import api_settings, assert_error, auth, create, login

TASK = bank()["balanced-brackets"]
GOOD = TASK.reference["python"]
RUN_KEYS = {"status", "tests", "stdout", "stderr", "wall_ms", "cpu_ms", "memory_kb"}


def coding(client, **body):
    return create(client, mode="coding", task_id="balanced-brackets", code_language="python", **body)


def test_the_candidate_sees_the_task_but_never_its_hidden_tests(client):
    iv = coding(client)
    r = client.get(f"/api/v1/interviews/{iv['id']}/task", headers=auth(iv))
    assert r.status_code == 200, r.text
    task = r.json()
    assert task["id"] == TASK.id and task["starter"]["python"] and task["draft"] is None
    assert task["hidden_test_count"] == len(TASK.hidden_tests) and task["limits"]["cpu_s"] > 0
    text = r.text
    assert "reference" not in task and "hidden_tests" not in task and GOOD.strip()[:40] not in text
    assert all(t.name not in text for t in TASK.hidden_tests)
    assert client.get(f"/api/v1/interviews/{iv['id']}", headers=auth(iv)).json()["status"] == "in_progress"
    full = client.get(f"/api/v1/tasks/{TASK.id}", headers=client.recruiter).json()  # recruiters: everything
    assert full["reference"]["python"] == GOOD and len(full["hidden_tests"]) == len(TASK.hidden_tests)


def test_drafts_runs_integrity_and_the_report(client):
    iv = coding(client)
    base, join = f"/api/v1/interviews/{iv['id']}", auth(iv)
    first = client.put(
        f"{base}/code",
        json={"language": "python", "code": "def is_balanced(s):\n    return 1\n"},
        headers=join,
    )
    assert first.status_code == 200 and first.json()["version"] == 1
    r = client.post(f"{base}/run", headers=join)  # the latest draft
    assert r.status_code == 200 and set(r.json()) >= RUN_KEYS and r.json()["status"] == "failed"
    r = client.post(f"{base}/run", json={"language": "python", "code": GOOD}, headers=join)  # saved, then run
    result = r.json()
    assert result["status"] == "passed" and result["version"] == 2, result
    assert {"name", "passed", "expected", "actual", "error"} <= set(result["tests"][0])
    for report in (
        {"type": "paste", "details": {"chars": 640}},
        {"type": "tab_switch", "at": "2030-01-01T10:00:00Z", "details": {"duration_ms": 12000}},
        {"type": "devtools"},
    ):
        assert client.post(f"{base}/integrity", json=report, headers=join).status_code == 202
    bad = client.post(f"{base}/integrity", json={"type": "screenshot"}, headers=join)
    assert_error(bad, 422, "VALIDATION_ERROR")
    summary = client.get(f"{base}/integrity", headers=client.recruiter).json()
    assert summary["counts"]["paste"] == 1 and summary["time_away_s"] == 12.0 and summary["large_pastes"]
    assert "not a verdict" in summary["note"]
    history = client.get(f"{base}/code", headers=client.recruiter).json()
    assert [v["version"] for v in history["versions"]] == [1, 2] and len(history["runs"]) == 2
    report = client.post(f"{base}/end", headers=client.recruiter).json()
    section = report["coding"]
    assert section["correctness"]["share"] == 1.0 and section["optimality"]["verdict"] == "optimal"
    assert section["style"]["tool"] == "ruff" and section["integrity"]["counts"]["devtools"] == 1
    assert report["dimensions"]["coding"] == section["score"] and report["weights"] == {"coding": 1.0}
    assert section["feedback"]["candidate"] in report["candidate_feedback"]
    assert "not a verdict" in report["summary"]
    ended = client.put(f"{base}/code", json={"language": "python", "code": GOOD}, headers=join)
    assert_error(ended, 409, "INTERVIEW_ENDED")


def test_limits_on_code(client):
    iv = coding(client)
    base, join = f"/api/v1/interviews/{iv['id']}", auth(iv)
    huge = client.put(f"{base}/code", json={"language": "python", "code": "#" * 70_000}, headers=join)
    assert_error(huge, 413, "PAYLOAD_TOO_LARGE")
    assert_error(client.post(f"{base}/run", headers=join), 404, "NO_CODE")
    chat = create(client, mode="chat")
    r = client.put(
        f"/api/v1/interviews/{chat['id']}/code", json={"language": "python", "code": "x"}, headers=auth(chat)
    )
    assert_error(r, 409, "MODE_MISMATCH")
    r = client.post("/api/v1/interviews", json={"role": "QA", "task_id": TASK.id}, headers=client.recruiter)
    assert_error(r, 422, "VALIDATION_ERROR")  # a task only in coding interviews
    missing = client.post(
        "/api/v1/interviews",
        json={"role": "QA", "mode": "coding", "task_id": "no-such"},
        headers=client.recruiter,
    )
    assert_error(missing, 404, "TASK_NOT_FOUND")


def test_a_task_is_chosen_when_none_is_named(client):
    iv = create(client, mode="coding", level="senior", skills=["deques"], code_language="javascript")
    assert iv["task_id"] == "window-maximum-sum" and iv["code_language"] == "javascript"


def test_recruiters_add_tasks_validated_in_the_sandbox(client):
    body = TASK.model_dump(mode="json")
    body["id"] = "our-brackets"
    body["hidden_tests"].append({"name": "answer from the reference", "args": ["(()"]})
    r = client.post("/api/v1/tasks", json=body, headers=client.recruiter)
    assert r.status_code == 201, r.text
    added = r.json()
    assert added["id"].startswith("our-brackets-") and added["source"] == "organisation"
    assert added["hidden_tests"][-1]["expected"] is False  # filled by the reference
    listed = client.get("/api/v1/tasks", headers=client.recruiter).json()["items"]
    assert added["id"] in [t["id"] for t in listed] and len(listed) == len(bank()) + 1
    iv = create(client, mode="coding", task_id=added["id"])
    assert client.get(f"/api/v1/interviews/{iv['id']}/task", headers=auth(iv)).json()["title"] == TASK.title
    body["reference"]["javascript"] = "function isBalanced(s) { return true; }"
    broken = client.post("/api/v1/tasks", json=body, headers=client.recruiter)
    details = assert_error(broken, 422, "TASK_INVALID")["details"]
    assert {p["language"] for p in details["problems"]} == {"javascript"}


@pytest.fixture(scope="module")
def no_sandbox(tmp_path_factory):
    settings = api_settings(tmp_path_factory.mktemp("nosandbox"), coding={"bwrap": "/nonexistent/bwrap"})
    with TestClient(create_app(settings)) as c:
        c.recruiter = login(c)  # type: ignore[attr-defined]
        yield c


def test_without_bubblewrap_coding_interviews_refuse_to_start(no_sandbox):
    health = no_sandbox.get("/health").json()
    assert health["components"]["coding"].startswith("unavailable: /nonexistent/bwrap not found")
    r = no_sandbox.post(
        "/api/v1/interviews", json={"role": "QA", "mode": "coding"}, headers=no_sandbox.recruiter
    )
    error = assert_error(r, 503, "SANDBOX_UNAVAILABLE")
    assert "bubblewrap" in error["message"]
    assert create(no_sandbox, mode="chat")["status"] == "scheduled"  # the rest works

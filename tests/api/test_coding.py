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
    task = client.get(f"{base}/task", headers=join).json()  # the editor's buffer per language
    assert task["drafts"] == {"python": {"version": 2, "language": "python", "code": GOOD}}
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
    assert report["questions"] == [] and "not asked" not in str(report)  # no ordinary question plan
    assert section["soft_skills"]["score"] is None  # no conversation: communication is not measured
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
    planned = client.post(
        "/api/v1/interviews",
        json={"role": "QA", "mode": "coding", "questions": [{"text": "Why QA?"}]},
        headers=client.recruiter,
    )
    assert_error(planned, 422, "VALIDATION_ERROR")  # the conversation is about the code
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


def test_the_candidates_channel_never_carries_hidden_tests_scores_or_integrity(client):
    """Everything a coding interview does, watched from both sides: the candidate's WebSocket gets
    only candidate-safe events (no code_update, code_run or integrity events, no hidden test, no
    score, no integrity figure); the recruiter's gets them all."""
    from tests.e2e.conftest import assert_candidate_safe

    iv = coding(client)
    base, join = f"/api/v1/interviews/{iv['id']}", auth(iv)
    ws = f"/api/v1/ws/interviews/{iv['id']}?token="
    recruiter_token = client.recruiter["Authorization"].removeprefix("Bearer ")
    with (
        client.websocket_connect(ws + iv["join_token"]) as candidate,
        client.websocket_connect(ws + recruiter_token) as recruiter,
    ):
        assert candidate.receive_json()["type"] == recruiter.receive_json()["type"] == "connected"
        assert client.get(f"{base}/task", headers=join).status_code == 200
        wrong = {"language": "python", "code": "def is_balanced(s):\n    return True\n"}
        assert client.post(f"{base}/run", json=wrong, headers=join).json()["status"] == "failed"
        client.post(f"{base}/run", json={"language": "python", "code": GOOD}, headers=join)
        for report in ({"type": "paste", "details": {"chars": 900}}, {"type": "devtools"}):
            assert client.post(f"{base}/integrity", json=report, headers=join).status_code == 202
        client.post(f"{base}/end", headers=client.recruiter)
        seen = {"candidate": [], "recruiter": []}
        for name, socket in (("candidate", candidate), ("recruiter", recruiter)):
            while not seen[name] or seen[name][-1]["type"] != "interview_ended":
                seen[name].append(socket.receive_json())
    assert_candidate_safe(seen["candidate"], "candidate WebSocket")
    kinds = {e["type"] for e in seen["candidate"]}
    assert kinds.isdisjoint({"code_update", "code_run", "integrity", "score_update", "metrics"}), kinds
    raw = str([{k: v for k, v in e.items() if k != "ts"} for e in seen["candidate"]])  # "…06.900Z" is no leak
    assert all(
        t.name not in raw for t in TASK.hidden_tests if t.name not in {v.name for v in TASK.visible_tests}
    )
    assert "900" not in raw and "devtools" not in raw and "chars" not in raw
    watched = {e["type"] for e in seen["recruiter"]}
    assert {"code_update", "code_run", "integrity"} <= watched


def test_the_pdf_has_the_coding_pages_for_review(client):
    import subprocess
    from pathlib import Path

    iv = coding(client, candidate_name="Robin Example")
    base, join = f"/api/v1/interviews/{iv['id']}", auth(iv)
    client.post(f"{base}/run", json={"language": "python", "code": GOOD}, headers=join)
    client.post(f"{base}/integrity", json={"type": "paste", "details": {"chars": 640}}, headers=join)
    client.post(
        f"{base}/integrity", json={"type": "tab_switch", "details": {"duration_ms": 9000}}, headers=join
    )
    client.post(f"{base}/end", headers=client.recruiter)
    r = client.get(f"{base}/report.pdf", headers=client.recruiter)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    artifacts = Path(__file__).parent.parent.parent / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    pdf = artifacts / "report-coding.pdf"
    pdf.write_bytes(r.content)
    pages = ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "3", str(pdf), str(artifacts / "report-coding")]
    subprocess.run(pages, check=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    flat = " ".join(text.stdout.split())
    assert "Robin Example" in flat and "Final code" in flat and "hidden tests" in flat
    assert (
        "The coding task" in flat and TASK.title in flat and "Hidden test" in flat and "Large input" in flat
    )
    assert "Code style: ruff" in flat and "pairs = {" in flat  # the final code, printed
    assert "Integrity signals from the editor" in flat and "not a verdict" in flat and "tab switch" in flat
    assert "Questions and answers" not in flat and "Score per question" not in flat  # no question plan


def test_the_candidates_export_holds_their_code_runs_and_signals(client):
    import io
    import json
    import zipfile

    person = client.post("/api/v1/candidates", json={"name": "Kim Coder"}, headers=client.recruiter).json()
    iv = coding(client, candidate_id=person["id"])
    base, join = f"/api/v1/interviews/{iv['id']}", auth(iv)
    client.put(
        f"{base}/code", json={"language": "python", "code": "def is_balanced(s):\n    pass\n"}, headers=join
    )
    client.post(f"{base}/run", json={"language": "python", "code": GOOD}, headers=join)
    client.post(f"{base}/integrity", json={"type": "copy", "details": {"source": "statement"}}, headers=join)
    r = client.get(f"/api/v1/candidates/{person['id']}/export", headers=client.recruiter)
    assert r.status_code == 200, r.text
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    folder = f"interviews/{iv['id']}/code"
    versions = json.loads(archive.read(f"{folder}/versions.json"))
    assert [v["version"] for v in versions] == [1, 2] and versions[1]["code"] == GOOD
    assert archive.read(f"{folder}/final.py").decode() == GOOD
    runs = json.loads(archive.read(f"{folder}/runs.json"))
    assert runs[0]["status"] == "passed" and runs[0]["result"]["tests"]
    assert json.loads(archive.read(f"{folder}/integrity.json"))[0]["details"] == {"source": "statement"}
    other = create(client, mode="chat", candidate_id=person["id"])  # not a coding interview: no code folder
    again = zipfile.ZipFile(
        io.BytesIO(client.get(f"/api/v1/candidates/{person['id']}/export", headers=client.recruiter).content)
    )
    assert not [n for n in again.namelist() if n.startswith(f"interviews/{other['id']}/code")]

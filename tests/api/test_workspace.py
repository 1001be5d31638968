"""The recruiter's workspace through the HTTP API: jobs, candidates with real resumes, interviews made
from both, the invitation (email and a calendar file parsed back), and the candidate's data rights
(export as a zip, erase with counts), each audited."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.conftest import api_settings, assert_error, login
from tests.fakes.openai_server import FakeOpenAIServer
from tests.helpers import decode_recording, record_camera, record_tones
from tests.workspace.test_resumes import docx_resume, pdf_resume

OTHER = ("admin@elsewhere.test", "long enough password")


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    settings = api_settings(tmp_path_factory.mktemp("workspace"), rate_limit={"enabled": False})
    with TestClient(create_app(settings)) as c:
        c.app.state.runtime.accounts.ensure_admin(*OTHER, "Elsewhere")
        c.recruiter = login(c)  # type: ignore[attr-defined]
        c.other = login(c, *OTHER)  # type: ignore[attr-defined]
        yield c


def job(api, **body):
    body = {"title": "Backend Engineer", "level": "senior", "skills": ["Python", "PostgreSQL"]} | body
    r = api.post("/api/v1/jobs", json=body, headers=api.recruiter)
    assert r.status_code == 201, r.text
    return r.json()


def candidate(api, **body):
    r = api.post("/api/v1/candidates", json={"name": "Jane Doe"} | body, headers=api.recruiter)
    assert r.status_code == 201, r.text
    return r.json()


def upload(api, candidate_id, data, name):
    return api.post(
        f"/api/v1/candidates/{candidate_id}/resume", files={"file": (name, data)}, headers=api.recruiter
    )


# -- jobs -----------------------------------------------------------------------------------------


def test_jobs_are_listed_searched_filtered_changed_archived_and_deleted(api):
    platform = job(api, title="Platform Engineer", description="Kubernetes and Terraform on AWS.")
    data = job(api, title="Data Analyst", level="junior", skills=["SQL"])
    assert set(platform) >= {"id", "title", "level", "skills", "description", "status", "created_at"}
    assert platform["status"] == "open"

    found = api.get("/api/v1/jobs", params={"q": "terraform"}, headers=api.recruiter).json()
    assert [j["id"] for j in found["items"]] == [platform["id"]] and found["total"] == 1
    page = api.get("/api/v1/jobs", params={"limit": 1}, headers=api.recruiter).json()
    assert page["limit"] == 1 and len(page["items"]) == 1 and page["total"] >= 2

    changed = api.patch(f"/api/v1/jobs/{data['id']}", json={"skills": ["SQL", "dbt"]}, headers=api.recruiter)
    assert changed.json()["skills"] == ["SQL", "dbt"] and changed.json()["title"] == "Data Analyst"
    archived = api.post(f"/api/v1/jobs/{data['id']}/archive", headers=api.recruiter).json()
    assert archived["status"] == "archived"
    listed = api.get("/api/v1/jobs", params={"status": "archived"}, headers=api.recruiter).json()
    assert data["id"] in [j["id"] for j in listed["items"]] and platform["id"] not in str(listed)
    # an archived job takes no new interviews until it is reopened
    r = api.post("/api/v1/interviews", json={"job_id": data["id"], "mode": "chat"}, headers=api.recruiter)
    assert_error(r, 409, "JOB_ARCHIVED")

    assert api.delete(f"/api/v1/jobs/{data['id']}", headers=api.recruiter).status_code == 204
    assert_error(api.get(f"/api/v1/jobs/{data['id']}", headers=api.recruiter), 404, "JOB_NOT_FOUND")
    # another organisation sees none of it
    assert_error(api.get(f"/api/v1/jobs/{platform['id']}", headers=api.other), 404, "JOB_NOT_FOUND")
    assert api.get("/api/v1/jobs", headers=api.other).json()["total"] == 0


def test_a_description_from_the_template_names_the_role_the_level_and_the_skills(api):
    body = {"title": "Site Reliability Engineer", "level": "senior", "skills": ["Kubernetes", "Go"]}
    r = api.post("/api/v1/jobs/generate-description", json=body, headers=api.recruiter)
    out = r.json()
    assert r.status_code == 200 and out["method"] == "template" and out["fallback"] is None
    text = out["description"]
    assert "Site Reliability Engineer" in text and "senior" in text
    assert "Kubernetes" in text and "Go" in text and "What we look for" in text and "mentor" in text


def test_a_description_from_the_llm_and_the_template_when_it_fails(tmp_path):
    written = "We are hiring a senior Site Reliability Engineer. " * 4
    with FakeOpenAIServer(replies=[{"description": written}]) as server:
        settings = api_settings(
            tmp_path, interviewer="llm", llm={"base_url": server.base_url, "model": "fake", "timeout_s": 5}
        )
        with TestClient(create_app(settings)) as c:
            body = {"title": "Site Reliability Engineer", "level": "senior", "skills": ["Kubernetes"]}
            out = c.post("/api/v1/jobs/generate-description", json=body, headers=login(c)).json()
            assert out == {"description": written.strip(), "method": "llm", "fallback": None}
            assert "Kubernetes" in server.sent_text()
            server.status = 500
            out = c.post("/api/v1/jobs/generate-description", json=body, headers=login(c)).json()
            assert out["method"] == "template" and out["fallback"] and "Kubernetes" in out["description"]


# -- candidates and interviews from a job and a candidate ---------------------------------------------


@pytest.mark.parametrize("name, data", [("cv.pdf", pdf_resume()), ("cv.docx", docx_resume())])
def test_a_resume_upload_gives_the_candidate_skills_years_and_roles(api, name, data):
    person = candidate(api, email=f"jane.{name}@example.com")
    assert person["resume"] is None
    r = upload(api, person["id"], data, name)
    assert r.status_code == 200, r.text
    resume = r.json()["resume"]
    assert {"Python", "Redis", "PostgreSQL"} <= set(resume["skills"])
    assert resume["years"] and resume["years"] >= 9  # 2016 to the present
    assert any("Backend" in role for role in resume["roles"]) and resume["filename"] == name
    assert api.get(f"/api/v1/candidates/{person['id']}", headers=api.recruiter).json()["resume"] == resume
    bad = upload(api, person["id"], b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "cv.pdf")
    assert_error(bad, 400, "INVALID_FILE")


def test_candidates_are_searched_changed_noted_and_unique_per_email(api):
    person = candidate(api, name="Kim Lee", email="Kim@Example.com", phone="+44 20 7946 0000")
    assert person["email"] == "kim@example.com"
    found = api.get("/api/v1/candidates", params={"q": "kim"}, headers=api.recruiter).json()
    assert [c["id"] for c in found["items"]] == [person["id"]]
    again = api.post(
        "/api/v1/candidates", json={"name": "K", "email": "kim@example.com"}, headers=api.recruiter
    )
    assert_error(again, 409, "CANDIDATE_EXISTS")
    changed = api.patch(f"/api/v1/candidates/{person['id']}", json={"phone": None}, headers=api.recruiter)
    assert changed.json()["phone"] is None and changed.json()["name"] == "Kim Lee"

    url = f"/api/v1/candidates/{person['id']}/notes"
    api.post(url, json={"text": "Great system design answer."}, headers=api.recruiter)
    api.post(url, json={"text": "Ask about on-call next time."}, headers=api.recruiter)
    notes = api.get(url, headers=api.recruiter).json()
    assert [n["text"] for n in notes] == ["Great system design answer.", "Ask about on-call next time."]
    assert all(n["author"] == "admin@acme.test" and n["created_at"] for n in notes)
    assert_error(api.get(url, headers=api.other), 404, "CANDIDATE_NOT_FOUND")


def test_an_interview_from_a_job_and_a_candidate_takes_the_role_and_the_resume(api):
    opening = job(api, title="Payments Backend Engineer", description="Python services for card payments.")
    person = candidate(api, name="Robin Roe")
    upload(api, person["id"], pdf_resume(), "cv.pdf")
    body = {"job_id": opening["id"], "candidate_id": person["id"], "mode": "chat"}
    r = api.post("/api/v1/interviews", json=body, headers=api.recruiter)
    assert r.status_code == 201, r.text
    iv = r.json()
    assert iv["role"] == "Payments Backend Engineer" and iv["level"] == "senior"
    assert iv["skills"] == ["Python", "PostgreSQL"] and iv["candidate_name"] == "Robin Roe"
    assert iv["job_id"] == opening["id"] and iv["candidate_id"] == person["id"]
    analysis = iv["analysis"]
    assert "Redis" in analysis["skills"] and "PostgreSQL" in analysis["strengths"]  # from the resume

    explicit = api.post(
        "/api/v1/interviews", json=body | {"role": "Staff Engineer", "level": "middle"}, headers=api.recruiter
    )
    assert explicit.json()["role"] == "Staff Engineer" and explicit.json()["level"] == "middle"
    listed = api.get(f"/api/v1/candidates/{person['id']}/interviews", headers=api.recruiter).json()
    assert {i["id"] for i in listed["items"]} == {iv["id"], explicit.json()["id"]}
    by_job = api.get("/api/v1/interviews", params={"job_id": opening["id"]}, headers=api.recruiter).json()
    assert by_job["total"] == 2

    # another organisation can use neither (404, as for missing ones); without a job a role is needed
    r = api.post("/api/v1/interviews", json={"job_id": opening["id"]}, headers=api.other)
    assert_error(r, 404, "JOB_NOT_FOUND")
    # another organisation's candidate id is only a reference there: nothing of the record is used
    r = api.post("/api/v1/interviews", json={"role": "QA", "candidate_id": person["id"]}, headers=api.other)
    assert r.status_code == 201 and r.json()["candidate_name"] != person["name"]
    assert_error(
        api.post("/api/v1/interviews", json={"mode": "chat"}, headers=api.recruiter), 422, "VALIDATION_ERROR"
    )


# -- the invitation -----------------------------------------------------------------------------------


def parse_ics(text: str) -> dict[str, str]:
    """A strict reading of RFC 5545: CRLF lines of at most 75 octets, unfolded; BEGIN/END nested
    properly; the VEVENT's properties (TEXT values unescaped)."""
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    raw = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in raw)
    lines: list[str] = []
    for line in raw:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    stack, event = [], {}
    for line in lines:
        name, _, value = line.partition(":")
        assert name and _ == ":", line
        if name == "BEGIN":
            stack.append(value)
        elif name == "END":
            assert stack.pop() == value
        elif stack == ["VCALENDAR", "VEVENT"]:
            event[name] = (
                value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")
            )
    assert stack == [] and lines[0] == "BEGIN:VCALENDAR" and "VERSION:2.0" in lines
    return event


def test_the_invitation_email_and_calendar_carry_the_link_and_the_time(api):
    person = candidate(api, name="Ana Silva")
    body = {
        "role": "QA Engineer",
        "candidate_id": person["id"],
        "scheduled_at": "2030-03-04T14:30:00Z",
        "duration_minutes": 30,
    }
    iv = api.post("/api/v1/interviews", json=body, headers=api.recruiter).json()
    invitation = iv["invitation"]
    assert iv["join_url"] in invitation["body"] and "Ana Silva" in invitation["body"]
    assert "QA Engineer" in invitation["subject"] and "Acme" in invitation["subject"]
    event = parse_ics(invitation["ics"])
    assert event["DTSTART"] == "20300304T143000Z" and event["DURATION"] == "PT30M"
    assert event["URL"] == iv["join_url"] and "QA Engineer" in event["SUMMARY"]

    # later: the text without the link (only its hash is kept), or a new link that replaces the old
    url = f"/api/v1/interviews/{iv['id']}/invitation"
    later = api.get(url, headers=api.recruiter).json()
    assert later["join_url"] is None and "{join_url}" in later["body"]
    viewer_headers = _viewer(api)
    assert api.get(url, headers=viewer_headers).status_code == 200
    assert_error(api.get(url, params={"reissue": "true"}, headers=viewer_headers), 403, "FORBIDDEN")
    fresh = api.get(url, params={"reissue": "true"}, headers=api.recruiter).json()
    assert fresh["reissued"] and fresh["join_url"] in fresh["body"] and fresh["join_url"] != iv["join_url"]
    old = {"Authorization": f"Bearer {iv['join_token']}"}
    new = {"Authorization": f"Bearer {fresh['join_token']}"}
    assert api.get(f"/api/v1/interviews/{iv['id']}", headers=old).status_code == 403  # revoked
    assert api.get(f"/api/v1/interviews/{iv['id']}", headers=new).status_code == 200

    ics = api.get(f"{url}.ics", headers=api.recruiter)
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    event = parse_ics(ics.text)
    assert event["DTSTART"] == "20300304T143000Z" and event["UID"] == f"{iv['id']}@intervox"
    assert datetime.strptime(event["DTSTAMP"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) <= datetime.now(UTC)
    unscheduled = api.post("/api/v1/interviews", json={"role": "QA"}, headers=api.recruiter).json()
    assert unscheduled["invitation"]["ics"] is None
    r = api.get(f"/api/v1/interviews/{unscheduled['id']}/invitation.ics", headers=api.recruiter)
    assert_error(r, 409, "NOT_SCHEDULED")


def _viewer(api) -> dict[str, str]:
    body = {"email": "viewer@acme.test", "password": "long enough password", "role": "viewer"}
    api.post("/api/v1/users", json=body, headers=api.recruiter)
    return login(api, "viewer@acme.test", "long enough password")


# -- the candidate's data rights -----------------------------------------------------------------------


def test_export_then_erase_a_candidate_and_the_audit_log_says_who_did_it(api):
    person = candidate(api, name="Lee Park", email="lee@example.com")
    upload(api, person["id"], docx_resume(), "cv.docx")
    api.post(
        f"/api/v1/candidates/{person['id']}/notes", json={"text": "Calm and clear."}, headers=api.recruiter
    )
    iv = api.post(
        "/api/v1/interviews",
        json={"role": "QA", "mode": "chat", "candidate_id": person["id"]},
        headers=api.recruiter,
    ).json()
    join = {"Authorization": f"Bearer {iv['join_token']}"}
    api.post(f"/api/v1/interviews/{iv['id']}/messages", json={"text": "Hello"}, headers=join)
    api.post(
        f"/api/v1/interviews/{iv['id']}/messages", json={"text": "I test APIs with pytest."}, headers=join
    )
    api.post(f"/api/v1/interviews/{iv['id']}/end", headers=api.recruiter)
    recordings = api.app.state.runtime.recordings
    audio = record_tones(recordings, iv["id"], 1.0)  # as a spoken interview would have left
    video = record_camera(recordings, iv["id"], 1.0)  # with the camera kept (agreed to)

    r = api.get(f"/api/v1/candidates/{person['id']}/export", headers=api.recruiter)
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as archive:
        names = set(archive.namelist())
        assert {"candidate.json", "notes.json", f"interviews/{iv['id']}/interview.json"} <= names
        record = json.loads(archive.read("candidate.json"))
        notes = json.loads(archive.read("notes.json"))
        interview = json.loads(archive.read(f"interviews/{iv['id']}/interview.json"))
        exported = archive.read(f"interviews/{iv['id']}/files/part-1.ogg")
        assert archive.read(f"interviews/{iv['id']}/files/part-1.webm") == video.read_bytes()
        assert json.loads(archive.read(f"interviews/{iv['id']}/files/part-1.json"))["part"] == 1
    samples, rate = decode_recording(exported)  # the recording itself, playable
    assert samples.shape == (2, rate) and exported == audio.read_bytes()
    assert record["email"] == "lee@example.com" and "Python" in record["resume"]["skills"]
    assert [n["text"] for n in notes] == ["Calm and clear."]
    assert any("pytest" in s["text"] for s in interview["transcript"])
    assert interview["report"]["status"] == "completed" and "join_token_hash" not in interview

    r = api.delete(f"/api/v1/candidates/{person['id']}", headers=api.recruiter)
    assert r.status_code == 200, r.text
    removed = r.json()["removed"]
    assert removed["candidates"] == 1 and removed["notes"] == 1 and removed["interviews"] == 1
    assert removed["files"] == 3 and not audio.exists() and not video.exists()
    assert not recordings.folder(iv["id"]).exists()
    assert removed["transcript_segments"] >= 3 and removed["reports"] == 1 and removed["questions"] >= 1
    assert_error(
        api.get(f"/api/v1/candidates/{person['id']}", headers=api.recruiter), 404, "CANDIDATE_NOT_FOUND"
    )
    assert_error(api.get(f"/api/v1/interviews/{iv['id']}", headers=api.recruiter), 404, "INTERVIEW_NOT_FOUND")
    repo = api.app.state.runtime.repo
    assert repo.segments(iv["id"]) == [] and repo.report(iv["id"]) is None and repo.events(iv["id"]) == []
    assert api.app.state.runtime.workspace.notes(person["id"]) == []

    audit = api.get("/api/v1/audit", headers=api.recruiter).json()  # the first admin
    mine = [a for a in audit["items"] if a["target_id"] == person["id"]]
    assert [a["action"] for a in mine] == ["candidate.delete", "candidate.export"]  # newest first
    assert mine[0]["details"]["interviews"] == 1 and mine[0]["actor_kind"] == "user"
    assert api.get("/api/v1/audit", headers=api.other).json()["total"] == 0
    only = api.get("/api/v1/audit", params={"action": "candidate.export"}, headers=api.recruiter).json()
    assert {a["action"] for a in only["items"]} == {"candidate.export"}

"""The job and resume analysis by an LLM at creation, against a real local server speaking the
OpenAI protocol: used when the model answers well, the rules analysis (with the reason) when
it fails, and never a name, an email or a phone number in the prompt."""

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.conftest import api_settings, login
from tests.fakes.openai_server import FakeOpenAIServer

NAME = "Aisha Okonkwo"
RESUME = f"""{NAME}
aisha.okonkwo@example.com | +44 20 7946 0958

Backend Engineer, Acme Payments, 2019 - 2024
- Built the billing service in Python and PostgreSQL; cut the nightly batch from 4 hours to 40 minutes.
- Aisha mentored two junior engineers.
"""
JOB = "We need a senior backend engineer with Python, PostgreSQL and Kubernetes experience."
GOOD = {
    "skills": ["Python", "PostgreSQL", "Python", "  "],
    "years_experience": 5,
    "roles": ["Backend Engineer"],
    "seniority_estimate": "mid",
    "strengths": ["Python and PostgreSQL in production, with a measured batch speed-up"],
    "gaps": ["Kubernetes"],
    "focus_areas": [
        "Kubernetes: the job needs it and the resume does not show it",
        "Check the 4h to 40m claim",
    ],
}


def responder(messages):
    if "Compare a candidate's resume with a job" in messages[0]["content"]:
        return GOOD
    return "OK."


@pytest.fixture(scope="module")
def model():
    with FakeOpenAIServer(responder=responder) as server:
        yield server


def create(tmp_path, model, upload=False, **body):
    settings = api_settings(
        tmp_path,
        interviewer="llm",
        llm={"base_url": model.base_url, "model": "fake-analyst", "timeout_s": 0.5},
        rate_limit={"enabled": False},
        vision={"enabled": False},
    )
    with TestClient(create_app(settings)) as c:
        c.recruiter = login(c)
        body = {"role": "Backend Engineer", "level": "senior", "mode": "chat", "candidate_name": NAME} | body
        r = c.post("/api/v1/interviews", json=body, headers=c.recruiter)
        assert r.status_code == 201, r.text
        created = r.json()
        uploaded = None
        if upload:
            r = c.post(
                f"/api/v1/interviews/{created['id']}/resume",
                files={"file": ("cv.txt", RESUME.encode(), "text/plain")},
                headers=c.recruiter,
            )
            assert r.status_code == 200, r.text
            uploaded = r.json()["analysis"]
        created["stored_fallbacks"] = c.app.state.runtime.repo.get(created["id"]).fallbacks or []
        return created, uploaded


def assert_no_personal_data(model):
    sent = model.sent_text()
    assert "Compare a candidate's resume with a job" in sent
    for personal in ("Aisha", "Okonkwo", "example.com", "7946"):
        assert personal not in sent


def test_the_llm_analysis_is_used_when_the_model_answers(tmp_path, model):
    model.reset()
    created, _ = create(tmp_path, model, resume_text=RESUME, job_description=JOB)
    analysis = created["analysis"]
    assert analysis["method"] == "llm" and "fallback" not in analysis
    assert created["stored_fallbacks"] == []
    assert analysis["skills"] == ["Python", "PostgreSQL"]  # duplicates and blanks dropped
    assert analysis["seniority_estimate"] == "middle" and analysis["years_experience"] == 5.0
    assert analysis["gaps"] == ["Kubernetes"]
    assert "Built the billing service" in model.sent_text() and JOB in model.sent_text()
    assert_no_personal_data(model)


def _fail_500(server):
    server.status = 500


def _fail_json(server):
    server.invalid_json = True


def _fail_slow(server):
    server.first_token_delay_s = 1.5


def _fail_shape(server):
    server.responder = lambda messages: {"action": "next"}  # JSON, but not an analysis


@pytest.mark.parametrize(
    "fault", [_fail_500, _fail_json, _fail_slow, _fail_shape], ids=["500", "invalid_json", "slow", "shape"]
)
def test_a_failing_model_leaves_the_analysis_to_rules(tmp_path, model, fault):
    model.reset()
    model.responder = responder
    fault(model)
    created, _ = create(tmp_path, model, resume_text=RESUME, job_description=JOB)
    model.reset()
    model.responder = responder
    analysis = created["analysis"]
    assert analysis["method"] == "rules" and analysis["fallback"].startswith("Llm")
    assert [f["step"] for f in created["stored_fallbacks"]] == ["analyse"]  # the report lists it
    assert "Python" in analysis["skills"] and "Kubernetes" in analysis["gaps"]  # the rules' own findings


def test_an_uploaded_resume_is_analysed_by_the_llm_too(tmp_path, model):
    model.reset()
    model.responder = responder
    created, uploaded = create(tmp_path, model, job_description=JOB, upload=True)
    assert created["analysis"]["method"] == "llm"  # the job alone is analysed as well
    assert uploaded is not None and uploaded["method"] == "llm" and uploaded["gaps"] == ["Kubernetes"]
    assert_no_personal_data(model)


def test_no_llm_call_without_a_job_or_resume(tmp_path, model):
    model.reset()
    created, _ = create(tmp_path, model)
    assert created["analysis"] is None and model.requests == []

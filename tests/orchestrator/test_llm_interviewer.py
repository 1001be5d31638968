"""The LLM interviewer against a real local server speaking the OpenAI protocol: it
decides and speaks when the model works, and the interview goes on with rules (and the
report says so) when the model is slow, returns invalid JSON or fails."""

import re
import time

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from orchestrator.grading.dimensions import WEIGHTS
from tests.api.conftest import api_settings, auth, login
from tests.fakes.openai_server import FakeOpenAIServer

NAME = "Aisha Okonkwo"
CLAIM_ANSWER = (
    "On my last team I led the migration of our billing service to PostgreSQL, and we cut the "
    "nightly batch from four hours to forty minutes by partitioning the largest tables."
)


def responder(messages):
    system = messages[0]["content"]
    if (
        "Grade the candidate's answer" in system
    ):  # the report's grading (tests/orchestrator/test_llm_grading.py)
        section = re.search(r"Question \((\w+) section\)", system).group(1)
        return {"dimensions": dict.fromkeys(WEIGHTS[section], 6), "feedback": "A clear answer."}
    if "Answer with JSON" in system:
        return {
            "action": "followup",
            "reason": "probe_claim",
            "point": None,
            "claim": "I led the migration",
            "say": "Which part of that migration did you do yourself, and how did you check the timing?",
        }
    return "Thanks for asking. The team builds the billing platform."


@pytest.fixture(scope="module")
def model():
    with FakeOpenAIServer(responder=responder) as server:
        yield server


def llm_app(tmp_path, model):
    return create_app(
        api_settings(
            tmp_path,
            interviewer="llm",
            # the analysis at creation and the grading at the end wait this long on a slow model
            llm={"base_url": model.base_url, "model": "fake-interviewer", "timeout_s": 0.5},
            interview={"decide_timeout_s": 0.5, "first_words_timeout_s": 0.5},
            rate_limit={"enabled": False},
            vision={"enabled": False},
        )
    )


def chat(c, body):
    r = c.post("/api/v1/interviews", json=body, headers=c.recruiter)
    assert r.status_code == 201, r.text
    iv = r.json()
    url = f"/api/v1/interviews/{iv['id']}"
    return iv, url


def test_the_model_decides_and_words_the_follow_up(tmp_path, model):
    model.reset()
    model.responder = responder
    with TestClient(llm_app(tmp_path, model)) as c:
        c.recruiter = login(c)
        iv, url = chat(
            c, {"role": "Backend Engineer", "mode": "chat", "candidate_name": NAME, "duration_minutes": 20}
        )
        c.post(f"{url}/messages", json={"text": "Hello"}, headers=auth(iv))
        reply = c.post(f"{url}/messages", json={"text": CLAIM_ANSWER}, headers=auth(iv)).json()
        assert reply["kind"] == "followup"
        assert (
            reply["reply"]
            == "Which part of that migration did you do yourself, and how did you check the timing?"
        )
        events = c.get(f"{url}/events", headers=c.recruiter).json()["events"]
        assert [e["data"]["reason"] for e in events if e["type"] == "followup"] == ["probe_claim"]
        report = c.post(f"{url}/end", headers=c.recruiter).json()
        assert report["fallbacks"] == []
        assert NAME.split()[0] not in model.sent_text() and NAME.split()[1] not in model.sent_text()
        decisions = [r for r in model.requests if "Grade the candidate" not in r["messages"][0]["content"]]
        assert len(decisions) == 1  # decided and worded in one call


@pytest.mark.parametrize("fault", ["slow", "invalid_json", "status_500"])
def test_a_failing_model_falls_back_to_rules_without_dead_air(tmp_path, model, fault):
    model.reset()
    model.responder = responder
    if fault == "slow":
        model.first_token_delay_s = 3.0
    elif fault == "invalid_json":
        model.invalid_json = True
    else:
        model.status = 500
    with TestClient(llm_app(tmp_path, model)) as c:
        c.recruiter = login(c)
        job = "The team builds the billing platform in Python. We ship small changes every day."
        iv, url = chat(
            c, {"role": "Backend Engineer", "mode": "chat", "duration_minutes": 8, "job_description": job}
        )
        c.post(f"{url}/messages", json={"text": "Hello"}, headers=auth(iv))
        started = time.monotonic()
        asked = c.post(
            f"{url}/messages", json={"text": "What does the team work on?"}, headers=auth(iv)
        ).json()
        assert asked["kind"] == "answer" and asked["reply"] and time.monotonic() - started < 2.0
        started = time.monotonic()
        reply = c.post(f"{url}/messages", json={"text": CLAIM_ANSWER}, headers=auth(iv)).json()
        took = time.monotonic() - started
        assert reply["reply"] and took < 2.5  # rules answered within the step budgets
        c.post(f"{url}/messages", json={"text": "I don't know."}, headers=auth(iv))
        report = c.post(f"{url}/end", headers=c.recruiter).json()
        steps = [f["step"] for f in report["fallbacks"]]
        assert "decide" in steps, report["fallbacks"]
        if fault != "invalid_json":  # invalid JSON only breaks the JSON step; streamed words still work
            assert "say:answer_ask" in steps
        assert report["status"] == "completed"
    model.reset()

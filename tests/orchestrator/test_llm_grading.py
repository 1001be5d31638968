"""LLM grading at the end of an interview, against a real local server speaking the OpenAI
protocol: the model's grade is used where the transcript bears it out (verbatim, timed quotes;
key points from the list; the rubric's own score), and a failing model leaves that question to
the rules grader, with the fallback in the report. No candidate name reaches the model."""

import re

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from orchestrator.grading import AnswerSpan
from orchestrator.grading.dimensions import WEIGHTS
from orchestrator.llm_grading import _answer_for_model, checked_grade, find_quote, grade_schema
from tests.api.conftest import api_settings, auth, login
from tests.fakes.openai_server import FakeOpenAIServer

NAME = "Aisha Okonkwo"
CACHE_Q = "How would you add a cache in front of a slow, read-heavy product API?"
STORY_Q = "Tell me about a time you disagreed with a teammate about a technical decision."
CACHE_ANSWER = (
    "Hi, my name is Aisha Okonkwo. I would put Redis in front of the product service and "
    "expire entries after five minutes, because prices change rarely. When a product is "
    "updated the service deletes its key so readers never see stale data for long."
)
STORY_ANSWER = (
    "Last year on our payments team a colleague wanted to rewrite the ledger in Go. I proposed "
    "that we measure first, so I ran a load test and found the database was the bottleneck. "
    "As a result we added an index instead and latency dropped by forty percent."
)
# The model's quote differs from the transcript in case and spacing only: it still counts.
GOOD_QUOTE = "when a product is updated   THE SERVICE deletes its key"
INVENTED_QUOTE = "I would use an LRU eviction policy with a bounded memory size"


def good_grade(section: str) -> dict:
    if section == "technical":
        return {
            "score": 10,  # the model's own total is never used
            "dimensions": {"correctness": 8, "coverage": 9, "depth": 7, "clarity": 14},  # 14: clamped
            "covered": ["cache invalidation", "eviction policy", "sharding"],  # sharding: not a key point
            "missed": [],
            "evidence": [
                {"point": "cache invalidation", "quote": GOOD_QUOTE},
                {"point": "eviction policy", "quote": INVENTED_QUOTE},  # never said: dropped
                {"point": "sharding", "quote": "I would put Redis in front of the product service"},
            ],
            "star_parts": [],
            "feedback": "You explained invalidation well. I would give this 8/10. Say how memory is bounded.",
        }
    return {
        "score": 7,
        "dimensions": {"star": 9, "ownership": 8, "measurable_result": 9, "coverage": 2, "clarity": 8},
        "covered": ["measured before deciding"],
        "missed": [],
        "evidence": [{"point": "measured before deciding", "quote": "so I ran a load test"}],
        "star_parts": ["situation", "action", "result"],
        "feedback": "A clear story with a measured result.",
    }


def grade_responder(bad_section: str | None = None):
    """Decides "next" for the conversation; grades by the prompt's section (garbage for `bad_section`)."""

    def respond(messages):
        system = messages[0]["content"]
        if "Grade the candidate's answer" in system:
            section = re.search(r"Question \((\w+) section\)", system).group(1)
            return "I think it was fine." if section == bad_section else good_grade(section)
        if "Answer with JSON" in system:
            return {"action": "next", "reason": None, "point": None, "claim": None, "say": "Thank you."}
        return "Thank you."

    return respond


@pytest.fixture(scope="module")
def model():
    with FakeOpenAIServer(responder=grade_responder()) as server:
        yield server


def llm_app(tmp_path, model, timeout_s=2.0):
    return create_app(
        api_settings(
            tmp_path,
            interviewer="llm",
            llm={"base_url": model.base_url, "model": "fake-grader", "timeout_s": timeout_s},
            interview={"decide_timeout_s": 0.5, "first_words_timeout_s": 0.5},
            rate_limit={"enabled": False},
            vision={"enabled": False},
        )
    )


def interview(tmp_path, model, before_last=None, timeout_s=2.0):
    """A chat interview of two recruiter questions, both answered; the report."""
    with TestClient(llm_app(tmp_path, model, timeout_s)) as c:
        c.recruiter = login(c)
        body = {
            "role": "Backend Engineer",
            "mode": "chat",
            "candidate_name": NAME,
            "duration_minutes": 20,
            "questions": [
                {"text": CACHE_Q, "key_points": ["cache invalidation", "eviction policy"]},
                {
                    "text": STORY_Q,
                    "key_points": ["measured before deciding", "kept the relationship"],
                    "section": "behavioural",
                },
            ],
        }
        r = c.post("/api/v1/interviews", json=body, headers=c.recruiter)
        assert r.status_code == 201, r.text
        iv = r.json()
        url = f"/api/v1/interviews/{iv['id']}"
        c.post(f"{url}/messages", json={"text": "Hello"}, headers=auth(iv))
        c.post(f"{url}/messages", json={"text": CACHE_ANSWER}, headers=auth(iv))
        if before_last is not None:  # the last answer ends the interview: its grading comes next
            before_last(model)
        c.post(f"{url}/messages", json={"text": STORY_ANSWER}, headers=auth(iv))
        report = c.post(f"{url}/end", headers=c.recruiter).json()
        if report.get("status") != "completed":  # the last answer may have ended it already
            report = c.get(f"{url}/report", headers=c.recruiter).json()
        return report


def by_id(report):
    return {q["id"]: q for q in report["questions"]}


def test_the_llm_grade_is_used_where_the_transcript_bears_it_out(tmp_path, model):
    model.reset()
    model.responder = grade_responder()
    report = interview(tmp_path, model)
    q1, q2 = by_id(report)["q1"], by_id(report)["q2"]
    assert q1["grading_method"] == "llm" and q2["grading_method"] == "llm"
    assert q1["key_points_covered"] == ["cache invalidation"]  # invented quote and unknown point dropped
    assert q1["key_points_missed"] == ["eviction policy"]
    [evidence] = q1["evidence"]
    assert evidence["quote"] == "When a product is updated the service deletes its key"  # as said
    assert evidence["quote"] in CACHE_ANSWER
    assert isinstance(evidence["start"], float) and evidence["end"] >= evidence["start"]
    dims = q1["dimensions"]
    assert dims["clarity"] == 10.0 and dims["coverage"] == 5.0  # clamped; from the checked points
    weights = WEIGHTS["technical"]
    assert q1["score"] == round(sum(weights[d] * dims[d] for d in weights) / sum(weights.values()), 1)
    assert "/10" not in q1["feedback"] and "memory" in q1["feedback"]
    assert q2["star_parts"] == ["situation", "action", "result"]
    assert [e["quote"] for e in q2["evidence"]] == ["so I ran a load test"]
    assert report["fallbacks"] == []
    assert "Graded by the LLM: q1, q2" in report["scoring_method"]
    sent = model.sent_text()
    assert "Grade the candidate's answer" in sent
    assert "Aisha" not in sent and "Okonkwo" not in sent


def test_one_bad_grade_leaves_that_question_to_rules(tmp_path, model):
    model.reset()
    model.responder = grade_responder(bad_section="behavioural")
    report = interview(tmp_path, model)
    q1, q2 = by_id(report)["q1"], by_id(report)["q2"]
    assert q1["grading_method"] == "llm"
    assert q2["grading_method"] in ("embeddings", "lexical") and q2["status"] == "scored"
    assert [f["step"] for f in report["fallbacks"]] == ["grade:q2"]
    assert "LlmInvalidOutput" in report["fallbacks"][0]["reason"]
    assert "Graded by the LLM: q1; graded by rules" in report["scoring_method"]
    assert "q2" in report["scoring_method"].split("graded by rules")[1]


def _fail_500(server):
    server.status = 500


def _fail_json(server):
    server.invalid_json = True


def _fail_slow(server):
    server.first_token_delay_s = 3.0  # well past the 1 s budget below


@pytest.mark.parametrize("fault", [_fail_500, _fail_json, _fail_slow], ids=["500", "invalid_json", "slow"])
def test_a_failing_model_leaves_grading_to_rules(tmp_path, model, fault):
    model.reset()
    model.responder = grade_responder()
    # a budget a healthy reply keeps even on a loaded machine: at 0.5 s the decision before the
    # fault could fall back too, and the rules then asked a follow-up instead of question 2
    report = interview(tmp_path, model, before_last=fault, timeout_s=1.0)
    model.reset()
    for q in report["questions"]:
        assert q["grading_method"] in ("embeddings", "lexical") and q["status"] == "scored"
    grading = sorted(f["step"] for f in report["fallbacks"] if f["step"].startswith("grade"))
    assert grading == ["grade:q1", "grade:q2"]  # the last decision fell back too
    assert "Graded by the LLM" not in report["scoring_method"]


def test_quotes_are_found_across_spans_and_timed_from_words():
    spans = [
        AnswerSpan("I would shard by tenant.", 10.0, 12.0, []),
        AnswerSpan(
            "Then rebalance at night.",
            13.0,
            15.0,
            [
                {"word": "Then", "start": 13.0, "end": 13.2},
                {"word": "rebalance", "start": 13.3, "end": 13.9},
                {"word": "at", "start": 14.0, "end": 14.1},
                {"word": "night.", "start": 14.2, "end": 14.8},
            ],
        ),
    ]
    answer = _answer_for_model(spans, [])
    assert answer.text == "I would shard by tenant. Then rebalance at night."
    within = find_quote(answer, spans, "rebalance at night")
    assert within is not None and (within.start, within.end) == (13.3, 14.8)
    across = find_quote(answer, spans, "by tenant.  then rebalance")
    assert across is not None and across.quote == "by tenant. Then rebalance"
    assert across.start > 10.0 and across.end == 13.9
    assert find_quote(answer, spans, "at") is None  # too short to be evidence
    assert find_quote(answer, spans, "shard by region") is None


def test_the_name_is_masked_and_a_self_introduction_dropped():
    spans = [AnswerSpan("Hello, my name is Aisha. As Aisha Okonkwo I shipped the cache.", 0.0, 4.0)]
    answer = _answer_for_model(spans, [NAME])
    assert "Aisha" not in answer.text and "Okonkwo" not in answer.text
    assert answer.text.endswith("As [name] [name] I shipped the cache.")
    out = grade_schema("hr").model_validate(
        {
            "dimensions": {"relevance": 7, "specificity": -3, "clarity": 8},
            "covered": ["shipping"],
            "evidence": [{"point": "shipping", "quote": "I shipped the cache"}],
            "feedback": "Clear.",
        }
    )
    graded = checked_grade(out, "hr", ["shipping"], answer, spans)
    assert graded.method == "llm" and graded.dimensions["specificity"] == 0.0
    assert graded.covered == ["shipping"] and graded.evidence[0].quote == "I shipped the cache"

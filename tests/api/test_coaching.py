"""Coaching: feedback a practising candidate can use, and practice questions with guidance."""

from tests.api.conftest import create


def test_feedback_names_what_to_add_and_a_structure(client):
    body = {
        "question": "Tell me about a time you disagreed with a colleague.",
        "answer": "At my last job we disagreed about the schema. I set up a meeting and we compared designs.",
        "section": "behavioural",
    }
    out = client.post("/api/v1/coaching/feedback", json=body, headers=client.recruiter).json()
    assert any("result" in tip for tip in out["tips"]) and "STAR" in out["better_structure"]
    assert "score" not in out


def test_practice_questions_follow_role_and_skill(client):
    body = {"role": "Data Engineer", "skill": "sql", "difficulty": "hard", "level": "middle"}
    out = client.post("/api/v1/coaching/practice-questions", json=body, headers=client.recruiter).json()
    assert out["level"] == "senior" and out["section"] == "technical"
    assert out["question"].endswith("?") and len(out["guidance"]) >= 3


def test_a_practice_interview_is_typed_and_coached(client):
    iv = create(client, mode="practice", duration_minutes=8)
    headers = {"Authorization": f"Bearer {iv['join_token']}"}
    url = f"/api/v1/interviews/{iv['id']}/messages"
    assert client.post(url, json={"text": "Hi"}, headers=headers).json()["kind"] == "question"
    answer = (
        "I have four years of experience as a backend developer, and I enjoy building APIs because "
        "clear interfaces help the people who use them."
    )
    reply = client.post(url, json={"text": answer}, headers=headers).json()
    assert "feedback" in reply["reply"].lower() or reply["kind"] == "followup"

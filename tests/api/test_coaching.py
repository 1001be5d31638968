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


def practice(client, candidate_id, memory):
    iv = create(client, mode="practice", duration_minutes=8, memory=memory, candidate_id=candidate_id)
    return iv, {"Authorization": f"Bearer {iv['join_token']}"}


def test_practice_memory_carries_weak_areas_only_when_opted_in(client):
    first, headers = practice(client, "cand-42", memory=True)
    url = f"/api/v1/interviews/{first['id']}"
    client.post(f"{url}/messages", json={"text": "Hi"}, headers=headers)
    client.post(f"{url}/messages", json={"text": "I like computers and I work with them."}, headers=headers)
    report = client.post(f"{url}/end", headers=client.recruiter).json()
    missed = [p for q in report["questions"] if q["status"] == "scored" for p in q["key_points_missed"]]
    assert missed  # the weak areas the next session should start from

    second, _ = practice(client, "cand-42", memory=True)
    analysis = client.get(f"/api/v1/interviews/{second['id']}", headers=client.recruiter).json()["analysis"]
    assert analysis["memory_from"] == first["id"] and missed[0] in analysis["focus_areas"]

    third, _ = practice(client, "cand-42", memory=False)  # not opted in: nothing carries over
    assert (
        client.get(f"/api/v1/interviews/{third['id']}", headers=client.recruiter).json()["analysis"] is None
    )
    other, _ = practice(client, "someone-else", memory=True)
    assert (
        client.get(f"/api/v1/interviews/{other['id']}", headers=client.recruiter).json()["analysis"] is None
    )

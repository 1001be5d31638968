"""A spoken interview over real WebRTC whose plan follows the job and the resume, with a
follow-up asked for a stated reason and a hand-over between personas."""

import pytest

from tests.conftest import speech
from tests.e2e.conftest import join, report_of, state_of, transcript_of, wait_listening

pytestmark = pytest.mark.slow

JOB = (
    "We are hiring a DevOps engineer to run our Kubernetes clusters on AWS. You will own the CI/CD "
    "pipelines, write Terraform, and keep our monitoring and alerting sharp. The team ships daily."
)
RESUME = (
    "Jane Roe\njane@example.com\nDevOps Engineer, Acme, 2019 - 2024. Ran Docker and Kubernetes in "
    "production, built GitLab CI pipelines, on call for the payments platform."
)
VAGUE = "Maybe, I guess, I kind of like working with servers and stuff like that, sort of."
CONCRETE = (
    "For example at my last job I ran the deployment pipeline for the payments team, and I enjoyed "
    "it because every change reached users the same day."
)


async def test_plan_from_job_and_resume_with_a_reasoned_followup_and_a_handover(server, client):
    interview = await client.create(
        role="DevOps Engineer",
        level="middle",
        duration_minutes=8,
        mode="audio",
        job_description=JOB,
        resume_text=RESUME,
    )
    iid = interview["id"]
    state = await state_of(client, iid)
    analysis = state["analysis"]
    assert {"Kubernetes", "Docker"} <= set(analysis["skills"]) and "Terraform" in analysis["gaps"]
    assert "Jane" not in str(analysis) and "jane@example.com" not in str(analysis)
    candidate_view = (await client.get(f"/api/v1/interviews/{iid}", interview["join_token"])).json()
    assert candidate_view["analysis"] is None  # what the recruiter learned is not the candidate's view

    peer = await join(client, interview)
    cursor = await wait_listening(peer)
    await peer.say(speech(VAGUE, lead_s=0.4))
    followup = await peer.wait_event("followup", timeout=60, after=cursor)
    assert followup["data"]["reason"] == "vague"
    cursor = await wait_listening(peer, peer.events.index(followup) + 1)
    await peer.say(speech(CONCRETE, lead_s=0.4))
    changed = await peer.wait_event("interviewer_changed", timeout=60, after=cursor)
    assert changed["data"]["persona"]["id"] == "tech-lead"
    await wait_listening(peer, peer.events.index(changed) + 1)
    said = [s for s in await transcript_of(client, iid) if s["speaker"] == "interviewer"]
    assert "Jordan" in said[0]["text"]  # the people partner opens
    assert any("Alex" in s["text"] for s in said[1:])  # and hands over to the technical lead
    await peer.close()
    ended = await client.post(f"/api/v1/interviews/{iid}/end", client.recruiter)
    report = ended.json()
    opener, technical = report["questions"][0], report["questions"][1]
    assert opener["status"] == "scored" and opener["evidence"]  # quoted from what was said
    # picked for the job's skills and the resume's gaps (here: Terraform -> infrastructure as code)
    assert technical["section"] == "technical" and technical["category"] == "devops"
    assert technical["source"] in ("skills", "focus")
    assert report == await report_of(client, iid)

"""The same answers under different candidate names give the same scores: the name
reaches the greeting and nothing else."""

from orchestrator.interviewer import RulesInterviewer
from orchestrator.plan import plan_interview
from orchestrator.session import InterviewSession
from store.bus import InProcessBus
from store.db import make_session_factory
from store.repository import InterviewRepository

NAMES = [
    "Aisha Okonkwo",
    "Hans Müller",
    "Wei Zhang",
    "Olusegun Adeyemi",
    "María José García",
    "Priya Raghunathan",
    "Dmitri Volkov",
    "Keanu Kahale",
    "Fatima Al-Sayed",
    "Siobhán Ní Bhriain",
    "Nguyễn Thị Hoa",
    "John Smith",
]
QUESTIONS = [
    {"text": "How would you make a slow SQL query faster?", "key_points": ["index", "query plan"]},
    {"text": "Tell me about a time you disagreed with a colleague.", "section": "behavioural"},
]
ANSWERS = [
    "First I read the query plan to see where the time goes. Then I add an index on the filtered "
    "columns, because it avoids a full table scan.",
    "At my last job we disagreed about the schema. I set up a meeting, we compared both designs, "
    "and in the end we shipped my colleague's version two weeks early.",
]


async def interview_as(repo: InterviewRepository, name: str) -> dict:
    row, questions, _ = plan_interview(
        "Backend Engineer", candidate_name=name, duration_minutes=20, questions=QUESTIONS
    )
    repo.create(row, questions)
    s = await InterviewSession.load(row.id, repo, InProcessBus(), RulesInterviewer(), max_followups=0)
    await (await s.start()).full_text()
    for answer in ANSWERS:
        await (await s.answer(answer)).full_text()
    return await s.finish()


async def test_names_across_origins_score_the_same(tmp_path):
    repo = InterviewRepository(make_session_factory(f"sqlite:///{tmp_path}/f.db"))
    reports = [await interview_as(repo, name) for name in NAMES]
    first = reports[0]
    assert first["questions"][0]["status"] == "scored" and first["overall_score"] > 0
    for name, report in zip(NAMES, reports, strict=True):
        assert report["overall_score"] == first["overall_score"], name
        assert [q["score"] for q in report["questions"]] == [q["score"] for q in first["questions"]], name
        assert (
            report["dimensions"] == first["dimensions"]
            and report["recommendation"] == first["recommendation"]
        )
    assert "name" not in " ".join(first["inputs_used"])

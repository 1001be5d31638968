"""The interview state machine against the real SQLite store and the in-process bus."""

from datetime import timedelta

import pytest

from core.errors import InterviewEnded
from orchestrator.interviewer import GradeView, RulesInterviewer
from orchestrator.plan import plan_interview
from orchestrator.session import InterviewSession
from store.bus import InProcessBus
from store.db import make_session_factory
from store.repository import InterviewRepository

FULL_ANSWER = (
    "I have six years of experience as a backend developer. I work on payment APIs in Python and I "
    "enjoy it because clean interfaces help teams. On the migration project I implemented the retries "
    "and studied the failure modes carefully so the service stayed reliable for customers. "
) * 2
CUSTOM = [
    {
        "text": "How would you make a slow SQL query faster?",
        "key_points": ["index", "query plan"],
        "section": "technical",
    },
    {
        "text": "Tell me about a time you disagreed with a colleague.",
        "key_points": [],
        "section": "behavioural",
    },
]


@pytest.fixture
def repo(tmp_path):
    return InterviewRepository(make_session_factory(f"sqlite:///{tmp_path}/s.db"))


async def new_session(repo, bus=None, minutes=8, **kw):
    row, questions, _ = plan_interview(
        "Backend Engineer", "middle", ["python"], duration_minutes=minutes, **kw
    )
    repo.create(row, questions)
    return await InterviewSession.load(row.id, repo, bus or InProcessBus(), RulesInterviewer())


def drain(sub):
    return [sub.queue.get_nowait() for _ in range(sub.queue.qsize())]


async def test_start_greets_and_asks_the_first_question(repo):
    bus = InProcessBus()
    s = await new_session(repo, bus, candidate_name="Ada")
    sub = bus.subscribe(s.id, "recruiter")
    reply = await s.start()
    text = await reply.full_text()
    assert text.startswith("Hi Ada.") and text.endswith(s.questions[0].text)
    assert reply.question_id == "q1"
    assert repo.get(s.id).status == "in_progress"
    types = [e.type for e in drain(sub)]
    assert types == ["phase_update", "phase_update", "interviewer_changed", "question", "time_remaining"]


async def test_thin_answers_get_followups_with_reasons_then_move_on(repo):
    bus = InProcessBus()
    s = await new_session(repo, bus)
    sub = bus.subscribe(s.id, "recruiter")
    await (await s.start()).full_text()
    first = await s.answer("I like computers.")
    assert first.kind == "followup" and "say a bit more" in await first.full_text()
    followups = [e for e in drain(sub) if e.type == "followup"]
    assert [f.data["reason"] for f in followups] == ["clarify"]
    second = await s.answer("Maybe I think computers, kind of, I guess.")
    assert second.kind == "followup"
    assert [e.data["reason"] for e in drain(sub) if e.type == "followup"] == ["vague"]
    third = await s.answer("Still computers.")  # two follow-ups at most
    assert third.kind in ("question", "closing")
    answers = [seg for seg in repo.segments(s.id) if seg.speaker == "candidate"]
    assert [a.question_id for a in answers] == ["q1", "q1", "q1"]


async def test_missing_key_point_and_claims_are_followed_up(repo):
    s = await new_session(repo, questions=CUSTOM, minutes=20)
    await (await s.start()).full_text()
    reply = await s.answer(
        "I would add an index on the filtered columns so the database avoids a full scan of the table."
    )
    assert reply.kind == "followup" and "query plan" in await reply.full_text()
    assert s.interview.followup_reasons == ["missing_point"]


async def test_behavioural_answers_without_a_result_are_asked_for_it(repo):
    s = await new_session(repo, questions=CUSTOM[1:], minutes=20)
    await (await s.start()).full_text()
    reply = await s.answer(
        "At my last job we had a disagreement about the database schema. I was responsible for the "
        "API. I set up a meeting and walked through both designs with the colleague."
    )
    assert reply.kind == "followup" and s.interview.followup_reasons == ["star_incomplete"]
    assert "result" in (await reply.full_text()).lower()


async def test_recruiter_questions_are_read_verbatim_in_order_and_personas_hand_over(repo):
    bus = InProcessBus()
    s = await new_session(repo, bus, questions=CUSTOM, minutes=20)
    sub = bus.subscribe(s.id, "recruiter")
    assert [q.text for q in s.questions] == [q["text"] for q in CUSTOM]
    assert [q.source for q in s.questions] == ["recruiter", "recruiter"]
    opening = await (await s.start()).full_text()
    assert opening.endswith(CUSTOM[0]["text"]) and "Alex" in opening  # the technical lead starts
    drain(sub)
    reply = await s.answer(
        "First I read the query plan to see where the time goes. Then I add an index on the filtered "
        "columns, because it avoids a full table scan, and I check the plan again to confirm it is used."
    )
    text = await reply.full_text()
    assert reply.question_id == "q2" and "Sam" in text and text.endswith(CUSTOM[1]["text"])
    changed = [e for e in drain(sub) if e.type == "interviewer_changed"]
    assert [c.data["persona"]["id"] for c in changed] == ["hiring-manager"]


async def test_the_candidate_may_ask_instead_of_answering(repo):
    s = await new_session(
        repo,
        questions=CUSTOM,
        minutes=20,
        job_description="The team builds the payments platform in Python and Go. We ship daily.",
    )
    await (await s.start()).full_text()
    about = await s.answer("What does the team work on?")
    assert about.kind == "answer" and "payments platform" in await about.full_text()
    left = await s.answer("How much time is left?")
    assert "minutes left" in await left.full_text()
    clarify = await s.answer("Could you clarify what you mean?")
    assert clarify.kind == "answer" and s.interview.question_index == 0
    stored = [seg for seg in repo.segments(s.id) if seg.speaker == "candidate"]
    assert {seg.kind for seg in stored} == {"request"}  # asked, not answered: nothing to score
    assert s.answer_so_far() == ""


async def test_request_next_records_a_skip_not_a_weak_answer(repo):
    s = await new_session(repo, questions=CUSTOM, minutes=20)
    await (await s.start()).full_text()
    moved = await s.answer("Can we skip this one?")
    assert moved.question_id == "q2" and (await moved.full_text()).startswith("Let's move on.")
    assert [q.skipped for q in repo.questions(s.id)] == [True, False]


async def test_last_answer_closes_and_finish_writes_the_report(repo):
    s = await new_session(repo, minutes=8)  # two questions
    await (await s.start()).full_text()
    assert (await s.answer(FULL_ANSWER)).question_id == "q2"
    closing = await s.answer("I don't know.")
    assert closing.kind == "closing" and closing.ends_interview
    report = await s.finish()
    assert repo.get(s.id).status == "completed"
    assert repo.report(s.id) == report
    assert [q["id"] for q in report["questions"]] == ["q1", "q2"]
    with pytest.raises(InterviewEnded):
        await s.answer("more")


async def test_a_reloaded_session_resumes_at_the_same_question(repo):
    s = await new_session(repo)
    await (await s.start()).full_text()
    await s.answer(FULL_ANSWER)
    again = await InterviewSession.load(s.id, repo, InProcessBus(), RulesInterviewer())
    text = await (await again.start()).full_text()
    assert text.startswith("Welcome back") and text.endswith(s.questions[1].text)
    assert again.elapsed() >= s.elapsed() - 0.1  # the clock carries on from the stored start


async def test_repeat_request_repeats_without_advancing(repo):
    s = await new_session(repo)
    await (await s.start()).full_text()
    reply = await s.answer("Sorry, could you repeat the question?")
    assert reply.kind == "repeat" and (await reply.full_text()).endswith(s.questions[0].text)
    assert s.interview.question_index == 0


async def test_time_budget_ends_the_interview(repo):
    s = await new_session(repo, minutes=20)
    await (await s.start()).full_text()
    s._t0_mono -= timedelta(minutes=21).total_seconds()  # the clock ran out
    assert s.time_remaining() == 0
    assert (await s.answer("I like computers.")).kind == "closing"


async def test_silence_skips_to_the_next_question_then_closes(repo):
    s = await new_session(repo, minutes=8)
    await (await s.start()).full_text()
    assert s.prompt().kind == "prompt"
    moved = await s.skip()
    assert (await moved.full_text()).startswith("Let's move on.") and moved.question_id == "q2"
    assert (await s.skip()).kind == "closing"
    report = await s.finish()
    assert report["overall_score"] == 0 and report["recommendation"] == "no_hire"


async def test_reopened_answer_joins_the_same_question(repo):
    s = await new_session(repo)
    await (await s.start()).full_text()
    assert (await s.answer("I like computers.")).kind == "followup"
    assert await s.reopen_answer()  # the candidate went on talking over the follow-up
    assert s.interview.question_index == 0 and not s.interview.followup_asked
    assert repo.get(s.id).followup_asked is False
    reply = await s.answer(FULL_ANSWER)
    assert reply.question_id == "q2"  # both parts together were a full answer
    assert [seg.question_id for seg in repo.segments(s.id) if seg.speaker == "candidate"] == ["q1", "q1"]


async def test_practice_gives_feedback_after_each_answer(repo):
    s = await new_session(repo, questions=CUSTOM, minutes=20, mode="practice")
    s.max_followups = 0
    await (await s.start()).full_text()
    reply = await s.answer(
        "I would add an index on the filtered columns so the database avoids a full table scan."
    )
    text = await reply.full_text()
    assert text.startswith("Here is some feedback on that answer.") and "query plan" in text
    assert text.endswith(CUSTOM[1]["text"]) and reply.question_id == "q2"
    assert "/10" not in text and "score" not in text.lower()


async def test_auto_difficulty_moves_up_after_a_strong_answer_and_down_after_a_weak_one(repo):
    s = await new_session(repo, minutes=40, difficulty="auto")
    s.max_followups = 0
    technical = [q for q in s.questions if q.section == "technical" and q.source != "recruiter"]
    assert technical and all(q.level == "middle" for q in technical)
    await (await s.start()).full_text()
    while s.current is not None and s.current.section != "technical":
        await (await s.answer(FULL_ANSWER)).full_text()
    first = s.interview.question_index
    s.grader = lambda q, a: GradeView(9.0, (), (), 1.0)  # a strong answer
    await (await s.answer("a strong answer")).full_text()
    assert [q.section for q in s.questions[first : first + 3]] == ["technical"] * 3
    harder = repo.questions(s.id)[first + 1]
    assert harder.level == "senior" and s.questions[first + 1].text == harder.text  # stored and asked
    s.grader = lambda q, a: GradeView(2.0, (), (), 0.0)  # then a weak one
    await (await s.answer("a weak answer")).full_text()
    assert s.questions[first + 2].level == "middle"  # one level down from where it is now


async def test_each_persona_speaks_with_its_own_voice(repo):
    from tts.voices import list_voices

    s = await new_session(repo, questions=CUSTOM, minutes=20)
    opening = await s.start()
    await opening.full_text()
    reply = await s.answer(
        "First I read the query plan to see where the time goes. Then I add an index on the filtered "
        "columns, because it avoids a full table scan, and I check the plan again to confirm it is used."
    )
    assert (opening.voice, reply.voice) == ("joe", "joe-warm")  # Alex, then Sam
    installed = {v["id"] for v in list_voices() if v["installed"]}
    from orchestrator.personas import load_personas

    voices = [p.voice for p in load_personas()]
    assert len(set(voices)) == len(voices) and set(voices) <= installed


async def test_a_prepared_grade_is_used_only_for_the_words_it_was_made_for(repo):
    s = await new_session(repo)
    s.max_followups = 0
    await (await s.start()).full_text()
    graded: list[str] = []

    def grader(q, answer):
        graded.append(answer)
        return GradeView(6.0, (), (), 0.5)

    s.grader = grader
    s.prepare("I would add an index")  # the candidate paused: a guess
    s.prepare("I would add an index")  # the same guess again: graded once
    await (await s.answer("I would add an index")).full_text()
    assert graded == ["I would add an index"]  # the turn used the prepared grade
    s.prepare("a guess the candidate then went on from")
    await (await s.answer("a guess the candidate then went on from, and finished")).full_text()
    assert graded[-1] == "a guess the candidate then went on from, and finished"  # graded afresh

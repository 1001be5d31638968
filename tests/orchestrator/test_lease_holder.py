"""Driving interviews under leases (in-process and on a real Redis): one lease per interview
shared by whatever drives it, released by the last, renewed in the background, lost when
another worker takes over."""

import asyncio

import pytest

from core.errors import InterviewHeldElsewhere, LeaseLost
from orchestrator.lease_holder import HeldInterviews, hold
from orchestrator.plan import plan_interview
from store.db import make_session_factory
from store.repository import InterviewRepository


@pytest.fixture
def interview(tmp_path):
    repo = InterviewRepository(make_session_factory(f"sqlite:///{tmp_path}/l.db"))
    row, questions, _ = plan_interview("Backend Engineer", duration_minutes=12)
    repo.create(row, questions)
    return repo, row.id


async def test_users_of_one_interview_share_its_lease_and_the_last_releases_it(processes, interview):
    repo, interview_id = interview
    here = HeldInterviews(processes[0].leases, repo, "worker-a", 5)
    first = await here.take(interview_id)
    assert await here.take(interview_id) is first and here.holds(interview_id)  # a reconnection
    assert repo.get(interview_id).lease_token == first.token  # claimed in the store
    here.let_go(interview_id, first)
    assert (await processes[1].leases.holder(interview_id)).token == first.token  # one user left
    here.let_go(interview_id, first)
    again = await here.take(interview_id)  # waits for the release under way, then a new lease
    assert again is not first and again.token > first.token
    await here.release_all()
    assert await processes[1].leases.holder(interview_id) is None


async def test_a_lease_is_renewed_while_held_and_another_worker_is_refused(processes, interview):
    repo, interview_id = interview
    here = HeldInterviews(processes[0].leases, repo, "worker-a", 0.3)
    held = await here.take(interview_id)
    await asyncio.sleep(0.5)  # longer than its time to live: renewed meanwhile
    assert not held.lost.is_set()
    with pytest.raises(InterviewHeldElsewhere) as refused:
        await hold(processes[1].leases, repo, interview_id, "worker-b", 5)
    assert refused.value.details["worker"] == "worker-a"
    await here.release_all()


async def test_a_lease_taken_over_is_lost_and_its_old_token_cannot_claim_again(processes, interview):
    repo, interview_id = interview
    lost = []
    here = HeldInterviews(processes[0].leases, repo, "worker-a", 0.3)
    held = await here.take(interview_id, on_lost=lost.append)
    held._renewer.cancel()  # as if this worker froze: nothing renews its lease
    await asyncio.sleep(0.4)
    successor = await hold(processes[1].leases, repo, interview_id, "worker-b", 5)
    assert successor.token > held.token
    with pytest.raises(LeaseLost):
        repo.claim(interview_id, held.token)
    renewer = asyncio.ensure_future(held._renew())  # it wakes up and tries to renew
    await asyncio.wait_for(renewer, 2)
    assert held.lost.is_set() and lost == [held] and not here.holds(interview_id)
    await successor.release()


async def test_a_worker_with_patience_waits_out_a_dead_workers_lease(processes, interview):
    """A media worker sent an interview whose worker died takes it once that lease runs out; an
    all-in-one server (no patience) is refused at once; a live holder is never waited out."""
    repo, interview_id = interview
    dead = HeldInterviews(processes[0].leases, repo, "worker-dead", 0.6)
    held = await dead.take(interview_id)
    held._renewer.cancel()  # killed: nothing renews its lease any more
    impatient = HeldInterviews(processes[1].leases, repo, "worker-b", 5)
    with pytest.raises(InterviewHeldElsewhere):
        await impatient.take(interview_id)
    patient = HeldInterviews(processes[1].leases, repo, "worker-c", 5, patience_s=3)
    started = asyncio.get_running_loop().time()
    taken = await patient.take(interview_id)
    waited = asyncio.get_running_loop().time() - started
    assert taken.token > held.token and 0.2 < waited < 1.5  # about the rest of the 0.6 s lease
    assert repo.get(interview_id).lease_token == taken.token
    short = HeldInterviews(processes[0].leases, repo, "worker-d", 5, patience_s=0.5)
    with pytest.raises(InterviewHeldElsewhere):  # c is alive and renewing: d gives up
        await short.take(interview_id)
    await patient.release_all()

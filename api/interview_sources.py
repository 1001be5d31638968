"""An interview made from a job and a candidate: their fields fill what the request did not send.

A job must belong to the caller's organisation (404 JOB_NOT_FOUND, exactly as for one that does
not exist); an archived job takes no new interviews (409 JOB_ARCHIVED). `candidate_id` names a
candidate record of the organisation when there is one; otherwise it stays what it was before
candidate records existed, the caller's own reference (practice memory is keyed by it), so
integrations that send their own ids keep working."""

from __future__ import annotations

from typing import Any

from api.schemas import InterviewCreate
from store.models import CandidateRow, JobRow
from store.workspace import WorkspaceRepository
from workspace.jobs import JobArchived, JobService


def with_job_and_candidate(body: InterviewCreate, repo: WorkspaceRepository, org_id: str) -> InterviewCreate:
    """The request with the job's and the candidate's fields filled in (blocking)."""
    job = JobService(repo).get(org_id, body.job_id) if body.job_id else None
    if job is not None and job.status == "archived":
        raise JobArchived("this job is archived; reopen it to interview for it", {"id": job.id})
    candidate = repo.candidate(org_id, body.candidate_id) if body.candidate_id else None
    return filled(body, job, candidate)


def filled(body: InterviewCreate, job: JobRow | None, candidate: CandidateRow | None) -> InterviewCreate:
    """Fields sent explicitly win; a job gives role, level, skills and description, a candidate
    their name and resume text."""
    sent = body.model_fields_set
    update: dict[str, Any] = {}
    if job is not None:
        if not body.role.strip():
            update["role"] = job.title
        if "level" not in sent:
            update["level"] = job.level
        if "skills" not in sent:
            update["skills"] = list(job.skills)
        if body.job_description is None and job.description:
            update["job_description"] = job.description
    if candidate is not None:
        if body.candidate_name is None:
            update["candidate_name"] = candidate.name
        if body.resume_text is None and candidate.resume_text:
            update["resume_text"] = candidate.resume_text
    return body.model_copy(update=update)

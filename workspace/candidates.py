"""Candidates: their records, resumes, recruiters' notes, and their data protection rights:
everything about a candidate can be exported as a zip or erased, and both are audited.

Blocking except `erase`, which also stops live interviews through the caller's callback."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import uuid
import zipfile
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from core.errors import Conflict, NotFound
from core.events import utc_now
from store.coding import CodingRepository
from store.models import Base, CandidateNoteRow, CandidateRow, InterviewRow
from store.repository import InterviewRepository
from store.workspace import Page, WorkspaceRepository
from workspace.accounts import Principal
from workspace.analysis import analyse

log = logging.getLogger(__name__)
EDITABLE = ("name", "email", "phone")
CODE_EXTENSIONS = {"python": "py", "javascript": "js"}
# Where an interview keeps files (its recordings): a function that lists an interview's files.
# The runtime hands its sources to the service: exports add the files, erasures delete them.
FileSource = Callable[[str], list[Path]]


class CandidateNotFound(NotFound):
    code = "CANDIDATE_NOT_FOUND"


class CandidateExists(Conflict):
    code = "CANDIDATE_EXISTS"


def interview_files(interview_id: str, sources: Sequence[FileSource]) -> list[Path]:
    """Every file stored for the interview."""
    return [path for source in sources for path in source(interview_id) if path.is_file()]


def delete_interview_files(interview_id: str, sources: Sequence[FileSource]) -> int:
    """Delete the interview's files from disk; returns how many were removed."""
    removed = 0
    for path in interview_files(interview_id, sources):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def resume_summary(text: str, filename: str | None) -> dict[str, Any]:
    """What the rules read from a resume (no LLM: the record is about the person, not a job)."""
    found = analyse(text, None, "", "middle", [])
    return {
        "skills": found.skills,
        "years": found.years_experience,
        "roles": found.roles,
        "filename": filename,
        "chars": len(text),
        "uploaded_at": utc_now().isoformat(),
    }


class CandidateService:
    def __init__(
        self,
        repo: WorkspaceRepository,
        interviews: InterviewRepository,
        file_sources: Sequence[FileSource] = (),
        coding: CodingRepository | None = None,
    ) -> None:
        self.repo = repo
        self.interviews = interviews
        self.file_sources = file_sources
        self.coding = coding  # coding interviews' code, runs and integrity signals, for the export

    def create(self, caller: Principal, fields: dict[str, Any]) -> CandidateRow:
        fields = _normalised(fields)
        self._unique_email(caller.org_id, fields.get("email"), None)
        row = CandidateRow(id=str(uuid.uuid4()), org_id=caller.org_id, created_by=caller.user_id, **fields)
        row.updated_at = row.created_at = utc_now()
        self.repo.add(row)
        return row

    def get(self, org_id: str, candidate_id: str) -> CandidateRow:
        """The candidate, or 404 when missing or another organisation's."""
        row = self.repo.candidate(org_id, candidate_id)
        if row is None:
            raise CandidateNotFound(f"no candidate {candidate_id}", {"id": candidate_id})
        return row

    def page(self, page: Page) -> tuple[list[CandidateRow], int]:
        return self.repo.candidates(page)

    def update(self, org_id: str, candidate_id: str, fields: dict[str, Any]) -> CandidateRow:
        self.get(org_id, candidate_id)
        changes = _normalised({k: v for k, v in fields.items() if k in EDITABLE})
        self._unique_email(org_id, changes.get("email"), candidate_id)
        if changes:
            self.repo.update_candidate(candidate_id, **changes)
        return self.get(org_id, candidate_id)

    def attach_resume(self, org_id: str, candidate_id: str, text: str, filename: str | None) -> CandidateRow:
        """Keep the resume's text (it fills interviews made for this candidate) and its summary."""
        self.get(org_id, candidate_id)
        self.repo.update_candidate(candidate_id, resume_text=text, resume=resume_summary(text, filename))
        return self.get(org_id, candidate_id)

    def add_note(self, caller: Principal, author: str, candidate_id: str, text: str) -> CandidateNoteRow:
        self.get(caller.org_id, candidate_id)
        note = CandidateNoteRow(
            id=str(uuid.uuid4()),
            candidate_id=candidate_id,
            author_id=caller.user_id,
            author=author,
            text=text,
        )
        note.created_at = utc_now()
        self.repo.add(note)
        return note

    def _unique_email(self, org_id: str, email: str | None, own_id: str | None) -> None:
        if not email:
            return
        existing = self.repo.candidate_by_email(org_id, email)
        if existing is not None and existing.id != own_id:
            raise CandidateExists("a candidate with this email exists", {"id": existing.id, "email": email})

    # -- data protection -----------------------------------------------------------------------
    def export_zip(self, org_id: str, candidate_id: str) -> tuple[bytes, dict[str, int]]:
        """Everything about the candidate as JSON files in a zip, and how many of each it holds."""
        candidate = self.get(org_id, candidate_id)
        notes = self.repo.notes(candidate_id)
        interviews = self.repo.candidate_interviews(org_id, candidate_id)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("candidate.json", _json(_plain(candidate)))
            archive.writestr("notes.json", _json([_plain(n) for n in notes]))
            files = 0
            code: dict[str, int] = {}
            for interview in interviews:
                folder = f"interviews/{interview.id}"
                archive.writestr(f"{folder}/interview.json", _json(self._interview_record(interview)))
                for path in interview_files(interview.id, self.file_sources):
                    archive.write(path, f"{folder}/files/{path.name}")
                    files += 1
                for kind, count in self._write_code(archive, f"{folder}/code", interview.id).items():
                    code[kind] = code.get(kind, 0) + count
        counts = {"candidates": 1, "notes": len(notes), "interviews": len(interviews), **code, "files": files}
        return out.getvalue(), counts

    def _write_code(self, archive: zipfile.ZipFile, folder: str, interview_id: str) -> dict[str, int]:
        """A coding interview's every code version (and the final one as a source file), every run
        and every integrity signal; nothing for other interviews."""
        if self.coding is None:
            return {}
        versions, _ = self.coding.versions(interview_id, 1_000_000, 0)
        runs = self.coding.runs(interview_id)
        signals = self.coding.integrity(interview_id)
        if not (versions or runs or signals):
            return {}
        archive.writestr(
            f"{folder}/versions.json", _json([_plain(v, skip=("id", "interview_id")) for v in versions])
        )
        archive.writestr(f"{folder}/runs.json", _json([_plain(r, skip=("id", "interview_id")) for r in runs]))
        archive.writestr(f"{folder}/integrity.json", _json(signals))
        if versions:
            final = versions[-1]
            archive.writestr(f"{folder}/final.{CODE_EXTENSIONS.get(final.language, 'txt')}", final.code)
        return {"code_versions": len(versions), "code_runs": len(runs), "integrity_events": len(signals)}

    def _interview_record(self, interview: InterviewRow) -> dict[str, Any]:
        record = _plain(interview, skip=("join_token_hash",))
        record["questions"] = [
            _plain(q, skip=("id", "interview_id")) for q in self.interviews.questions(interview.id)
        ]
        record["transcript"] = [
            _plain(s, skip=("id", "interview_id")) for s in self.interviews.segments(interview.id)
        ]
        record["report"] = self.interviews.report(interview.id)
        record["attention_samples"] = self.interviews.attention_samples(interview.id)
        return record

    async def erase(
        self, org_id: str, candidate_id: str, delete_interview: Callable[[str], Awaitable[None]]
    ) -> dict[str, int]:
        """Delete the candidate, their notes, resume and interviews (with everything recorded and any
        files); returns the counts per kind. The candidate row goes last, so an erase stopped half way
        can simply be asked again."""
        await asyncio.to_thread(self.get, org_id, candidate_id)
        interviews = await asyncio.to_thread(self.repo.candidate_interviews, org_id, candidate_id)
        ids = [row.id for row in interviews]
        counts = await asyncio.to_thread(self.repo.interview_data_counts, ids) if ids else {}
        files = 0
        for interview_id in ids:
            files += await asyncio.to_thread(delete_interview_files, interview_id, self.file_sources)
            await delete_interview(interview_id)
        notes = await asyncio.to_thread(self.repo.delete_candidate, candidate_id)
        return {"candidates": 1, "notes": notes, "interviews": len(ids), **counts, "files": files}


def _normalised(fields: dict[str, Any]) -> dict[str, Any]:
    if fields.get("email"):
        fields = {**fields, "email": str(fields["email"]).strip().lower()}
    return fields


def _plain(row: Base, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A row's columns as JSON-ready values."""
    out: dict[str, Any] = {}
    for column in row.__table__.columns:
        if column.name in skip:
            continue
        value = getattr(row, column.name)
        out[column.name] = value.isoformat() if isinstance(value, datetime) else value
    return out


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)

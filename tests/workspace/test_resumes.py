"""Resume files: real PDFs and DOCX files made here with fpdf2 and python-docx, and the bad uploads."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from datetime import date

import docx
import pytest
from fastapi.testclient import TestClient
from fpdf import FPDF
from PIL import Image

from api.app import create_app
from api.routes import resumes
from core.errors import PayloadTooLarge
from tests.api.conftest import api_settings, assert_error, auth, create, login
from workspace.analysis import analyse
from workspace.resumes import MAX_RESUME_BYTES, MAX_TEXT_CHARS, InvalidFile, resume_text, sniff

EXPERIENCE = [
    ("Senior Backend Engineer", "Acme Corp", "Jan 2019 - Present"),
    ("Backend Developer", "Globex", "2016 - 2019"),
]
BULLETS = [
    "Led a team of 5 engineers moving a monolith to microservices on AWS.",
    "Reduced p99 latency by 40% with Redis caching and PostgreSQL query tuning.",
    "Built REST APIs in Django and FastAPI, shipped with Docker and GitHub Actions.",
]
JOB = "Senior Backend Engineer. Python, PostgreSQL, Kubernetes and Terraform. Mentoring juniors."
TODAY = date(2026, 1, 1)


def pdf_resume(**encryption: str) -> bytes:
    """A two-section resume with a table, written by fpdf2."""
    pdf = FPDF()
    if encryption:
        pdf.set_encryption(**encryption)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in ["Jane Doe", "jane@example.com | +1 555 123 4567", "Experience", *BULLETS]:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    with pdf.table() as table:
        rows = [("Role", "Dates")] + [(f"{title}, {company}", dates) for title, company, dates in EXPERIENCE]
        for cells in rows:
            row = table.row()
            for text in cells:
                row.cell(text)
    pdf.multi_cell(0, 7, "Skills: Python, Go, SQL", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def docx_resume() -> bytes:
    """The same resume as a Word document: paragraphs, then the roles in a table."""
    document = docx.Document()
    document.add_heading("Jane Doe", level=1)
    document.add_paragraph("jane@example.com | +1 555 123 4567")
    document.add_heading("Experience", level=2)
    for bullet in BULLETS:
        document.add_paragraph(bullet, style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Role", "Dates"
    for title, company, dates in EXPERIENCE:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = f"{title}, {company}", dates
    document.add_paragraph("Skills: Python, Go, SQL")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def image_only_pdf() -> bytes:
    """What a scanner makes: one page holding a picture and no text layer."""
    picture = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(picture, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(picture, x=10, y=10, w=100)
    return bytes(pdf.output())


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return out.getvalue()


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def elf_executable() -> bytes:
    """A 64-bit ELF header followed by code-like bytes, as `file` would recognise it."""
    header = b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + struct.pack("<HHI", 2, 0x3E, 1)
    return header + b"\x00" * 40 + os.urandom(2000)


def pe_executable() -> bytes:
    """A DOS stub with the PE offset, as every Windows .exe starts."""
    stub = bytearray(b"MZ" + b"\x90\x00" + b"\x00" * 56 + struct.pack("<I", 64))
    return bytes(stub) + b"PE\x00\x00" + os.urandom(1000)


@pytest.mark.parametrize("make, kind", [(pdf_resume, "pdf"), (docx_resume, "docx")])
def test_real_documents_parse_with_their_tables(make, kind):
    data = make()
    assert sniff(data) == kind
    text = resume_text(data, f"resume.{kind}")
    for expected in [*BULLETS, "Senior Backend Engineer, Acme Corp", "Jan 2019 - Present", "2016 - 2019"]:
        assert expected in text, (expected, text)
    assert "\n\n\n" not in text and "  " not in text


@pytest.mark.parametrize("make", [pdf_resume, docx_resume])
def test_parsed_documents_feed_the_analysis(make):
    analysis = analyse(resume_text(make()), JOB, "Backend Engineer", "senior", ["Python"], today=TODAY)
    assert {"Python", "PostgreSQL", "Redis", "Django", "Docker", "AWS", "Go"} <= set(analysis.skills)
    assert analysis.years_experience == 10.0  # 2016 to January 2026, the two ranges merged
    assert "Senior Backend Engineer" in analysis.roles
    assert analysis.seniority_estimate == "senior"
    assert analysis.gaps == ["Kubernetes", "Terraform", "Mentoring"]
    assert "Python" in analysis.strengths and "PostgreSQL" in analysis.strengths
    assert "jane" not in str(analysis.to_dict()).lower() and "555" not in str(analysis.to_dict())


def test_text_resumes_in_utf8_and_utf16():
    resume = "Zoë Ångström\nSenior Data Analyst — SQL, Tableau\n2019 – present\n"
    assert sniff(resume.encode()) == "txt"
    assert resume_text(resume.encode()) == resume.strip()
    assert resume_text(resume.encode("utf-16")) == resume.strip()
    assert resume_text(b"\xef\xbb\xbf" + resume.encode()) == resume.strip()


def test_text_is_normalised_and_capped():
    assert resume_text(b"  Python \t\t developer  \r\n\r\n\r\n\r\nDjango\x0c") == "Python developer\n\nDjango"
    long = ("word " * 20_000).encode()
    assert len(resume_text(long)) == MAX_TEXT_CHARS - 1  # capped, then the trailing space trimmed


def test_a_docx_named_pdf_is_read_as_docx():
    assert "Led a team of 5 engineers" in resume_text(docx_resume(), "resume.pdf")


def bad_uploads() -> dict[str, bytes]:
    pdf = pdf_resume()
    return {
        "truncated pdf": pdf[: len(pdf) // 3],
        "pdf header then garbage": b"%PDF-1.7\n" + os.urandom(4000),
        "elf renamed .pdf": elf_executable(),
        "windows exe renamed .pdf": pe_executable(),
        "png": png(),
        "random zip": zipped({"notes.txt": b"hello", "data.csv": b"a,b\n1,2\n"}),
        "truncated zip": docx_resume()[:500],
        "empty": b"",
        "random bytes": os.urandom(3000),
        "old word .doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
        "shell script": b"#!/bin/sh\nrm -rf ~\n",
    }


@pytest.mark.parametrize("name", list(bad_uploads()))
def test_bad_uploads_are_invalid_files(name):
    with pytest.raises(InvalidFile) as caught:
        resume_text(bad_uploads()[name], "resume.pdf")
    assert caught.value.code == "INVALID_FILE" and caught.value.status == 400


def test_executables_are_named_in_the_message():
    with pytest.raises(InvalidFile, match="ELF executable"):
        sniff(elf_executable())
    with pytest.raises(InvalidFile, match="Windows executable"):
        sniff(pe_executable())


def test_docx_zip_bomb_is_refused_before_parsing():
    # 30 MB of zeros compresses to ~30 KB: small upload, huge when unpacked.
    bomb = zipped(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document>" + b"\x00" * (30 * 1024 * 1024) + b"</w:document>",
        }
    )
    assert len(bomb) < MAX_RESUME_BYTES
    assert sniff(bomb) == "docx"
    with pytest.raises(InvalidFile, match="unpacks to more"):
        resume_text(bomb)


def test_a_scanned_pdf_without_text_says_so():
    with pytest.raises(InvalidFile, match="scanned image"):
        resume_text(image_only_pdf())


def test_password_protected_pdf_is_refused():
    with pytest.raises(InvalidFile, match="password"):
        resume_text(pdf_resume(owner_password="owner", user_password="secret"))


def test_owner_password_only_pdf_still_opens():
    assert BULLETS[0] in resume_text(pdf_resume(owner_password="owner"))


def test_oversized_upload_is_too_large():
    with pytest.raises(PayloadTooLarge):
        resume_text(b"a" * (MAX_RESUME_BYTES + 1))


# --- the upload route, on the real app with real sign-in; only the runtime's storage is faked ---


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    # The app's body limit is raised as the middleware change asks, so the route's own 413 is reached.
    settings = api_settings(tmp_path_factory.mktemp("resumes"), limits={"max_body_bytes": 4 * 1024 * 1024})
    app = create_app(settings)
    app.include_router(resumes.router)
    attached: dict[str, str] = {}

    async def attach_resume(interview_id: str, text: str) -> dict:
        attached[interview_id] = text
        return analyse(text, JOB, "Backend Engineer", "senior", ["Python"], today=TODAY).to_dict()

    app.state.runtime.attach_resume = attach_resume
    with TestClient(app) as client:
        client.recruiter = login(client)  # type: ignore[attr-defined]
        client.attached = attached  # type: ignore[attr-defined]
        yield client


def upload(api, interview_id, data, name="resume.pdf", headers=None):
    return api.post(
        f"/api/v1/interviews/{interview_id}/resume",
        files={"file": (name, data, "application/pdf")},
        headers=api.recruiter if headers is None else headers,
    )


def test_upload_stores_the_text_and_answers_the_analysis(api):
    interview = create(api)
    r = upload(api, interview["id"], docx_resume(), "cv.docx")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["interview_id"] == interview["id"]
    assert body["chars"] == len(api.attached[interview["id"]]) and BULLETS[0] in api.attached[interview["id"]]
    assert body["analysis"]["method"] == "rules" and "Kubernetes" in body["analysis"]["gaps"]


@pytest.mark.parametrize("name", ["truncated pdf", "elf renamed .pdf", "png", "random zip"])
def test_upload_of_a_bad_file_is_400_invalid_file(api, name):
    interview = create(api)
    assert_error(upload(api, interview["id"], bad_uploads()[name]), 400, "INVALID_FILE")
    assert interview["id"] not in api.attached


def test_upload_over_2_mb_is_413(api):
    interview = create(api)
    too_big = b"a" * (MAX_RESUME_BYTES + 10)
    error = assert_error(upload(api, interview["id"], too_big), 413, "PAYLOAD_TOO_LARGE")
    assert "resume is larger" in error["message"]  # the route's own check, not the app-wide body limit


def test_upload_needs_a_recruiter_of_the_interview(api):
    interview = create(api)
    assert_error(upload(api, interview["id"], pdf_resume(), headers={}), 401, "UNAUTHORIZED")
    assert_error(upload(api, interview["id"], pdf_resume(), headers=auth(interview)), 403, "FORBIDDEN")
    assert_error(upload(api, "no-such-interview", pdf_resume()), 404, "INTERVIEW_NOT_FOUND")

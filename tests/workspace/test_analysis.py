"""The rules analysis: skills on word boundaries, dated experience, roles, seniority, gaps, redaction."""

from __future__ import annotations

import json
import re
import time
from datetime import date

import pytest

from workspace.analysis import SKILLS_FILE, analyse, redact_personal, vocabulary

TODAY = date(2026, 1, 1)

RESUME = """Jane Doe
jane.doe@example.com | +44 20 7946 0958 | https://github.com/janedoe
Date of birth: 12 March 1990
Gender: female
Nationality: Brazilian
Marital status: married

Summary
Backend engineer with 12 years of experience.

Experience
Senior Backend Engineer, Acme | Jan 2019 – present
- Led a team of 6 engineers building payment services in Python and Go
- Cut infrastructure costs by 30% moving to Kubernetes on AWS
- Mentored 4 junior developers
- Built github.com/janedoe/queue, used by 300 teams; reach me at jane.doe@example.com
Backend Developer, Globex | 2017 - 2019
- REST APIs in Django with PostgreSQL

Education
BSc Computer Science, State University | 2013 - 2017
"""
JOB = (
    "We are hiring a Senior Backend Engineer with 5+ years of experience in Python, PostgreSQL, Kafka and "
    "Terraform. Stakeholder management matters."
)

PERSONAL_DATA = ["jane", "doe", "example.com", "7946", "github.com", "1990", "female", "brazil", "married"]


def skills_in(text: str) -> set[str]:
    return {vocabulary().names[key] for key in vocabulary().find(text)}


def test_vocabulary_is_broad_and_every_alias_finds_its_skill():
    entries = json.loads(SKILLS_FILE.read_text())
    assert len(entries) >= 150
    categories = {entry["category"] for entry in entries.values()}
    assert {"language", "backend", "frontend", "data", "devops", "mobile", "ml", "qa"} <= categories
    assert {"product", "support", "soft"} <= categories
    for key, entry in entries.items():
        for alias in entry["aliases"] + entry.get("exact", []):
            # Listed, as a skills section lists them: one-letter names only count in a list.
            assert key in vocabulary().find(f"Skills: SQL, {alias}, Excel"), (key, alias)


@pytest.mark.parametrize(
    "text, present, absent",
    [
        ("Go, Rust and C++ daily", {"Go", "Rust", "C++"}, {"C"}),
        ("C#, .NET 8 and ASP.NET Core", {"C#", ".NET"}, {"C"}),
        ("Node.js and TypeScript", {"Node.js", "TypeScript"}, {"JavaScript"}),
        ("JavaScript on the frontend", {"JavaScript"}, {"Java"}),
        ("Languages: C, R, Python", {"C", "R", "Python"}, set()),
        ("I was the go-to person for R&D, Grade C in maths, going forward", set(), {"Go", "R", "C"}),
        ("for the rest of the team; reporting to the CTO in Spring 2020", set(), {"REST APIs", "Spring"}),
        ("PYTHON, postgres and K8S", {"Python", "PostgreSQL", "Kubernetes"}, set()),
        ("Zendesk tickets, CSAT 96%, escalations", {"Support tools", "Customer satisfaction"}, set()),
    ],
)
def test_skills_match_on_word_boundaries(text, present, absent):
    found = skills_in(text)
    assert present <= found, found
    assert not absent & found, found


def test_full_analysis_of_a_resume_against_a_job():
    analysis = analyse(RESUME, JOB, "Backend Engineer", "senior", ["Python"], today=TODAY)
    assert {"Python", "Go", "Kubernetes", "AWS", "Django", "PostgreSQL", "Mentoring"} <= set(analysis.skills)
    assert analysis.years_experience == 9.0  # 2017 to January 2026; the degree's years do not count
    assert analysis.roles == ["Senior Backend Engineer", "Backend Developer"]
    assert analysis.seniority_estimate == "senior"
    assert analysis.gaps == ["Kafka", "Terraform", "Stakeholder management"]
    assert analysis.strengths[:2] == ["Python", "PostgreSQL"]
    assert any("30%" in strength for strength in analysis.strengths)
    assert analysis.focus_areas[0] == "Kafka: the job needs it and the resume does not show it"
    assert "Experience: the resume claims 12 years, its dated roles cover 9" in analysis.focus_areas
    assert analysis.method == "rules"


def test_nothing_personal_reaches_the_analysis():
    flat = json.dumps(analyse(RESUME, JOB, "Backend Engineer", "senior", [], today=TODAY).to_dict()).lower()
    for personal in PERSONAL_DATA:
        assert not re.search(rf"\b{re.escape(personal)}\b", flat), personal


def test_overlapping_ranges_merge_and_present_runs_to_today():
    resume = "Engineer, A | 2015 - 2018\nEngineer, B | 2017 - 2020\nEngineer, C | 06/2022 - present\n"
    assert analyse(resume, None, "Engineer", "middle", [], today=TODAY).years_experience == 8.6  # 5 + 3.6


def test_stated_years_count_when_no_dates_are_given():
    analysis = analyse("Support specialist with three years of experience in Zendesk.", None, "", "", [])
    assert analysis.years_experience == 3.0
    assert analysis.seniority_estimate == "middle"


@pytest.mark.parametrize(
    "resume, expected",
    [
        ("Junior Developer, Acme | 2025 - present", "junior"),
        ("Software Engineer, Acme | 2022 - present", "middle"),
        ("Lead Engineer, Acme | 2022 - present", "senior"),  # a lead title lifts three years
        ("Backend Developer, Acme | 2012 - 2024", "senior"),
        ("Graduate Data Analyst", "junior"),  # no dates: the title decides
        ("Enjoys hiking.", None),
    ],
)
def test_seniority_estimate(resume, expected):
    assert analyse(resume, None, "", "", [], today=TODAY).seniority_estimate == expected


def test_a_junior_resume_for_a_senior_interview_is_flagged():
    resume = "Junior Developer, Acme | 2024 - present\nPython and Django"
    analysis = analyse(resume, JOB, "Backend Engineer", "senior", ["Python"], today=TODAY)
    assert any(area.startswith("Seniority: the interview is for senior") for area in analysis.focus_areas)
    assert any(area.startswith("Experience: the job asks for 5+ years") for area in analysis.focus_areas)


def test_without_a_resume_the_job_sets_the_focus():
    analysis = analyse(None, JOB, "Backend Engineer", "senior", ["Python"])
    assert analysis.skills == [] and analysis.gaps == [] and analysis.years_experience is None
    assert analysis.focus_areas[0].startswith("Python: core to the job")
    assert any(area.startswith("Kafka") for area in analysis.focus_areas)


def test_without_a_job_there_are_no_gaps_but_evidence_remains():
    analysis = analyse(RESUME, None, "Backend Engineer", "senior", [], today=TODAY)
    assert analysis.gaps == []
    assert analysis.strengths[0].startswith(("Led a team of 6", "Cut infrastructure costs by 30%"))


def test_interview_skills_outside_the_vocabulary_are_still_checked():
    analysis = analyse("Built plugins for Blender and Houdini.", None, "", "", ["Houdini", "Maya"])
    assert "Houdini" in analysis.strengths and analysis.gaps == ["Maya"]


def test_redaction_removes_contacts_the_name_and_personal_lines():
    redacted = redact_personal(RESUME)
    for gone in ["Jane", "jane.doe@", "+44", "github.com", "1990", "Gender", "Nationality", "Marital"]:
        assert gone not in redacted, gone
    assert redacted.startswith("Summary")
    assert "Senior Backend Engineer, Acme | Jan 2019 – present" in redacted
    assert "2013 - 2017" in redacted  # dates are not phone numbers


def test_redaction_keeps_a_title_next_to_the_name_and_skips_a_heading():
    assert redact_personal("María García-López | Product Manager\nRoadmaps") == "Product Manager\nRoadmaps"
    assert redact_personal("CURRICULUM VITAE\nJohn O'Neil\nCall (555) 123-4567 or www.jo.dev") == (
        "CURRICULUM VITAE\nCall or"
    )
    assert redact_personal("Senior Data Analyst\nSQL") == "Senior Data Analyst\nSQL"  # no name to remove


def test_deterministic_and_fast():
    two_pages = RESUME + "\n".join(f"- Improved service {n} throughput by {n}% with Redis" for n in range(60))
    analyse(two_pages, JOB, "Backend Engineer", "senior", ["Python"], today=TODAY)  # compiles the vocabulary
    started = time.perf_counter()
    first = analyse(two_pages, JOB, "Backend Engineer", "senior", ["Python"], today=TODAY)
    assert time.perf_counter() - started < 0.05
    assert first == analyse(two_pages, JOB, "Backend Engineer", "senior", ["Python"], today=TODAY)

"""Rules-based resume and job analysis: skills, experience, roles, seniority, strengths, gaps, focus.

Deterministic and offline, with the vocabulary in skills.json; an LLM analysis can replace it
(`method="llm"`). Fairness: it never extracts names, ages, gender, nationality, photos or family
status, and works on `redact_personal` text so none of them reach a prompt or a quote.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

Seniority = Literal["junior", "middle", "senior"]
SKILLS_FILE = Path(__file__).with_name("skills.json")
_LEVELS: tuple[Seniority, ...] = ("junior", "middle", "senior")


@dataclass(frozen=True)
class Analysis:
    """What a resume shows against what a job needs; kept on the interview as `analysis`."""

    skills: list[str] = field(default_factory=list)
    years_experience: float | None = None
    roles: list[str] = field(default_factory=list)
    seniority_estimate: Seniority | None = None
    strengths: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    focus_areas: list[str] = field(default_factory=list)
    method: Literal["rules", "llm"] = "rules"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


# --- the skills vocabulary -------------------------------------------------------------------

# A match may not continue a word, a version ("c++", "c#") or a dotted name ("node.js" is not "js").
_BEFORE = r"(?<![\w.+#])"
_AFTER = r"(?![\w+#]|\.\w)"
# Case-sensitive short names ("Go", "R", "JS") are also refused before a hyphen or "&" ("Go-to", "R&D").
_AFTER_EXACT = r"(?![\w+#&-]|\.\w)"


@dataclass(frozen=True)
class Vocabulary:
    """Alias regexes over skills.json; `names` maps a skill key to its display name."""

    names: dict[str, str]
    aliases: dict[str, str]  # lower-cased alias -> key
    exact: dict[str, str]  # case-sensitive alias -> key
    pattern: re.Pattern[str]
    exact_pattern: re.Pattern[str] | None

    def find(self, text: str) -> list[str]:
        """Skill keys in order of first appearance."""
        found: dict[str, None] = {}
        for match in self.pattern.finditer(text):
            found.setdefault(self.aliases[match.group(0).lower()])
        if self.exact_pattern is not None:
            for match in self.exact_pattern.finditer(text):
                if len(match.group(0)) > 1 or _in_list(text, match.start(), match.end()):
                    found.setdefault(self.exact[match.group(0)])
        return list(found)

    def key_for(self, skill: str) -> str | None:
        """The vocabulary key a free-text skill ("python", "Node.js") names, if any."""
        lowered = skill.strip().lower()
        if lowered in self.names:
            return lowered
        by_name = {name.lower(): key for key, name in self.names.items()}
        return self.aliases.get(lowered) or self.exact.get(skill.strip()) or by_name.get(lowered)


def _in_list(text: str, start: int, end: int) -> bool:
    """One-letter names ("C", "R") count only inside a list ("C, C++", "C/C++", "(R)"), not "Grade C"."""
    around = text[max(0, start - 2) : start] + text[end : end + 2]
    return any(mark in around for mark in ",/;|()")


def _alternation(aliases: list[str]) -> str:
    return "|".join(re.escape(alias) for alias in sorted(aliases, key=len, reverse=True))


@cache
def vocabulary(path: Path = SKILLS_FILE) -> Vocabulary:
    """The shipped vocabulary, compiled once."""
    entries: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    names = {key: entry["name"] for key, entry in entries.items()}
    aliases = {alias.lower(): key for key, entry in entries.items() for alias in entry["aliases"]}
    exact = {alias: key for key, entry in entries.items() for alias in entry.get("exact", [])}
    pattern = re.compile(f"{_BEFORE}(?:{_alternation(list(aliases))}){_AFTER}", re.IGNORECASE)
    exact_pattern = re.compile(f"{_BEFORE}(?:{_alternation(list(exact))}){_AFTER_EXACT}") if exact else None
    return Vocabulary(names, aliases, exact, pattern, exact_pattern)


# --- personal data ---------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b(?:linkedin\.com|github\.com|gitlab\.com|twitter\.com|x\.com)/\S*", re.I
)
_PHONE = re.compile(r"(?<![\w/])\+?\(?\d[\d ().-]{6,}\d(?!\w)")
_YEAR_RANGE = re.compile(r"^\s*(?:19|20)\d{2}\s*[-.]\s*(?:19|20)\d{2}\s*$")
_LABELLED = re.compile(
    r"^\s*(?:full name|name|date of birth|dob|birth ?date|born|place of birth|age|gender|sex|pronouns|"
    r"nationality|citizenship|marital status|family status|children|religion|ethnicity|race|photo|"
    r"address|phone|mobile|tel|telephone|e-?mail|linkedin|github|website)\s*[:\-–]",
    re.I,
)
_HEADINGS = {"resume", "résumé", "cv", "curriculum vitae", "summary", "profile", "experience", "contact"}
_TITLE_WORDS = re.compile(
    r"\b(?:engineer|developer|analyst|scientist|manager|designer|architect|administrator|consultant|"
    r"specialist|tester|programmer|intern|director|officer|representative|agent|lead|owner)\b",
    re.I,
)
_NAME_TOKEN = re.compile(r"^(?:[A-ZÀ-Þ][\w'’.-]*|[A-ZÀ-Þ]\.)$")


def redact_personal(text: str) -> str:
    """The text without emails, phone numbers, URLs, the name line or lines labelled with personal data."""
    kept: list[str] = []
    name_checked = False
    for line in text.splitlines():
        if not line.strip():
            if kept and kept[-1]:
                kept.append("")
            continue
        if _LABELLED.match(line):
            continue
        line = _URL.sub(" ", _EMAIL.sub(" ", line))
        line = _PHONE.sub(lambda m: m.group(0) if _not_a_phone(m.group(0)) else " ", line)
        # The name heads a resume, at most under a "Resume"/"CV" heading.
        if not name_checked and line.strip(" |•·,-–—") and line.strip().lower() not in _HEADINGS:
            name_checked = True
            line = _without_name(line)
        line = re.sub(r"\s+", " ", line).strip()
        # Separators left behind by removed contact details say nothing.
        if line.strip(" |•·,;:/-–—()"):
            kept.append(line)
    return "\n".join(kept).strip()


def _not_a_phone(candidate: str) -> bool:
    digits = sum(ch.isdigit() for ch in candidate)
    return digits < 8 or digits > 15 or bool(_YEAR_RANGE.match(candidate))


def _without_name(line: str) -> str:
    """The first line minus its leading segment when that segment reads as a personal name."""
    segments = re.split(r"\s*[|•·,–—]\s*|\s+-\s+", line.strip())
    first = segments[0]
    tokens = first.split()
    looks_like_name = (
        2 <= len(tokens) <= 4
        and all(_NAME_TOKEN.match(token) for token in tokens)
        and first.lower() not in _HEADINGS
        and not _TITLE_WORDS.search(first)
        and vocabulary().pattern.search(first) is None
    )
    return " | ".join(segments[1:]) if looks_like_name else line


# --- experience and roles --------------------------------------------------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _date(tag: str) -> str:
    return rf"(?:(?P<{tag}m>{_MONTH})\s+|(?P<{tag}n>0?[1-9]|1[0-2])[/.])?(?P<{tag}y>(?:19|20)\d{{2}})"


_RANGE = re.compile(
    rf"\b{_date('s')}\s*(?:-|–|—|to|until|till)\s*(?:{_date('e')}|(?P<open>present|current|now|today|ongoing))\b",
    re.I,
)
_YEARS_CLAIM = re.compile(
    r"(?:(?P<n>\d{1,2}(?:\.\d)?)\s*\+?|(?P<w>one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|fifteen|twenty)\+?)\s*(?:years?|yrs?)(?:\s+of)?(?:\s+[\w-]+){0,3}?\s+experience",
    re.I,
)
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
}  # fmt: skip
_EDUCATION = re.compile(
    r"\b(?:education|university|college|school|bachelor|master|b\.?sc|m\.?sc|b\.?a\.|m\.?a\.|phd|"
    r"degree|diploma|academy|bootcamp|coursework|gpa)\b",
    re.I,
)
_SECTION = re.compile(
    r"^(?:education|academic|qualifications|certifications?|courses|training|experience|work|employment|"
    r"professional|career|skills|projects|summary|profile|languages|interests)\b[\w &]{0,30}:?$",
    re.I,
)
_ROLE = re.compile(
    r"\b(?:(?:Senior|Sr\.?|Junior|Jr\.?|Lead|Principal|Staff|Associate|Head of|Chief|Graduate|Trainee)\s+)?"
    r"(?:[A-Z][\w+#./-]*\s+){0,3}"
    r"(?:Engineer|Developer|Analyst|Scientist|Manager|Designer|Architect|Administrator|Consultant|"
    r"Specialist|Tester|Programmer|Intern|Director|Officer|Representative|Agent|Coordinator|Owner|"
    r"Researcher|Lead)\b"
)
_ROLE_LEADING_NOISE = {"at", "as", "the", "a", "an", "and", "in", "for", "with", "was", "worked", "i", "my"}
_SENIOR_TITLE = re.compile(r"\b(?:senior|sr\.?|lead|principal|staff|head|chief|director|architect)\b", re.I)
_JUNIOR_TITLE = re.compile(r"\b(?:junior|jr\.?|intern|graduate|trainee|apprentice|associate)\b", re.I)


def experience_lines(text: str) -> list[str]:
    """Lines outside education sections and without education words: where work dates live."""
    lines: list[str] = []
    in_education = False
    for line in text.splitlines():
        stripped = line.strip()
        if len(stripped) < 40 and _SECTION.match(stripped):
            in_education = bool(_EDUCATION.match(stripped)) or stripped.lower().startswith(
                ("qualification", "certification", "course", "training", "academic")
            )
        if not in_education and not _EDUCATION.search(stripped):
            lines.append(stripped)
    return lines


def _month_index(match: re.Match[str], tag: str, default_month: int) -> int:
    year = int(match.group(f"{tag}y"))
    if match.group(f"{tag}m"):
        return year * 12 + _MONTHS.index(match.group(f"{tag}m")[:3].lower())
    if match.group(f"{tag}n"):
        return year * 12 + int(match.group(f"{tag}n")) - 1
    return year * 12 + default_month


def dated_years(lines: list[str], today: date) -> float | None:
    """Years covered by work date ranges, overlapping ranges merged."""
    now = today.year * 12 + today.month - 1
    spans: list[tuple[int, int]] = []
    for line in lines:
        for match in _RANGE.finditer(line):
            start = _month_index(match, "s", 0)
            end = now if match.group("open") else _month_index(match, "e", 0)
            if end == start and not match.group("em"):
                end = start + 12  # "2020 - 2020" is a year's work, not none
            if start <= end <= now and end - start <= 50 * 12:
                spans.append((start, end))
    if not spans:
        return None
    total, current_start, current_end = 0, *sorted(spans)[0]
    for start, end in sorted(spans)[1:]:
        if start > current_end:
            total += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    total += current_end - current_start
    return round(total / 12, 1)


def claimed_years(text: str) -> float | None:
    """The largest "N years of experience" statement."""
    claims = [
        float(m.group("n")) if m.group("n") else float(_WORDS[m.group("w").lower()])
        for m in _YEARS_CLAIM.finditer(text)
    ]
    plausible = [claim for claim in claims if 0 < claim <= 50]
    return max(plausible) if plausible else None


def find_roles(lines: list[str]) -> list[str]:
    """Job titles in order of appearance, without repeats."""
    roles: dict[str, str] = {}
    for line in lines:
        for match in _ROLE.finditer(line):
            words = match.group(0).split()
            while len(words) > 1 and words[0].lower() in _ROLE_LEADING_NOISE:
                words = words[1:]
            title = " ".join(words)
            if len(words) > 1 or title in {"Intern", "Developer", "Engineer"}:
                roles.setdefault(title.lower(), title)
    return list(roles.values())[:10]


def estimate_seniority(years: float | None, roles: list[str]) -> Seniority | None:
    """Years decide; a senior title lifts a middle estimate, and titles alone decide without years."""
    by_title: Seniority | None = None
    if any(_SENIOR_TITLE.search(role) for role in roles):
        by_title = "senior"
    elif any(_JUNIOR_TITLE.search(role) for role in roles):
        by_title = "junior"
    elif roles:
        by_title = "middle"
    if years is None:
        return by_title
    by_years: Seniority = "junior" if years < 2 else "middle" if years < 5 else "senior"
    if by_years == "middle" and by_title == "senior" and years >= 3:
        return "senior"
    return by_years


# --- putting it together ---------------------------------------------------------------------

_ACHIEVEMENT = re.compile(
    r"\b(?:led|lead|mentored|coached|managed|built|designed|architected|launched|shipped|owned|reduced|"
    r"increased|improved|scaled|migrated|automated|delivered|grew|cut|saved|founded|introduced|resolved)\b",
    re.I,
)
_FIGURE = re.compile(
    r"\d+(?:[.,]\d+)?\s*(?:%|x\b|k\b|m\b|\+)|[$€£]\s?\d|\b\d{2,}\b|"
    r"\b\d+\s+(?:\w+\s+)?(?:engineers|people|developers|reports|users|customers|clients|services|teams)\b",
    re.I,
)
_MAX_QUOTE = 140


def analyse(
    resume_text: str | None,
    job_description: str | None,
    role: str,
    level: str,
    skills: list[str],
    *,
    today: date | None = None,
) -> Analysis:
    """The rules analysis; either text may be missing (then only what the other shows is reported)."""
    vocab = vocabulary()
    needed = _job_skills(vocab, role, job_description, skills)
    core = needed[: max(len(skills), 5)]
    if not resume_text or not resume_text.strip():
        focus = [f"{name}: core to the job (no resume to check it against)" for name in core[:6]]
        return Analysis(focus_areas=focus)

    text = redact_personal(resume_text)
    shown_keys = vocab.find(text)
    shown = [vocab.names[key] for key in shown_keys]
    shown_lower = {name.lower() for name in shown}
    # Interview skills outside the vocabulary still count when the resume names them.
    matched = [name for name in needed if name.lower() in shown_lower or _mentions(text, name)]
    gaps = [name for name in needed if name not in matched]

    lines = experience_lines(text)
    dated = dated_years(lines, today or date.today())
    claimed = claimed_years(text)
    years = dated if dated is not None else claimed
    roles = find_roles(lines)
    seniority = estimate_seniority(years, roles)
    evidence = _evidence(text)

    focus = [f"{name}: the job needs it and the resume does not show it" for name in gaps if name in core][:3]
    focus += _level_focus(level, seniority, dated, claimed, _job_years(job_description))
    focus += [f"Check the claim: “{quote}”" for quote in evidence if _FIGURE.search(quote)][:2]
    focus += [f"{name}: core to the job; probe depth" for name in matched if name in core][:2]
    return Analysis(
        skills=shown,
        years_experience=years,
        roles=roles,
        seniority_estimate=seniority,
        strengths=matched + evidence[:4],
        gaps=gaps,
        focus_areas=focus[:6],
    )


def _job_skills(vocab: Vocabulary, role: str, job_description: str | None, skills: list[str]) -> list[str]:
    """Display names of what the job needs: the interview's skills first, then the role and description."""
    names: dict[str, None] = {}
    for skill in skills:
        key = vocab.key_for(skill)
        if skill.strip():
            names.setdefault(vocab.names[key] if key else skill.strip())
    for key in vocab.find(f"{role}\n{job_description or ''}"):
        names.setdefault(vocab.names[key])
    return list(names)


def _mentions(text: str, name: str) -> bool:
    return re.search(f"{_BEFORE}{re.escape(name)}{_AFTER}", text, re.I) is not None


def _evidence(text: str) -> list[str]:
    """Achievement lines, those with figures first: what the candidate says they did."""
    found: list[str] = []
    for line in text.splitlines():
        quote = line.strip(" •*-–—\t")
        if len(quote) >= 20 and _ACHIEVEMENT.search(quote) and quote not in found:
            found.append(quote if len(quote) <= _MAX_QUOTE else quote[: _MAX_QUOTE - 1].rstrip() + "…")
    return sorted(found, key=lambda quote: _FIGURE.search(quote) is None)


def _job_years(job_description: str | None) -> float | None:
    return claimed_years(job_description) if job_description else None


def _level_focus(
    level: str, seniority: Seniority | None, dated: float | None, claimed: float | None, wanted: float | None
) -> list[str]:
    """Mismatches worth a question: level, required years, and stated versus dated experience."""
    focus: list[str] = []
    if seniority and level in _LEVELS and _LEVELS.index(seniority) < _LEVELS.index(level):
        focus.append(f"Seniority: the interview is for {level}, the resume reads {seniority}; probe scope")
    years = dated if dated is not None else claimed
    if wanted is not None and years is not None and years < wanted:
        focus.append(f"Experience: the job asks for {wanted:g}+ years, the resume shows about {years:g}")
    if claimed is not None and dated is not None and claimed - dated >= 2:
        focus.append(f"Experience: the resume claims {claimed:g} years, its dated roles cover {dated:g}")
    return focus

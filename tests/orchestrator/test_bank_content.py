"""The content of the shipped question bank: coverage per role and level, key points that
scoring can use, texts a voice can speak, and HR/behavioural questions that stay lawful."""

import json
import re
import string

import pytest

from orchestrator.bank import BANK_PATH, KeyPoint, load_bank, pick_questions, role_categories
from orchestrator.scoring import covers, words_of

RAW = json.loads(BANK_PATH.read_text())
QUESTIONS = RAW["questions"]
LEVELS = ("junior", "middle", "senior")
REQUIRED_ROLES = ("backend", "frontend", "data", "devops", "product", "support")
SECTIONS = {"technical", "behavioural", "hr"}
REASONS = {"vague", "missing_point", "probe_claim", "star_incomplete", "clarify"}

# Topics an interviewer must never raise: protected characteristics and unlawful questions.
FORBIDDEN = [
    r"age",
    r"ages",
    r"how old",
    r"old are you",
    r"birth\w*",
    r"born",
    r"married",
    r"marriage",
    r"spouse",
    r"husband",
    r"wife",
    r"partner'?s",
    r"children",
    r"kids?",
    r"family",
    r"pregnan\w*",
    r"maternity",
    r"paternity",
    r"childcare",
    r"religio\w*",
    r"church",
    r"pray\w*",
    r"nationality",
    r"citizen\w*",
    r"ethnic\w*",
    r"race",
    r"racial",
    r"gender",
    r"sex",
    r"sexual\w*",
    r"orientation",
    r"health",
    r"illness",
    r"sick",
    r"disabilit\w*",
    r"disabled",
    r"medical",
    r"medication",
    r"salary",
    r"salaries",
    r"pay history",
    r"earn",
    r"retire\w*",
    r"maiden",
    r"accent",
    r"native language",
    r"mother tongue",
    r"politic\w*",
    r"union",
    r"arrest\w*",
    r"criminal",
    r"where are you from",
    r"originally from",
]
FORBIDDEN_RE = re.compile(r"\b(" + "|".join(FORBIDDEN) + r")\b", re.IGNORECASE)

# Phrases from the first bank that can never match (punctuation is stripped from answers);
# each one has a spaced variant next to it.
LEGACY_UNMATCHABLE = {
    "end-to-end",
    "/todos",
    "b-tree",
    "non-repeatable",
    "key-value",
    "i/o",
    "io-bound",
    "cpu-bound",
    "re-render",
    "re-run",
    "blue-green",
    "post-mortem",
    "cross-validation",
}


def spoken_texts(q: dict) -> list[str]:
    return [q["text"], q["followup"], *q.get("followups", {}).values()]


def matchable(phrase: str) -> bool:
    return " ".join(words_of(phrase)) == phrase


def test_bank_loads_with_the_current_loader():
    roles, bank = load_bank()
    assert len(bank) == len(QUESTIONS)
    assert all(r in roles for r in REQUIRED_ROLES)


@pytest.mark.parametrize("role", REQUIRED_ROLES)
def test_every_required_role_has_four_questions_per_level(role):
    _, bank = load_bank()
    for level in LEVELS:
        n = sum(1 for q in bank if q.category == role and level in q.levels)
        assert n >= 4, (role, level, n)


def test_behavioural_and_hr_sections_are_large_enough():
    _, bank = load_bank()
    assert sum(1 for q in bank if q.category == "behavioural") >= 10
    assert sum(1 for q in bank if q.category == "hr") >= 6
    for level in LEVELS:
        assert sum(1 for q in bank if q.category == "behavioural" and level in q.levels) >= 4
        assert sum(1 for q in bank if q.category == "hr" and level in q.levels) >= 3


def test_behavioural_bank_covers_the_core_themes():
    ids = {q["id"] for q in QUESTIONS if q["category"] == "behavioural"}
    for theme in (
        "conflict",
        "failure",
        "ownership",
        "lead",
        "priorities",
        "feedback",
        "ambiguity",
        "mentor",
    ):
        assert any(theme in i for i in ids), theme


def test_ids_unique_and_fields_complete():
    ids = [q["id"] for q in QUESTIONS]
    assert len(ids) == len(set(ids))
    for q in QUESTIONS:
        assert q["category"] and q["followup"].strip(), q["id"]
        assert q["levels"] and set(q["levels"]) <= set(LEVELS), q["id"]
        assert all(s == s.lower() and s.strip() for s in q["skills"]), q["id"]
        expected = q["category"] if q["category"] in ("behavioural", "hr") else "technical"
        if q["id"] == "beh-intro":
            expected = "hr"  # the opener ("tell me about yourself") is graded as hr, not as a STAR story
        assert q["section"] in SECTIONS and q["section"] == expected, q["id"]


def test_key_points_have_phrases_and_a_describing_sentence():
    for q in QUESTIONS:
        assert 3 <= len(q["key_points"]) <= 5, q["id"]
        labels = [k["point"] for k in q["key_points"]]
        assert len(labels) == len(set(labels)), q["id"]
        for k in q["key_points"]:
            where = (q["id"], k["point"])
            assert k["point"].strip() and k["phrases"], where
            assert all(p == p.lower() and p.strip() for p in k["phrases"]), where
            assert any(matchable(p) for p in k["phrases"]), where
            for p in k["phrases"]:
                assert matchable(p) or p in LEGACY_UNMATCHABLE, (where, p)
            desc = k["description"]
            assert desc[0].isupper() and desc.rstrip().endswith("."), where
            assert 6 <= len(desc.split()) <= 45, where
            # the describing sentence is itself an answer the keyword matcher recognises
            assert covers(desc, KeyPoint(k["point"], tuple(k["phrases"]))), where


def test_spoken_texts_are_short_and_plain():
    for q in QUESTIONS:
        assert len(q["text"].split()) < 45, q["id"]
        assert q["text"].rstrip()[-1] in ".?", q["id"]
        for text in spoken_texts(q):
            assert not re.search(r"[*`#_<>\[\]|\\]", text), (q["id"], text)
            assert "\n" not in text and "  " not in text, (q["id"], text)
            assert not re.search(r"^\s*[-•]\s", text), (q["id"], text)
            without = text.replace("{point}", "")
            assert "{" not in without and "}" not in without, (q["id"], text)


def test_followups_use_known_reasons_and_only_the_point_placeholder():
    for q in QUESTIONS:
        followups = q.get("followups", {})
        assert set(followups) <= REASONS, q["id"]
        for reason, text in followups.items():
            fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
            if reason == "missing_point":
                assert fields <= {"point"}, q["id"]
                assert text.format(point="rollback")
            else:
                assert not fields, (q["id"], reason)
        if q["section"] == "behavioural":
            assert "star_incomplete" in followups, q["id"]
        if q["section"] == "technical":
            assert "missing_point" in followups, q["id"]


def test_hr_and_behavioural_questions_avoid_protected_topics():
    for q in QUESTIONS:
        if q["section"] not in ("hr", "behavioural"):
            continue
        for text in spoken_texts(q):
            found = FORBIDDEN_RE.search(text)
            assert not found, (q["id"], found and found.group(0), text)


def test_forbidden_list_catches_unlawful_questions():
    for bad in (
        "How old are you?",
        "Are you married?",
        "Do you have children?",
        "What is your religion?",
        "What is your nationality?",
        "Where were you born?",
        "Do you have any health issues?",
        "What was your salary history?",
        "Do you have a disability?",
    ):
        assert FORBIDDEN_RE.search(bad), bad
    assert not FORBIDDEN_RE.search("How do you manage competing priorities?")


def test_new_roles_map_from_job_titles():
    assert role_categories("Product Manager") == ["product"]
    assert role_categories("Senior Product Owner") == ["product"]
    assert role_categories("Customer Support Specialist") == ["support"]
    assert role_categories("Customer Success Manager") == ["support"]
    assert role_categories("Technical Support Engineer") == ["support"]
    assert role_categories("Product Designer") == []


@pytest.mark.parametrize(
    "role", ["Product Manager", "Customer Support Agent", "Data Engineer", "DevOps Engineer"]
)
@pytest.mark.parametrize("level", LEVELS)
def test_plans_for_every_role_and_level_are_full_and_on_topic(role, level):
    plan = pick_questions(role, level, [], 30, seed="content")
    assert len(plan) == 8 and len({q.id for q in plan}) == 8
    assert all(level in q.levels for q in plan)
    cats = set(role_categories(role))
    assert sum(1 for q in plan if q.category in cats) >= 4

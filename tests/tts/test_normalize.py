"""Speakable text: every question of the bank, and the symbols interview questions use."""

import json
from pathlib import Path

import pytest

from tts.normalize import number_words, speakable, unspoken

BANK = json.loads((Path(__file__).parents[2] / "orchestrator" / "questions.json").read_text())["questions"]
BANK_TEXTS = [q["text"] for q in BANK] + [q["followup"] for q in BANK]


@pytest.mark.parametrize("text", BANK_TEXTS)
def test_no_symbol_of_the_bank_reaches_the_synthesiser_unspoken(text):
    said = speakable(text)
    assert unspoken(said) == "", said
    assert not any(ch.isdigit() for ch in said)
    assert len(said.split()) >= len(text.split())  # nothing dropped


def test_the_bank_spells_its_acronyms():
    said = {t: speakable(t) for t in BANK_TEXTS}
    assert "rest A-P-I" in said["How would you design a REST API for a simple to-do list application?"]
    assert any("U-R-L" in s for s in said.values())


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("What is your p95 latency?", "What is your P ninety five latency?"),
        ("Sorting is O(n log n), lookups O(1).", "Sorting is big O of n log n, lookups big O of one."),
        ("Naive is O(n^2).", "Naive is big O of n squared."),
        ("Have you used C++ or C#?", "Have you used C plus plus or C sharp?"),
        ("It got 2x faster.", "It got two times faster."),
        ("Write the SQL for it.", "Write the S-Q-L for it."),
        ("Which APIs did you own?", "Which A-P-Is did you own?"),
        ("Open https://example.com/docs now.", "Open example dot com slash docs now."),
        ("It served 1,250 requests at 35 ms.", "It served one thousand two hundred fifty requests at thirty five milliseconds."),  # noqa: E501
        ("Uptime was 99.9% in 2024.", "Uptime was ninety nine point nine percent in twenty twenty four."),
        ("We ran CI/CD on AWS.", "We ran C-I-C-D on A-W-S."),
        ("Our 1st and 22nd hires.", "Our first and twenty second hires."),
        ("It costs $5k a month.", "It costs five thousand dollars a month."),
        ("Store 512 MB in S3.", "Store five hundred twelve megabytes in S three."),
        ("Node.js vs. Go, e.g. gRPC.", "node J-S versus Go, for example G-R-P-C."),
        ("A/B tests & read/write.", "A-B tests and read slash write."),
        ("It took 1 s.", "It took one second."),
    ],
)
def test_interview_symbols_are_said_in_words(text, spoken):
    assert speakable(text) == spoken
    assert unspoken(speakable(text)) == ""


def test_number_words():
    assert number_words("0") == "zero"
    assert number_words("105") == "one hundred five"
    assert number_words("2,000,001") == "two million one"
    assert number_words("-3.25") == "minus three point two five"
    assert number_words("1999") == "nineteen ninety nine"

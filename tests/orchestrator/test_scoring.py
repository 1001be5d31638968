from orchestrator.bank import KeyPoint
from orchestrator.scoring import SpokenSegment, communication_figures, needs_followup, score_answer

POINTS = [
    KeyPoint("reproduce", ("reproduce", "repro")),
    KeyPoint("observe", ("logs", "debugger", "metrics")),
    KeyPoint("narrow down", ("isolate", "bisect")),
    KeyPoint("verify", ("test", "regression")),
]


def test_full_answer_scores_high_and_names_what_it_covered():
    answer = (
        "First I reproduce the bug locally, then read the logs and metrics, bisect the commits "
        "to isolate the change, and finally add a regression test so it stays fixed. "
    ) * 2
    s = score_answer(answer, POINTS)
    assert s.covered == ["reproduce", "observe", "narrow down", "verify"]
    assert s.missed == []
    assert s.score >= 8.5
    assert not needs_followup(s)


def test_thin_answer_scores_low_and_gets_a_followup():
    s = score_answer("I would look at the logs.", POINTS)
    assert s.covered == ["observe"]
    assert s.score < 3
    assert needs_followup(s)
    assert "Not mentioned: reproduce" in s.feedback


def test_stems_match_word_starts_only():
    assert score_answer("we reproduced it then isolated it", POINTS).covered == ["reproduce", "narrow down"]
    assert score_answer("unreproducible contest", POINTS).covered == []


def test_empty_answer_scores_zero():
    assert score_answer("", POINTS).score == 0
    assert score_answer("um okay", POINTS).score == 0


def test_communication_figures():
    words = [
        {"word": w, "start": s, "end": s + 0.3}
        for w, s in [("um", 0.0), ("I", 0.4), ("built", 0.8), ("APIs", 3.0)]
    ]
    seg = SpokenSegment("Um, I built APIs, you know, basically.", 0.0, 6.0, words)
    figures = communication_figures([seg])
    assert figures["words"] == 7
    assert figures["words_per_minute"] == 70.0
    assert figures["filler_words"] == 3  # um, basically, "you know"
    assert figures["longest_pause_seconds"] == 1.9

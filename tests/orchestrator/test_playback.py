from orchestrator.playback import Playback
from orchestrator.session import Reply


def test_spoken_text_counts_only_what_was_played():
    p = Playback(Reply("One two three. Four five six seven.", "question", "q1"))
    p.add("One two three.", 16000)
    p.add("Four five six seven.", 16000)
    assert p.spoken_text(0) == ""
    assert p.spoken_text(16000) == "One two three."
    assert p.spoken_text(16000 + 8000) == "One two three. Four five"
    assert p.spoken_text(40000) == "One two three. Four five six seven."

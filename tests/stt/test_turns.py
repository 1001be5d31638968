from stt.turns import TurnOptions, looks_complete, required_silence_ms


def test_finished_sentences_look_complete():
    assert looks_complete("I would add an index on the email column.")
    assert looks_complete("That's it")
    assert looks_complete("Is that what you mean?")


def test_trailing_clauses_and_fillers_look_incomplete():
    assert not looks_complete("I would add an index and")
    assert not looks_complete("Mostly Python, and")
    assert not looks_complete("So the first thing is...")
    assert not looks_complete("Um.")
    assert not looks_complete("")


def test_required_silence_is_patient_when_unsure():
    opts = TurnOptions(complete_silence_ms=400, short_answer_silence_ms=900, incomplete_silence_ms=2500)
    assert required_silence_ms("I would use a queue with retries and a dead letter topic.", opts) == 400
    assert required_silence_ms("Yes.", opts) == 900
    assert required_silence_ms("I think the main thing is", opts) == 2500

from stt.turns import TurnOptions, ending, looks_complete, required_silence_ms


def test_finished_sentences_look_complete():
    assert looks_complete("I would add an index on the email column.")
    assert looks_complete("That's it")
    assert looks_complete("Is that what you mean?")


def test_trailing_clauses_and_fillers_look_incomplete():
    assert not looks_complete("I would add an index and")
    assert not looks_complete("Mostly Python, and")
    assert not looks_complete("I used Python,")
    assert not looks_complete("So the first thing is...")
    assert not looks_complete("Um.")
    assert not looks_complete("")


def test_required_silence_is_patient_when_unsure():
    opts = TurnOptions(
        complete_silence_ms=400,
        short_answer_silence_ms=900,
        unsure_silence_ms=1000,
        incomplete_silence_ms=2500,
    )
    assert required_silence_ms("I would use a queue with retries and a dead letter topic.", opts) == 400
    assert required_silence_ms("Yes.", opts) == 900
    assert required_silence_ms("then reproduce the problem in a test", opts) == 1000  # no full stop
    assert required_silence_ms("I think the main thing is", opts) == 2500
    assert ending("and then") == "incomplete" and ending("in a test") == "unsure"


def test_whisper_punctuation_after_a_mid_clause_pause_is_not_trusted():
    # seen in the turn-latency benchmark: the candidate paused after "does not"
    assert not looks_complete("I would put a queue between the services so that a spike does not.")
    assert not looks_complete("The main problem is.")
    assert looks_complete("Yes, I did.")
    assert looks_complete("I think so.")

import pytest

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


# -- the policy over time: a fake clock, scripted VAD, transcripts and Smart Turn outputs --

from stt.turns import EndOfTurn, decide  # noqa: E402

OPTS = TurnOptions()  # the defaults the server runs with


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def speak(turn: EndOfTurn, clock: Clock, seconds: float, *, first: bool = False) -> None:
    """The candidate talks for `seconds` (VAD: started or resumed)."""
    turn.started() if first else turn.resumed()
    clock.now += seconds


def end_after_silence(
    turn: EndOfTurn, clock: Clock, text: str, prob: float | None, *, up_to_s: float = 5.0, stt_ms: int = 120
) -> float | None:
    """VAD pause; Smart Turn answers after 30 ms, Whisper after `stt_ms`; then 20 ms ticks.
    Returns the silence (ms) at which the policy ended the turn, or None within `up_to_s`."""
    turn.paused()
    start = clock.now
    while clock.now - start < up_to_s:
        elapsed_ms = (clock.now - start) * 1000
        if prob is not None and elapsed_ms >= 30 and turn.probability is None:
            turn.scored(prob)
        if elapsed_ms >= stt_ms and turn.text is None:
            turn.heard(text)
        if turn.should_end():
            return round(elapsed_ms)
        clock.now += 0.02
    return None


def fresh(use_model: bool = True) -> tuple[EndOfTurn, Clock]:
    clock = Clock()
    turn = EndOfTurn(OPTS, clock=clock, use_model=use_model)
    speak(turn, clock, 3.0, first=True)
    return turn, clock


def test_a_clearly_finished_answer_ends_within_the_confident_silence():
    turn, clock = fresh()
    ended = end_after_silence(turn, clock, "I would add an index on the email column.", 0.93)
    assert ended is not None and ended <= OPTS.confident_silence_ms + 20
    assert turn.decision() is not None and turn.decision().reason == "agree"


def test_a_thinking_pause_after_finished_looking_text_is_ridden_out():
    # Whisper dropped the "and" the candidate paused on; Smart Turn hears an unfinished turn
    turn, clock = fresh()
    assert end_after_silence(turn, clock, "I would start with the logs.", 0.08, up_to_s=2.0) is None
    speak(turn, clock, 1.5)  # goes on after 2.0 s of silence: nothing was said over them
    assert (
        end_after_silence(turn, clock, "I would start with the logs and then a test.", 0.9)
        <= OPTS.confident_silence_ms + 20
    )


def test_an_unfinished_looking_pause_ends_if_the_silence_goes_on():
    turn, clock = fresh()
    ended = end_after_silence(turn, clock, "I would start with the logs.", 0.08)
    assert ended is not None and 2000 < ended <= OPTS.incomplete_silence_ms + 20


def test_a_dangling_word_waits_whatever_the_model_says():
    for text in ("I would put a queue between the services and", "The numbers did.", "So um"):
        turn, clock = fresh()
        assert end_after_silence(turn, clock, text, 0.97, up_to_s=2.0) is None, text
        assert turn.decision() is not None and turn.decision().text_ending == "incomplete"


def test_a_short_yes_is_answered_promptly_when_the_model_agrees():
    turn, clock = fresh()
    assert end_after_silence(turn, clock, "Yes.", 0.6) <= OPTS.confident_silence_ms + 20
    turn, clock = fresh()
    assert end_after_silence(turn, clock, "No, never.", 0.55) <= OPTS.confident_silence_ms + 20
    turn, clock = fresh()  # tiny.en often leaves a one-word answer without a full stop
    assert end_after_silence(turn, clock, "Yes", 0.93) <= OPTS.confident_silence_ms + 20
    turn, clock = fresh()  # the model hesitates: a little more room
    assert (
        OPTS.confident_silence_ms + 20
        < end_after_silence(turn, clock, "Yes.", 0.4)
        <= OPTS.disagree_silence_ms + 20
    )


def test_disagreement_waits_longer_than_agreement_but_less_than_a_thinking_pause():
    turn, clock = fresh()  # finished text, the model unsure
    assert end_after_silence(turn, clock, "I have worked in Python for four years.", 0.5) == pytest.approx(
        OPTS.disagree_silence_ms, abs=20
    )
    turn, clock = fresh()  # no full stop, the model sure
    assert end_after_silence(turn, clock, "then reproduce the problem in a test", 0.9) == pytest.approx(
        OPTS.disagree_silence_ms, abs=20
    )


def test_a_slow_transcript_holds_the_decision():
    turn, clock = fresh()
    ended = end_after_silence(turn, clock, "I would add an index.", 0.95, stt_ms=600)
    assert ended == pytest.approx(600, abs=20)


def test_results_for_an_earlier_pause_are_forgotten_when_speech_resumes():
    turn, clock = fresh()
    turn.paused()
    turn.scored(0.99)
    turn.heard("I would add an index.")
    speak(turn, clock, 1.0)  # resumed before the 200 ms were up
    assert turn.decision() is None and not turn.should_end()


def test_without_the_model_the_text_decides_as_before():
    turn, clock = fresh(use_model=False)
    assert end_after_silence(turn, clock, "I would add an index on the email column.", None) == pytest.approx(
        OPTS.complete_silence_ms, abs=20
    )
    turn, clock = fresh(use_model=False)
    assert end_after_silence(turn, clock, "and then", None) == pytest.approx(
        OPTS.incomplete_silence_ms, abs=20
    )


def test_a_very_long_answer_ends_at_its_next_pause():
    clock = Clock()
    turn = EndOfTurn(TurnOptions(max_answer_s=120), clock=clock)
    speak(turn, clock, 60, first=True)
    assert end_after_silence(turn, clock, "and so on and", 0.05, up_to_s=1.0) is None
    speak(turn, clock, 61)
    ended = end_after_silence(turn, clock, "and so on and", 0.05)
    assert ended is not None and ended <= 140  # as soon as the transcript is in
    assert turn.decision() is not None and turn.decision().reason == "max_length"


def test_decide_names_its_reason():
    assert decide("I did.", 0.9, OPTS).reason == "agree"
    assert decide("I did.", 0.1, OPTS).reason == "unlikely"
    assert decide("we checked and the numbers did", 0.9, OPTS).reason == "dangling"
    assert decide("I think so.", None, OPTS).reason == "text_only"
    assert required_silence_ms("Yes, I have.", OPTS, 0.8) == OPTS.confident_silence_ms


def test_a_late_model_answer_is_waited_for_not_guessed():
    turn, clock = fresh()  # Smart Turn never answers (queued behind other interviews)
    ended = end_after_silence(turn, clock, "I would add an index on the email column.", None)
    assert ended == pytest.approx(OPTS.disagree_silence_ms, abs=20)


def test_saying_that_is_it_hands_the_turn_over_whatever_the_tone():
    turn, clock = fresh()  # seen with the Piper candidate: Smart Turn 0.03 on "That's it."
    ended = end_after_silence(turn, clock, "I would write a design document first. That's it.", 0.03)
    assert ended is not None and ended <= OPTS.confident_silence_ms + 20
    assert turn.decision() is not None and turn.decision().reason == "done"

"""Speech synthesis on this machine, per engine and voice: load time, first audio of a
reply, real-time factor, tiny.en's word error rate on the result, and the CPU one
interview's interviewer speech costs.

    python -m bench.tts [--repeats 3] [--voices joe,joe-deep,espeak-en-us] [--no-wer]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

import numpy as np

from core.audio import SAMPLE_RATE, to_float32
from media.resample import resample_speech
from orchestrator.bank import BankQuestion, load_bank
from stt.whisper import WhisperEngine
from tts.piper import PiperSynthesizer
from tts.synth import Pyttsx3Synthesizer, SpeechSynthesizer, TtsOptions
from tts.voices import PRESETS

GREETING = (
    "Hi Alex. Thanks for joining this interview for the Backend Engineer role. It will take about "
    "20 minutes. Take your time with each answer, and tell me when you're done. "
)
INTERVIEW_MINUTES = 20
QUESTIONS_PER_INTERVIEW = 6


def make(voice: str) -> SpeechSynthesizer:
    preset = PRESETS[voice]
    if preset.engine == "piper":
        return PiperSynthesizer(TtsOptions(voice=voice), preset)
    return Pyttsx3Synthesizer(TtsOptions(engine="pyttsx3", voice=voice), preset)


async def first_audio_ms(synth: SpeechSynthesizer, text: str) -> float:
    """Reply text in -> first sentence ready to queue (what the turn waits for)."""
    started = time.perf_counter()
    stream = synth.stream(text)
    await anext(stream)
    elapsed = (time.perf_counter() - started) * 1000
    async for _ in stream:  # finish, so the next measurement starts idle
        pass
    return elapsed


def interview_script(questions: list[BankQuestion]) -> list[str]:
    """What the rules interviewer says in one interview: greeting, questions, follow-ups, close."""
    said = [GREETING + questions[0].text]
    for q in questions[1:QUESTIONS_PER_INTERVIEW]:
        said += [q.followup, f"Thanks, that's helpful. Next question. {q.text}"]
    said.append("Thank you, that's all my questions. The recruiting team will review the interview. Goodbye!")
    return said


def measure(voice: str, questions: list[BankQuestion], repeats: int, whisper: WhisperEngine | None) -> dict:
    synth = make(voice)
    started = time.perf_counter()
    synth.synthesize("Ready.")  # load + warm-up, as the server does at start
    load_ms = (time.perf_counter() - started) * 1000
    # a reply opening on a sentence not made before (a question: 10-20 words, the worst case)
    first = []
    for q in questions[:repeats]:
        synth._cache.clear()  # noqa: SLF001 - measure making it, not keeping it
        first.append(asyncio.run(first_audio_ms(synth, q.text)))
    # a reply opening on a recurring sentence, as most turns' replies do
    recurring = [
        asyncio.run(first_audio_ms(synth, f"Thanks, that's helpful. {q.text}")) for q in questions[:repeats]
    ]
    # RTF and CPU over one interview's speech, sentence by sentence as in a turn
    cpu0, wall0, audio_s = time.process_time(), time.perf_counter(), 0.0
    made = []
    for reply in interview_script(questions):
        speech = synth.synthesize(reply)
        audio_s += speech.seconds
        made.append(speech)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    row = {
        "voice": voice,
        "engine": PRESETS[voice].engine,
        "load_ms": round(load_ms),
        "first_audio_ms_new_sentence_median": round(statistics.median(first), 1),
        "first_audio_ms_new_sentence_max": round(max(first), 1),
        "first_audio_ms_recurring_sentence_median": round(statistics.median(recurring[1:]), 2),
        "rtf": round(wall / audio_s, 4),
        "interview_speech_s": round(audio_s, 1),
        "interview_synthesis_cpu_s": round(cpu, 2),
        "cpu_share_of_one_core_over_interview": round(cpu / (INTERVIEW_MINUTES * 60), 5),
        "cpu_share_of_one_core_while_speaking": round(cpu / audio_s, 4),
        "status": synth.status,
    }
    if whisper is not None:
        row.update(word_error_rate(whisper, synth, questions))
    return row


def word_error_rate(whisper: WhisperEngine, synth: SpeechSynthesizer, questions: list[BankQuestion]) -> dict:
    """tiny.en (greedy, as the server) on every bank question read by this voice."""
    from tests.helpers import spoken_wer

    errors, words = 0.0, 0
    pad = np.zeros(SAMPLE_RATE // 4, dtype=np.int16)
    for q in questions:
        speech = synth.synthesize(q.text)
        pcm = resample_speech(speech.pcm, speech.sample_rate, SAMPLE_RATE)
        heard = whisper.transcribe(to_float32(np.concatenate([pad, pcm, pad]))).text
        n = len(q.text.split())
        errors += spoken_wer(q.text, heard) * n
        words += n
    return {"tiny_en_wer_on_bank": round(errors / words, 4), "wer_words": words}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--voices", default="joe,joe-warm,joe-deep,joe-bright,candidate,espeak-en-us")
    parser.add_argument("--no-wer", action="store_true")
    args = parser.parse_args()
    questions = list(load_bank()[1])
    whisper = None if args.no_wer else WhisperEngine()
    rows = [measure(v, questions, args.repeats, whisper) for v in args.voices.split(",")]
    print(
        json.dumps(
            {
                "benchmark": "tts",
                "interview": f"{INTERVIEW_MINUTES} min, {QUESTIONS_PER_INTERVIEW} questions with follow-ups",
                "voices": rows,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()

"""Whisper transcription (faster-whisper / CTranslate2).

Fast path: encode only the utterance plus padding instead of Whisper's fixed
30 s window (about 5x less work for a short answer), then align words on the
same encoder output. If the fast result looks wrong (repetition, runaway
length) the standard 30 s path runs instead.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import zlib
from dataclasses import dataclass, field

import numpy as np

from core.audio import SAMPLE_RATE
from stt.models import configure_hub_access, resolve_model

log = logging.getLogger(__name__)

# Smallest encoder windows tried, in order. tiny.en repeats itself on windows that end
# right after the speech; a second, roomier try fixed every case seen (~140 ms).
FAST_WINDOWS_S = (3.0, 8.0)
TAIL_PAD_S = 1.0
PUNCTUATION = "\"'“¿([{-.。,，!！?？:：”)]}、"
HALLUCINATIONS = {"you", "thank you.", "thanks for watching!", "thank you for watching.", "."}


@dataclass(frozen=True)
class SttOptions:
    model: str = "tiny.en"
    compute_type: str = "int8"
    cpu_threads: int = 2
    beam_size: int = 1
    language: str = "en"
    # CTranslate2 model replicas (inter_threads): this many calls run at once, each on
    # `cpu_threads` threads. On 2 cores 2 replicas x 2 threads had ~2x the throughput of
    # 1 x 2 at the same lone-utterance latency (bench.stt_pool); the server uses 2.
    num_workers: int = 1


@dataclass(frozen=True)
class Word:
    text: str
    start: float  # seconds from the start of the audio given
    end: float
    probability: float


@dataclass(frozen=True)
class Transcript:
    text: str
    words: list[Word] = field(default_factory=list)
    audio_seconds: float = 0.0
    no_speech_prob: float = 0.0
    compute_ms: float = 0.0
    fast_path: bool = True

    @property
    def empty(self) -> bool:
        return not self.text.strip()


class WhisperEngine:
    """One loaded model; `transcribe` is blocking and thread-safe; `num_workers` calls
    run in parallel (CTranslate2 dispatches encode, generate and align, each one call,
    to a free replica; the encoder output is a CPU array any replica can read)."""

    def __init__(self, options: SttOptions | None = None) -> None:
        from faster_whisper import WhisperModel
        from faster_whisper.tokenizer import Tokenizer

        self.options = options or SttOptions()
        configure_hub_access(self.options.model)
        self.model = WhisperModel(
            resolve_model(self.options.model),
            device="cpu",
            compute_type=self.options.compute_type,
            cpu_threads=self.options.cpu_threads,
            num_workers=self.options.num_workers,
        )
        self._tokenizer = Tokenizer(
            self.model.hf_tokenizer,
            self.model.model.is_multilingual,
            task="transcribe",
            language=self.options.language,
        )
        # One permit per replica: a call's encode, generate and align run back to back
        # instead of interleaving with other calls inside CTranslate2's own queue.
        self._replicas = threading.BoundedSemaphore(self.options.num_workers)

    def transcribe(self, audio: np.ndarray, beam_size: int | None = None) -> Transcript:
        """Transcribe float32 16 kHz mono audio (`beam_size` overrides the configured one)."""
        beam = beam_size or self.options.beam_size
        started = time.perf_counter()
        seconds = len(audio) / SAMPLE_RATE
        with self._replicas:  # each replica uses all its threads per call; queue the rest
            result = None
            for window in FAST_WINDOWS_S if seconds <= 28 else ():
                if (result := self._fast_with_continuation(audio, window, beam)) is not None:
                    break
            if result is None:
                result = self._standard(audio, beam)
        text, words, no_speech, fast = result
        if _looks_like_noise(text, words, no_speech):
            text, words = "", []
        return Transcript(
            text=text.strip(),
            words=words,
            audio_seconds=seconds,
            no_speech_prob=no_speech,
            compute_ms=(time.perf_counter() - started) * 1000,
            fast_path=fast,
        )

    def _fast_with_continuation(
        self, audio: np.ndarray, min_window_s: float, beam: int = 1
    ) -> tuple[str, list[Word], float, bool] | None:
        """Without timestamps Whisper sometimes stops before a long clip ends; then
        transcribe the rest from the last word on (cheaper than the 30 s path)."""
        texts: list[str] = []
        words: list[Word] = []
        offset, no_speech = 0.0, 1.0
        for _ in range(4):
            part = self._fast(audio[int(offset * SAMPLE_RATE) :], min_window_s, beam)
            if part is None:
                return None
            text, part_words, part_no_speech = part
            texts.append(text)
            words += [Word(w.text, w.start + offset, w.end + offset, w.probability) for w in part_words]
            no_speech = min(no_speech, part_no_speech)
            if not part_words or not _speech_after(audio, words[-1].end + 0.5):
                return " ".join(t.strip() for t in texts), words, no_speech, True
            offset = words[-1].end
        return None

    def _fast(
        self, audio: np.ndarray, min_window_s: float, beam: int = 1
    ) -> tuple[str, list[Word], float] | None:
        model, tok = self.model, self._tokenizer
        content_frames = len(audio) // 160
        pad = max(int(TAIL_PAD_S * SAMPLE_RATE), int(min_window_s * SAMPLE_RATE) - len(audio))
        padded = np.concatenate([audio.astype(np.float32), np.zeros(pad, dtype=np.float32)])
        features = model.feature_extractor(padded, padding=0)[:, :3000]
        if features.shape[-1] % 2:
            features = features[:, :-1]
        encoded = model.encode(features)
        prompt = model.get_prompt(tok, [], without_timestamps=True)
        max_new = int(len(audio) / SAMPLE_RATE * 7) + 8  # ~3 words/s is fast speech
        result = model.model.generate(
            encoded,
            [prompt],
            beam_size=beam,
            max_length=len(prompt) + max_new,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=[-1],
        )[0]
        tokens = [t for t in result.sequences_ids[0] if t < tok.eot]
        text = tok.decode(tokens)
        if len(tokens) >= max_new:
            return None
        words = _merge_punctuation(model.find_alignment(tok, [tokens], encoded, content_frames)[0])
        kept = _drop_words_past_the_end(words, len(audio) / SAMPLE_RATE)
        if len(kept) < len(words):
            text, words = " ".join(w.text for w in kept), kept
        if _repetitive(text):
            return None
        return text, words, float(result.no_speech_prob)

    def _standard(self, audio: np.ndarray, beam: int = 1) -> tuple[str, list[Word], float, bool]:
        segments, _ = self.model.transcribe(
            audio,
            language=self.options.language,
            beam_size=max(1, beam),
            word_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=False,
        )
        segments = list(segments)
        words = [
            Word(w.word.strip(), float(w.start), float(w.end), float(w.probability))
            for s in segments
            for w in (s.words or [])
        ]
        no_speech = min((s.no_speech_prob for s in segments), default=1.0)
        return "".join(s.text for s in segments), words, float(no_speech), False


def _drop_words_past_the_end(words: list[Word], seconds: float) -> list[Word]:
    """Words the decoder invented over the silent padding align, with no duration,
    onto the very end of the audio ("...as well. An index makes"): drop them."""
    kept = list(words)
    while kept and kept[-1].end - kept[-1].start < 0.01 and kept[-1].start >= seconds - 0.3:
        kept.pop()
    return kept


def _speech_after(audio: np.ndarray, seconds: float) -> bool:
    """Is there at least a second of loud audio after `seconds`? (Word alignment can
    end a word a few hundred ms early, so less than that is not a missing phrase.)"""
    tail = audio[int(seconds * SAMPLE_RATE) :]
    frames = tail[: len(tail) // 320 * 320].reshape(-1, 320)
    if len(frames) == 0:
        return False
    loud = np.sqrt(np.mean(np.square(frames), axis=1)) > 0.01  # about -40 dBFS
    return int(loud.sum()) >= 50  # 1 s of it


def _looks_like_noise(text: str, words: list[Word], no_speech: float) -> bool:
    """Whisper's usual test (no-speech probability against confidence), with word
    probabilities standing in for the log-probability the fast path does not keep."""
    if text.strip().lower() in HALLUCINATIONS and no_speech > 0.3:
        return True
    mean_prob = sum(w.probability for w in words) / len(words) if words else 0.0
    return no_speech > 0.6 and mean_prob < 0.5


def _repetitive(text: str) -> bool:
    """Whisper's failure mode on short windows: a phrase said twice in a row
    ("...in a test and then reduce the problem in a test and")."""
    words = re.findall(r"\w+", text.lower())
    if len(words) >= 3 and len(set(words)) == 1:
        return True
    # a short answer said again over the silent padding ("First answer. First answer."):
    # the 30 s path hears it once; a person who really repeats loses only ~0.3 s
    for size in range(1, len(words) // 2 + 1):
        if len(words) % size == 0 and words == words[:size] * (len(words) // size):
            return True
    for size in range(3, len(words) // 2 + 1):
        for start in range(len(words) - 2 * size + 1):
            if words[start : start + size] == words[start + size : start + 2 * size]:
                return True
    raw = text.encode()
    return len(raw) > 60 and len(raw) / len(zlib.compress(raw)) > 2.4


def _merge_punctuation(alignment: list[dict]) -> list[Word]:
    """Attach stand-alone punctuation tokens to the word before them."""
    words: list[Word] = []
    for item in alignment:
        text = item["word"]
        if text.strip() and all(ch in PUNCTUATION for ch in text.strip()) and words:
            last = words[-1]
            words[-1] = Word(last.text + text.strip(), last.start, last.end, last.probability)
            continue
        words.append(Word(text.strip(), float(item["start"]), float(item["end"]), float(item["probability"])))
    return [w for w in words if w.text]

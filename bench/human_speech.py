"""A benchmark corpus of recorded human speech: candidate answers with their reference
text, where the speech ends, and thinking pauses inserted at real gaps between words.

Sources (see the README's benchmarks section for provenance and licences):
- LibriVox "Sense and Sensibility" ch. 1 (public domain), five clips with word
  alignments from the pocketsphinx 5.1.1 sdist on PyPI (sha256 pinned below);
- Asterisk's core prompts read by Allison Smith (CC-BY-SA 3.0), from Debian's
  asterisk-core-sounds-en-g722 (16 kHz) and -wav (8 kHz) packages.

    python -m bench.human_speech     # build it, print one line per answer
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import tarfile
import urllib.request
import wave
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from core.audio import SAMPLE_RATE, resample

PHONE_RATE = 8000
CACHE = Path(os.environ.get("INTERVOX_BENCH_CACHE", Path.home() / ".cache" / "intervox" / "bench"))
LIBRIVOX_URL = (
    "https://files.pythonhosted.org/packages/61/e7/13e0e787ff467218de880310d79cba14424f13b87171ac44af0bde1e428c/"
    "pocketsphinx-5.1.1.tar.gz"
)
LIBRIVOX_SHA256 = "675778b309a22dfc9b7d37f7621976bba491d2a5f8c59696bd77fd6d07271355"
LIBRIVOX_MEMBER = "pocketsphinx-5.1.1/test/data/librivox/"
ASTERISK_SOUNDS = Path("/usr/share/asterisk/sounds/en_US_f_Allison")
ASTERISK_TEXTS = Path("/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz")
WORD_TIMING_MODEL = "tiny.en"  # Asterisk prompts have no alignments: Whisper's word timestamps, once
PAUSES_S = (1.3, 1.6, 1.9)  # thinking pauses, in turn
FRAME_S = 0.01


@dataclass(frozen=True)
class Word:
    text: str  # normalised: lower case, letters and apostrophes
    start: float  # seconds in the recording
    end: float


@dataclass
class Recording:
    """One utterance by one speaker: 16 kHz and 8 kHz PCM, what was said, word timings."""

    name: str
    text: str
    pcm: np.ndarray  # int16, 16 kHz
    pcm8k: np.ndarray  # int16, 8 kHz (the original for Asterisk, downsampled for LibriVox)
    words: list[Word]


@dataclass(frozen=True)
class AnswerSpec:
    """Which utterances (consecutive, one speaker) make an answer, and where it pauses:
    `pause` is the text around the gap, e.g. "please | check", and `kind` is
    "clause" (at a clause boundary) or "mid" (mid-clause)."""

    sources: tuple[str, ...]
    pause: str = ""
    kind: str = ""


@dataclass
class Answer:
    """A candidate's answer: what `bench.common.Clip` holds, plus the phone version."""

    name: str
    text: str
    pcm: np.ndarray  # int16 16 kHz
    speech_end: int  # index after the last voiced sample (16 kHz)
    pause_spans: list[tuple[int, int]] = field(default_factory=list)  # 16 kHz sample indices
    pause_kind: str = ""
    pcm8k: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))


LV = "librivox:sense_and_sensibility_01_austen_64kb-0"
AST = "asterisk:"
SPECS = [
    AnswerSpec((LV + "880", LV + "890"), "young man | unless", "clause"),
    AnswerSpec((AST + "ss-noservice",), "please | check the number", "mid"),
    AnswerSpec((AST + "privacy-unident",)),
    AnswerSpec((AST + "queue-periodic-announce",), "busy | please stay", "clause"),
    AnswerSpec((LV + "930",), "made | amiable himself", "mid"),
    # tiny.en's word timings put this cut at "did not | match" (both halves transcribed)
    AnswerSpec((AST + "vm-mismatch",), "did | not match", "mid"),
    AnswerSpec((AST + "vm-tmpexists",)),
    AnswerSpec((AST + "followme/status",), "desk | i will", "clause"),
    AnswerSpec((LV + "870",), "had then | leisure", "mid"),
    AnswerSpec((AST + "queue-youarenext",), "answered by | the next", "mid"),
    AnswerSpec((AST + "vm-nobodyavail",)),
    AnswerSpec((AST + "vm-nobox",), "message | because", "clause"),
    AnswerSpec((LV + "920", LV + "930"), "than he was | he might", "clause"),
    AnswerSpec((AST + "pbx-invalidpark",)),
    # ... and this one at "minimum | requirements"
    AnswerSpec((AST + "vm-invalid-password",), "meet the | minimum", "mid"),
    AnswerSpec((AST + "followme/sorry",), "sorry | but", "clause"),
    AnswerSpec((AST + "priv-introsaved",)),
    AnswerSpec((LV + "890",), "cold hearted | and rather", "clause"),
    AnswerSpec((AST + "demo-nogo",)),  # a pause at "create | a" cut into "a": none
    AnswerSpec((AST + "followme/pls-hold-while-try",)),
    AnswerSpec((AST + "tt-allbusy",), "telemarketers | please hold", "clause"),
    AnswerSpec((LV + "880",), "was not | an ill", "mid"),
    AnswerSpec((AST + "vm-newuser",)),
    AnswerSpec((LV + "920",)),
    AnswerSpec((AST + "vm-rec-temp",)),
]
# What was said where a source's transcript differs from the recording or the book.
TEXT_FIXES = {
    "queue-periodic-announce": ("represenatives", "representatives"),
    "sense_and_sensibility_01_austen_64kb-0920": ("a more a amiable", "a more amiable"),
}


def normalise_word(text: str) -> str:
    return "".join(re.findall(r"[a-z']+", text.lower().replace("-", " ")))


def build(specs: list[AnswerSpec] | None = None) -> list[Answer]:
    """The corpus, deterministic: pauses cycle through PAUSES_S among the answers that pause."""
    answers: list[Answer] = []
    paused = 0
    for spec in SPECS if specs is None else specs:
        recordings = [load(name) for name in spec.sources]
        pause_s = PAUSES_S[paused % len(PAUSES_S)] if spec.pause else 0.0
        paused += bool(spec.pause)
        answers.append(assemble(recordings, spec, pause_s))
    return answers


def assemble(recordings: list[Recording], spec: AnswerSpec, pause_s: float) -> Answer:
    """Join consecutive utterances (each keeps its own lead and tail: their natural gap),
    then insert a pause filled with the recording's room tone at the quietest 10 ms
    frame between the two words named in `spec.pause`."""
    pcm, pcm8k, words = recordings[0].pcm, recordings[0].pcm8k, list(recordings[0].words)
    for rec in recordings[1:]:
        offset = len(pcm) / SAMPLE_RATE
        words += [Word(w.text, w.start + offset, w.end + offset) for w in rec.words]
        pcm, pcm8k = np.concatenate([pcm, rec.pcm]), np.concatenate([pcm8k, rec.pcm8k])
    text = " ".join(r.text for r in recordings)
    name = "+".join(r.name for r in recordings)
    spans: list[tuple[int, int]] = []
    if spec.pause:
        before, after = find_gap(words, spec.pause)
        cut = quietest_frame(pcm, SAMPLE_RATE, before.end - 0.04, after.start + 0.04)
        length = int(round(pause_s * SAMPLE_RATE))
        pcm = insert(pcm, cut, room_tone(pcm, SAMPLE_RATE, length))
        cut8k, length8k = cut * PHONE_RATE // SAMPLE_RATE, length * PHONE_RATE // SAMPLE_RATE
        pcm8k = insert(pcm8k, cut8k, room_tone(pcm8k, PHONE_RATE, length8k))
        spans.append((cut, cut + length))
    return Answer(name, text, pcm, speech_end(pcm, SAMPLE_RATE), spans, spec.kind, pcm8k)


def find_gap(words: list[Word], marker: str) -> tuple[Word, Word]:
    """The two words either side of "left words | right words"."""
    left, right = ([normalise_word(w) for w in side.split()] for side in marker.split("|"))
    texts = [w.text for w in words]
    for i in range(len(left), len(texts) - len(right) + 1):
        if texts[i - len(left) : i] == left and texts[i : i + len(right)] == right:
            return words[i - 1], words[i]
    raise ValueError(f"no gap {marker!r} in {' '.join(texts)!r}")


def frame_energies(pcm: np.ndarray, rate: int, hop_s: float = FRAME_S) -> tuple[np.ndarray, int, int]:
    """Mean square of each 10 ms frame, every `hop_s`; returns (energies, frame, hop)."""
    frame, hop = int(rate * FRAME_S), max(1, int(rate * hop_s))
    x = pcm.astype(np.float64) ** 2
    sums = np.concatenate([[0.0], np.cumsum(x)])
    starts = np.arange(0, max(1, len(pcm) - frame + 1), hop)
    return (sums[starts + frame] - sums[starts]) / frame, frame, hop


def quietest_frame(pcm: np.ndarray, rate: int, start_s: float, end_s: float) -> int:
    """The centre (sample index) of the quietest 10 ms frame within [start_s, end_s]."""
    lo = max(0, int(start_s * rate))
    hi = min(len(pcm), max(int(end_s * rate), lo + int(rate * FRAME_S)))
    energies, frame, hop = frame_energies(pcm[lo:hi], rate, hop_s=0.001)
    return lo + int(np.argmin(energies)) * hop + frame // 2


def room_tone(pcm: np.ndarray, rate: int, length: int, window_s: float = 0.15) -> np.ndarray:
    """`length` samples of the quietest stretch of `pcm`, looped forwards and backwards
    (no jump at the joins), so a pause sounds like the room, not like digital zero."""
    window = max(2, min(len(pcm), int(window_s * rate)))
    sums = np.concatenate([[0.0], np.cumsum(pcm.astype(np.float64) ** 2)])
    start = int(np.argmin(sums[window:] - sums[:-window]))
    stretch = pcm[start : start + window]
    return np.resize(np.concatenate([stretch, stretch[::-1]]), length).astype(np.int16)


def insert(pcm: np.ndarray, at: int, filler: np.ndarray) -> np.ndarray:
    return np.concatenate([pcm[:at], filler, pcm[at:]]).astype(np.int16)


def speech_end(pcm: np.ndarray, rate: int, below_peak_db: float = 35.0, above_floor_db: float = 15.0) -> int:
    """Index after the last voiced sample: the last 10 ms frame louder than both
    (loudest frame - 35 dB) and (noise floor + 15 dB), then the last sample in it
    above that level. Recordings carry trailing silence; the end of the file is not it."""
    energies, frame, hop = frame_energies(pcm, rate)
    db = 10 * np.log10(np.maximum(energies, 1.0))
    threshold = max(float(db.max()) - below_peak_db, float(np.percentile(db, 10)) + above_floor_db)
    voiced = np.flatnonzero(db > threshold)
    if not len(voiced):
        return len(pcm)
    start = int(voiced[-1]) * hop
    level = 10 ** (threshold / 20)  # the RMS of the threshold, as a sample amplitude
    loud = np.flatnonzero(np.abs(pcm[start : start + frame].astype(np.float64)) > level)
    return start + (int(loud[-1]) + 1 if len(loud) else frame)


# --- sources -----------------------------------------------------------------------------


def load(name: str) -> Recording:
    kind, _, stem = name.partition(":")
    return load_librivox(stem) if kind == "librivox" else load_asterisk(stem)


def librivox_dir() -> Path:
    """test/data/librivox of the pinned pocketsphinx sdist, downloaded once into CACHE."""
    target = CACHE / "librivox"
    if (target / "done").exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    archive = CACHE / "pocketsphinx-5.1.1.tar.gz"
    if not archive.exists():
        urllib.request.urlretrieve(LIBRIVOX_URL, archive)
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != LIBRIVOX_SHA256:
        archive.unlink()
        raise RuntimeError(f"pocketsphinx sdist: sha256 {digest}, expected {LIBRIVOX_SHA256}")
    target.mkdir(exist_ok=True)
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if (
                member.isfile()
                and member.name.startswith(LIBRIVOX_MEMBER)
                and "/" not in member.name[len(LIBRIVOX_MEMBER) :]
            ):
                data = tar.extractfile(member)
                assert data is not None
                (target / Path(member.name).name).write_bytes(data.read())
    (target / "done").touch()
    return target


def load_librivox(stem: str) -> Recording:
    folder = librivox_dir()
    pcm = read_pcm16(folder / f"{stem}.wav", SAMPLE_RATE)
    alignment = json.loads((folder / f"{stem}.json").read_text())
    words = [
        Word(normalise_word(w["t"].split("(")[0]), float(w["b"]), float(w["b"]) + float(w["d"]))
        for w in alignment["w"]
        if not w["t"].startswith("<")
    ]
    text = fix_text(stem, (folder / f"{stem}.txt").read_text().strip())
    return Recording(stem, text, pcm, resample(pcm, SAMPLE_RATE, PHONE_RATE), words)


def load_asterisk(stem: str) -> Recording:
    pcm = decode_g722(ASTERISK_SOUNDS / f"{stem}.g722")
    pcm8k = read_pcm16(ASTERISK_SOUNDS / f"{stem}.wav", PHONE_RATE)
    return Recording(stem, fix_text(stem, asterisk_texts()[stem]), pcm, pcm8k, asterisk_words(stem, pcm))


def fix_text(stem: str, text: str) -> str:
    wrong, right = TEXT_FIXES.get(stem, ("", ""))
    return text.replace(wrong, right) if wrong else text


def read_pcm16(path: Path, rate: int) -> np.ndarray:
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2 or wav.getnchannels() != 1 or wav.getframerate() != rate:
            raise ValueError(f"{path}: expected mono 16-bit {rate} Hz")
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16).copy()


def decode_g722(path: Path) -> np.ndarray:
    """Raw G.722 (16 kHz wideband) through PyAV's g722 demuxer and decoder."""
    import av

    with av.open(str(path), format="g722") as container:
        frames = [f.to_ndarray().reshape(-1) for f in container.decode(audio=0)]
    return np.concatenate(frames).astype(np.int16)


@cache
def asterisk_texts() -> dict[str, str]:
    """name -> text, from Debian's core-sounds-en.txt ("name: Text.")."""
    texts = {}
    with gzip.open(ASTERISK_TEXTS, "rt", encoding="utf-8", errors="replace") as lines:
        for line in lines:
            name, sep, text = line.partition(": ")
            if sep and not line.startswith(";"):
                texts[name.strip()] = text.strip()
    return texts


def asterisk_words(stem: str, pcm: np.ndarray) -> list[Word]:
    """Word timings from Whisper, computed once and kept in CACHE (they only place pauses)."""
    path = CACHE / f"asterisk-words-{WORD_TIMING_MODEL}.json"
    table = json.loads(path.read_text()) if path.exists() else {}
    if stem not in table:
        table[stem] = whisper_words(pcm)
        CACHE.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(table, indent=0))
    return [Word(t, s, e) for t, s, e in table[stem]]


def whisper_words(pcm: np.ndarray) -> list[list]:
    from faster_whisper import WhisperModel

    from core.audio import to_float32
    from stt.models import resolve_model

    model = WhisperModel(resolve_model(WORD_TIMING_MODEL), device="cpu", compute_type="int8", cpu_threads=2)
    segments, _ = model.transcribe(to_float32(pcm), beam_size=5, word_timestamps=True, language="en")
    return [
        [normalise_word(w.word), round(w.start, 3), round(w.end, 3)]
        for s in segments
        for w in s.words or []
        if normalise_word(w.word)
    ]


def main() -> None:
    for a in build():
        pause = [(round(s / SAMPLE_RATE, 2), round((e - s) / SAMPLE_RATE, 2)) for s, e in a.pause_spans]
        print(
            f"{len(a.pcm) / SAMPLE_RATE:5.2f}s end {a.speech_end / SAMPLE_RATE:5.2f}s pause {pause} "
            f"{a.pause_kind:6} {a.name}: {a.text}"
        )


if __name__ == "__main__":
    main()

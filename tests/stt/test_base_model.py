"""The accurate pass's model, assembled from its two PyPI packages, on real speech."""

import pytest

from core.audio import to_float32
from stt.models import BASE_SHA256, assemble_base, served_name
from stt.whisper import SttOptions, WhisperEngine
from tests.conftest import speech
from tests.helpers import wer

pytestmark = pytest.mark.slow

SENTENCES = [
    "I would add an index on the email column and check the query plan again.",
    "We moved the nightly reconciliation job to a queue, so a failed payment is retried a few minutes later.",
]


def test_base_is_assembled_and_transcribes_at_least_as_well_as_tiny_en():
    folder = assemble_base()
    assert served_name("base") == "base"
    assert (folder / "model.bin").stat().st_size == 145_217_532
    assert (folder / "model.bin.sha256").read_text().startswith(BASE_SHA256["model.bin"])
    tiny = WhisperEngine(SttOptions(model="tiny.en"))
    base = WhisperEngine(SttOptions(model="base", cpu_threads=1))
    for sentence in SENTENCES:
        audio = to_float32(speech(sentence, lead_s=0.3, tail_s=0.3))
        base_text = base.transcribe(audio).text
        assert wer(sentence, base_text) <= wer(sentence, tiny.transcribe(audio).text), base_text
        assert wer(sentence, base_text) <= 0.2, base_text

import pytest
from pydantic import ValidationError

from api.settings import Settings


def test_nested_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("INTERVOX_STT__MODEL", "/models/base.en")
    monkeypatch.setenv("INTERVOX_TURNS__COMPLETE_SILENCE_MS", "300")
    monkeypatch.setenv("INTERVOX_WEBRTC__JITTER_PREFETCH", "1")
    monkeypatch.setenv("INTERVOX_PORT", "9000")
    s = Settings()
    assert s.stt.model == "/models/base.en" and s.port == 9000
    assert s.turns.options().turns.complete_silence_ms == 300
    assert s.webrtc.options().jitter_prefetch == 1


def test_bad_values_are_refused(monkeypatch):
    monkeypatch.setenv("INTERVOX_TURNS__BARGE_IN_MIN_SPEECH_MS", "5")
    with pytest.raises(ValidationError):
        Settings()

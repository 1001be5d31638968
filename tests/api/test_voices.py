"""GET /api/v1/voices, and /health when Piper cannot speak (real espeak-ng stands in)."""

import logging

from fastapi.testclient import TestClient

import tts.voices
from api.app import create_app
from tests.api.conftest import api_settings, login
from tts.voices import PiperModel


def test_voices_lists_installed_presets_with_licences(tmp_path):
    with TestClient(create_app(api_settings(tmp_path))) as client:
        assert client.get("/api/v1/voices").status_code == 401  # for signed-in recruiters
        body = client.get("/api/v1/voices", headers=login(client)).json()
        assert client.get("/health").json()["components"]["tts"] == "ok"
    assert body["engine"] == "piper" and body["voice"] == "joe" and body["status"] == "ok"
    by_id = {v["id"]: v for v in body["items"]}
    assert by_id["joe"]["installed"] and "CC0" in by_id["joe"]["licence"]
    assert by_id["espeak-en-us"]["installed"] and by_id["espeak-en-us"]["engine"] == "pyttsx3"
    assert len({(v["model"], v["pitch"], v["length_scale"]) for v in body["items"]}) == len(body["items"])


def test_without_piper_the_server_speaks_with_espeak_and_health_says_degraded(tmp_path, monkeypatch, caplog):
    monkeypatch.setitem(tts.voices.MODELS, "joe", PiperModel("joe", "missing_voice_pkg", "en-US", 235, "-"))
    with caplog.at_level(logging.WARNING), TestClient(create_app(api_settings(tmp_path))) as client:
        health = client.get("/health").json()
        listed = client.get("/api/v1/voices", headers=login(client)).json()
    assert health["components"]["tts"] == "degraded"
    assert health["status"] == "ok"  # the interview goes on, in the fallback voice
    assert listed["status"] == "degraded"
    assert not {v["id"]: v for v in listed["items"]}["joe"]["installed"]
    assert "Piper unavailable" in caplog.text and "espeak-ng" in caplog.text

"""The room tokens, decoded with livekit-api's own verifier: one room, one identity, only the
sources each side needs, a short life, no admin rights."""

from __future__ import annotations

import time
from datetime import timedelta

import jwt
import pytest
from livekit import api

from media.livekit.options import LiveKitOptions
from media.livekit.tokens import CANDIDATE_IDENTITY, candidate_token, interviewer_token

OPTIONS = LiveKitOptions(
    url="ws://livekit.internal:7880",
    public_url="wss://media.example.com",
    api_key="APIintervox",
    api_secret="a-secret-of-at-least-thirty-two-characters",
    token_ttl_s=300,
)
ADMIN_GRANTS = ("room_create", "room_list", "room_record", "room_admin", "ingress_admin", "recorder")


def claims_of(token: str, options: LiveKitOptions = OPTIONS) -> api.access_token.Claims:
    return api.TokenVerifier(options.api_key, options.api_secret).verify(token)


def test_a_candidate_token_opens_its_own_room_with_microphone_and_camera_only():
    minted = candidate_token(OPTIONS, "iv-1", camera=True)
    claims = claims_of(minted.token)
    video = claims.video
    assert video is not None
    assert (claims.identity, minted.identity) == (CANDIDATE_IDENTITY, CANDIDATE_IDENTITY)
    assert video.room_join is True and video.room == "intervox-iv-1" == minted.room
    assert sorted(video.can_publish_sources or []) == ["camera", "microphone"]
    assert video.can_subscribe is True
    assert video.can_publish_data is False  # events come over the events WebSocket
    assert not video.can_update_own_metadata and not video.agent and not video.hidden
    assert all(not getattr(video, grant) for grant in ADMIN_GRANTS), video
    assert minted.url == "wss://media.example.com"  # the browser's address, not the worker's


def test_audio_interviews_grant_the_microphone_only():
    video = claims_of(candidate_token(OPTIONS, "iv-1", camera=False).token).video
    assert video is not None and video.can_publish_sources == ["microphone"]


def test_the_token_lives_as_long_as_the_setting_says():
    before = int(time.time())
    minted = candidate_token(OPTIONS, "iv-1", camera=True)
    payload = jwt.decode(minted.token, OPTIONS.api_secret, algorithms=["HS256"], issuer=OPTIONS.api_key)
    assert before <= payload["nbf"] <= before + 2
    assert payload["exp"] - payload["nbf"] == 300
    assert abs(minted.expires_at.timestamp() - payload["exp"]) <= 1
    assert minted.expires_at.utcoffset() == timedelta(0)


def test_a_token_verifies_only_with_the_servers_secret_and_key():
    token = candidate_token(OPTIONS, "iv-1", camera=True).token
    with pytest.raises(jwt.InvalidSignatureError):
        api.TokenVerifier(OPTIONS.api_key, "another-secret-of-at-least-thirty-two-chars").verify(token)
    with pytest.raises(jwt.InvalidIssuerError):
        api.TokenVerifier("APIother", OPTIONS.api_secret).verify(token)


def test_each_interview_has_its_own_room():
    first = claims_of(candidate_token(OPTIONS, "iv-1", camera=True).token).video
    second = claims_of(candidate_token(OPTIONS, "iv-2", camera=True).token).video
    assert first is not None and second is not None and first.room != second.room
    assert OPTIONS.interview_of("intervox-iv-2") == "iv-2"
    assert OPTIONS.interview_of("someone-elses-room") is None and OPTIONS.interview_of("intervox-") is None


def test_the_interviewer_joins_as_an_agent_that_speaks_and_listens():
    minted = interviewer_token(OPTIONS, "iv-1")
    claims = claims_of(minted.token)
    video = claims.video
    assert video is not None
    assert claims.kind == "agent" and claims.identity.startswith("interviewer-")
    assert claims.identity != interviewer_token(OPTIONS, "iv-1").identity  # one per connection
    assert video.room_join and video.room == "intervox-iv-1"
    assert video.can_publish_sources == ["microphone"] and video.can_subscribe
    assert video.agent is True and not video.hidden and video.can_publish_data is False
    assert all(not getattr(video, grant) for grant in ADMIN_GRANTS)
    assert minted.url == "ws://livekit.internal:7880"  # the worker's address

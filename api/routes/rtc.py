"""Media signalling: which backend (rtc/join), then one non-trickle offer in and a complete answer
out (aiortc), or a LiveKit room token (livekit); always after consent."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.auth import CandidateInterview
from api.deps import RuntimeDep, SettingsDep
from api.schemas import RtcAnswer, RtcConfig, RtcJoin, RtcOffer

router = APIRouter(prefix="/api/v1/interviews", tags=["media"])


@router.post("/{interview_id}/rtc/join", response_model=RtcJoin, response_model_exclude_none=True)
async def rtc_join(
    interview: CandidateInterview, runtime: RuntimeDep, request: Request
) -> RtcJoin | Response:
    """How to connect. aiortc: `{"backend": "aiortc"}`, then post the offer. livekit: the
    interviewer joins the interview's room, and the answer carries the room's `url`, a
    short-lived `token` for this room only, `room`, `identity` and `expires_at`.
    403 CONSENT_REQUIRED before consent, 409 INTERVIEW_ENDED / MODE_MISMATCH, 503
    MEDIA_SERVER_UNAVAILABLE when the interviewer cannot join the LiveKit room. An API process
    hands a LiveKit join to a media worker: its interviewer joins the room."""
    if runtime.forwarder is not None and runtime.settings.media.backend == "livekit":
        return await runtime.forwarder.forward(request, interview.id)
    join = await runtime.join_media(interview.id)
    return RtcJoin(
        backend=join.backend,
        url=join.url,
        token=join.token,
        room=join.room,
        identity=join.identity,
        expires_at=join.expires_at,
    )


@router.post("/{interview_id}/rtc/offer", response_model=RtcAnswer)
async def rtc_offer(
    body: RtcOffer, interview: CandidateInterview, runtime: RuntimeDep, request: Request
) -> RtcAnswer | Response:
    """403 CONSENT_REQUIRED before the candidate has agreed; 409 once the interview has ended;
    409 WRONG_MEDIA_BACKEND when the server's interviews are LiveKit rooms. An API process
    (`intervox api`) hands the offer to the interview's media worker."""
    if runtime.forwarder is not None:
        return await runtime.forwarder.forward(request, interview.id)
    sdp = await runtime.connect_webrtc(interview.id, body.sdp, body.type)
    return RtcAnswer(sdp=sdp)


@router.get("/{interview_id}/rtc/config", response_model=RtcConfig)
async def rtc_config(interview: CandidateInterview, settings: SettingsDep) -> RtcConfig:
    """The ICE servers the browser should use (none unless the operator configured some), and
    whether the room should offer to keep a video recording (video interviews, when the
    server records video)."""
    return RtcConfig(
        ice_servers=[{"urls": url} for url in settings.webrtc.ice_servers],
        video_recording=settings.recording.enabled and settings.recording.video and interview.mode == "video",
        backend=settings.media.backend,
    )

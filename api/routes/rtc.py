"""WebRTC signalling: one non-trickle offer in, a complete answer out (after consent)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.auth import CandidateInterview
from api.deps import RuntimeDep, SettingsDep
from api.schemas import RtcAnswer, RtcConfig, RtcOffer

router = APIRouter(prefix="/api/v1/interviews", tags=["media"])


@router.post("/{interview_id}/rtc/offer", response_model=RtcAnswer)
async def rtc_offer(
    body: RtcOffer, interview: CandidateInterview, runtime: RuntimeDep, request: Request
) -> RtcAnswer | Response:
    """403 CONSENT_REQUIRED before the candidate has agreed; 409 once the interview has ended.
    An API process (`intervox api`) hands the offer to the interview's media worker."""
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
    )

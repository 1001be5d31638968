"""WebRTC signalling: one non-trickle offer in, a complete answer out."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import InterviewDep, RuntimeDep
from api.schemas import RtcAnswer, RtcOffer

router = APIRouter(prefix="/api/v1/interviews", tags=["media"])


@router.post("/{interview_id}/rtc/offer", response_model=RtcAnswer)
async def rtc_offer(body: RtcOffer, interview: InterviewDep, runtime: RuntimeDep) -> RtcAnswer:
    sdp = await runtime.connect_webrtc(interview.id, body.sdp, body.type)
    return RtcAnswer(sdp=sdp)

"""The livekit media backend: a candidate's token for the interview's room, the interviewer
joining that room, and the server's webhooks."""

from __future__ import annotations

from media.backend import BackendName, CandidateJoin
from media.livekit.options import LiveKitOptions
from media.livekit.tokens import candidate_token, interviewer_token
from media.livekit.transport import LiveKitTransport


class LiveKitBackend:
    name: BackendName = "livekit"

    def __init__(self, options: LiveKitOptions) -> None:
        self.options = options

    def candidate_join(self, interview_id: str, *, camera: bool) -> CandidateJoin:
        minted = candidate_token(self.options, interview_id, camera=camera)
        return CandidateJoin(
            "livekit", minted.url, minted.token, minted.room, minted.identity, minted.expires_at
        )

    async def open_transport(self, interview_id: str, *, expect_video: bool) -> LiveKitTransport:
        """The interviewer, in the interview's room (MediaServerUnavailable when it cannot join)."""
        minted = interviewer_token(self.options, interview_id)
        transport = LiveKitTransport(expect_video=expect_video)
        await transport.join(minted.url, minted.token, self.options.connect_timeout_s)
        return transport

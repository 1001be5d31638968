"""The livekit media backend: interviews are rooms on a LiveKit server (livekit-api, livekit rtc)."""

"""WebRTC transport (aiortc)."""

"""Phone calls bridged over a WebSocket (Twilio Media Streams protocol)."""

"""Speech-to-text: Silero VAD, turn segmentation and end-of-turn policy, Whisper."""

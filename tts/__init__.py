"""Text-to-speech: Piper (neural, default) with pyttsx3 over espeak-ng behind it, sentence by sentence."""

"""Text-to-speech: pyttsx3 over espeak-ng, sentence by sentence."""

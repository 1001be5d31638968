"""Attention signals from the candidate's camera (MediaPipe Face Landmarker).

Attention, never emotion: face present, number of faces, head pose, looking at
the screen, eyes closed, head movement, camera quality. No emotion, personality
or "confidence" is inferred (EU AI Act Art. 5(1)(f)).
"""

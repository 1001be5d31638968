"""Transports: turning a candidate's connection into 16 kHz audio chunks and back."""

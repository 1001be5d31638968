"""Shared vocabulary: audio chunks and helpers, wire events, typed errors."""

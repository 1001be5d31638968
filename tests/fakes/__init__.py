"""Fakes that speak real protocols, shared by tests and benchmarks."""

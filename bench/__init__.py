"""Benchmarks that print JSON figures: `python -m bench.<name>`."""

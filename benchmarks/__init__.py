"""Benchmarks of kitgen's image pipeline; run with `python -m benchmarks`."""

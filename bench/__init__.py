"""Benchmarks: synthetic collections, quizzer and Anki side by side (python3 -m bench.run)."""

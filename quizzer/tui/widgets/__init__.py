"""Widgets of the quizzer terminal UI."""

"""Screens of the quizzer terminal UI."""

"""Importing Anki packages into YAML decks (`quizzer import anki`)."""

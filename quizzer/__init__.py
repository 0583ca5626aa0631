"""quizzer: spaced-repetition quizzes and flashcards for the terminal, scheduled by FSRS."""

__version__ = "0.1.0"

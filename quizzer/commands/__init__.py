"""One module per command, each with `run(args) -> exit status`; `cli.py` imports the one it
needs when the command runs, so `quizzer due` never pays for Textual or genanki."""

"""One module per command, each with `run(args) -> int`, imported only when its command runs."""

"""Rich renderables shared by the command line and the terminal UI: the core's results drawn,
no Textual, no store."""

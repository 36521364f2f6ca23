"""Charts: the one plotting module used by the web app, the CLI and the PDF report."""

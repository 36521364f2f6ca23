"""Reading and writing client files (FORMATS.md) and exports."""

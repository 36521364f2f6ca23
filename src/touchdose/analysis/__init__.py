"""The personal evidence engine: pure numpy/scipy, no Django, no files."""

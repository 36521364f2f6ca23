"""Figures and the clinician report."""

"""Curated massage evidence and random-effects meta-analysis."""

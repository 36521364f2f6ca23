"""The Learn pages: the pain-system model in plain words and the published evidence.

Public pages (no login) that never show health data.
"""

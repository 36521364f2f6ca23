"""Questionnaire scoring: ACR 2016, FIQR, change on the 0-10 scale, PGIC."""

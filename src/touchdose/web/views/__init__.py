"""Thin views: check access, call a selector or service, render."""

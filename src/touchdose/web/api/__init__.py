"""The REST API under ``/api/v1`` (django-ninja): clients, sessions, check-ins, analysis, evidence,
personal tokens. Every endpoint decides access with :mod:`touchdose.web.access` (the pages' rules),
reads through :mod:`touchdose.web.selectors` and writes through :mod:`touchdose.web.services`, so
the API and the pages cannot drift apart. ``docs/api.md`` describes it for people.
"""

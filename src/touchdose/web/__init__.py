"""The touchdose web app (Django): accounts, sharing, check-ins, sessions, dashboards.

Only :mod:`touchdose.web.services` (writes) and :mod:`touchdose.web.selectors` (reads) touch
the ORM; :mod:`touchdose.web.access` decides who may see and change what; views stay thin.
"""

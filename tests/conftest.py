"""Django set-up for the whole suite.

The data directory is a fresh temporary directory (tests never touch the real user data
directory); set before pytest-django loads the settings. With ``DATABASE_URL`` set (CI sets it)
the database tests run on PostgreSQL, otherwise on SQLite.
"""

import os
import tempfile

os.environ["TOUCHDOSE_DATA_DIR"] = tempfile.mkdtemp(prefix="touchdose-test-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "touchdose.web.settings")

import django

# Set up now: the web test modules' own conftest imports models at load time.
django.setup()

"""When pytest collects this package's doctests without tests/conftest.py, still use a throw-away
data directory and the touchdose settings (never the real user data directory)."""

import os
import tempfile

os.environ.setdefault("TOUCHDOSE_DATA_DIR", tempfile.mkdtemp(prefix="touchdose-test-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "touchdose.web.settings")

import django

django.setup()

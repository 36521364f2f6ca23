"""touchdose: find out whether massage helps, how gentle it must be, and when to stop."""

__version__ = "0.1.0"

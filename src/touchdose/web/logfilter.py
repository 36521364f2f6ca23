"""Logging without health data: an exception's message may quote a value (a pain score, a note),
so logged tracebacks keep the frames and the exception type but withhold the message."""

from __future__ import annotations

import logging
import traceback

WITHHELD = "(message withheld: it may contain health data)"


class WithholdExceptionMessages(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, tb = record.exc_info
            frames = "".join(traceback.format_tb(tb))
            name = f"{kind.__module__}.{kind.__qualname__}"
            record.exc_text = f"Traceback (most recent call last):\n{frames}{name}: {WITHHELD}"
        return True

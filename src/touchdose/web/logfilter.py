"""Logging without health data: an exception's message may quote a value (a pain score, a note),
so logged tracebacks keep the frames and the exception type but withhold the message."""

from __future__ import annotations

import logging
import sys
import traceback
from typing import Any

WITHHELD = "(message withheld: it may contain health data)"


class WithholdExceptionMessages(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, tb = record.exc_info
            frames = "".join(traceback.format_tb(tb))
            name = f"{kind.__module__}.{kind.__qualname__}"
            record.exc_text = f"Traceback (most recent call last):\n{frames}{name}: {WITHHELD}"
        return True


class CurrentStderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Write to whatever ``sys.stderr`` is at the time of each record.

    A plain StreamHandler keeps the stream it saw when logging was configured; when
    Django is first set up inside a command whose output is captured (a CLI test
    runner, a redirected command), that stream is later closed and every log call
    would fail. Looking ``sys.stderr`` up per record avoids it. ``setStream`` still
    redirects it (returning the previous override, ``None`` for "current stderr").
    """

    def __init__(self) -> None:
        self._override: Any = None
        super().__init__()
        self._override = None  # StreamHandler.__init__ assigned the stderr of that moment

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return self._override if self._override is not None else sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        self._override = value

    def setStream(self, stream: Any) -> Any:  # the logging API's name
        old, self._override = self._override, stream
        return old

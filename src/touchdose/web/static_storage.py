"""Static files with their content's hash in their names, and gzip and brotli copies.

``collectstatic`` (``touchdose serve`` runs it at every start) writes ``app.3f2c9a1b7d4e.css``
and its ``.gz``/``.br`` beside it into the data directory; pages link the hashed name, which
WhiteNoise serves with a ten-year ``immutable`` lifetime and the compressed copy the browser
asks for (docs/performance.md "Static files"). A new version of a file is a new name, so no
browser keeps an old one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator

from whitenoise.compress import brotli_installed
from whitenoise.storage import CompressedManifestStaticFilesStorage

#: The compressed copies WhiteNoise writes beside each file (dated like the file itself).
SUFFIXES = (".gz", ".br") if brotli_installed else (".gz",)
#: A name with the content's hash in it (``app.41e79eb104d7.css``): its copies are of that content.
HASHED = re.compile(r"\.[0-9a-f]{12}\.[^/.]+$")


class StaticStorage(CompressedManifestStaticFilesStorage):
    """:class:`~whitenoise.storage.CompressedManifestStaticFilesStorage` that links a file not
    collected yet by its own name instead of failing: the tests and a fresh checkout before its
    first ``touchdose serve`` render pages, and WhiteNoise serves such a file from the package
    (``WHITENOISE_USE_FINDERS``) with a short lifetime."""

    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:  # no manifest yet, or the file is not in it
            return name

    def compress_files(self, paths: Iterable[str]) -> Iterator[tuple[str, str]]:
        """Compress only what has no up-to-date copy yet: every start of ``touchdose serve``
        collects the files again, and compressing them all (the admin's too) takes seconds."""
        return super().compress_files([path for path in paths if not self._compressed_already(path)])  # type: ignore[no-any-return]

    def _compressed_already(self, name: str) -> bool:
        """Whether ``name``'s compressed copies exist and are of its content: a hashed name's
        copies are (the hash names the content, though the file is written again at each
        collection); a plain name's copies are dated like the file (WhiteNoise's own rule)."""
        full = self.path(name)
        try:
            mtime = os.stat(full).st_mtime
            copies = [os.stat(full + suffix).st_mtime for suffix in SUFFIXES]
        except OSError:  # no copy yet (or compressing this file would not make it smaller)
            return False
        return bool(HASHED.search(name)) or all(abs(copy - mtime) < 1e-3 for copy in copies)

"""Files studyplan writes for the learner (calendars, exports): whole or not at all; and the
bounded reading of the files it is given (decks, imports)."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from studyplan.errors import StudyplanError


def write_atomically(path: Path, document: str | bytes) -> None:
    """Write *document* to *path* through a temporary file and a rename, so a half-written
    file never replaces a good one."""
    data = document if isinstance(document, bytes) else document.encode("utf-8")
    try:
        fd, tmp = tempfile.mkstemp(dir=path.resolve().parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide the calendar from other readers
        os.replace(tmp, path)
    except OSError as exc:
        raise StudyplanError(f"{path}: cannot write: {exc.strerror or exc}") from None


MAX_INPUT_BYTES = 20 * 1024 * 1024  # decks and imports are text; anything bigger is a mistake


class InputRefused(StudyplanError):
    """A file studyplan will not read: not a regular file, or too big. `reason` has no path."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.reason = reason


def read_input(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of the regular file *path*, refusing (InputRefused) FIFOs, devices and
    sockets without reading from them, and files over *limit* bytes.

    Opened non-blocking, so a FIFO with no writer cannot hang the open; the type is
    checked on the open descriptor, so nothing can be swapped in between.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputRefused(path, "not a regular file (a FIFO, device or socket); not read")
        if info.st_size > limit:
            raise InputRefused(path, f"file too large ({info.st_size:,} bytes; the limit is "
                                     f"{limit / 1048576:g} MiB); not read")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:  # grew while we read
            raise InputRefused(path, f"file too large (the limit is {limit / 1048576:g} MiB); not read")
        return data
    finally:
        os.close(fd)

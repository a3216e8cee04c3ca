"""Files studyplan writes for the learner (calendars, exports): whole or not at all; and the
bounded reading of the files it is given (decks, imports)."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TextIO, cast

from studyplan.errors import StudyplanError


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask  # mkstemp's 0600 would hide the file from its other readers


def _write_error(path: Path, exc: OSError) -> StudyplanError:
    if exc.errno == errno.ENOSPC:
        return StudyplanError(f"{path}: the disk is full; nothing was written (an earlier {path.name} there "
                              "is unchanged)")
    return StudyplanError(f"{path}: cannot write: {exc.strerror or exc}; nothing was written")


@contextmanager
def atomic_output(path: Path) -> Iterator[TextIO]:
    """A text stream whose content replaces *path* only when the block ends without an
    error: written to a hidden temporary file beside it, flushed to disk, then renamed.
    On any failure (a full disk, Ctrl-C) the temporary file is removed and *path* is as
    it was; a full disk is reported in one line."""
    with _atomic(path, binary=False) as fh:
        yield cast(TextIO, fh)  # opened in text mode


def write_atomically(path: Path, document: str | bytes) -> None:
    """Write *document* to *path* through a temporary file and a rename, so a half-written
    file never replaces a good one and nothing hidden is left behind when the disk is full."""
    with _atomic(path, binary=isinstance(document, bytes)) as fh:
        fh.write(document)


@contextmanager
def _atomic(path: Path, binary: bool) -> Iterator[IO[Any]]:
    """The one temporary-file-then-rename writer behind `atomic_output` and `write_atomically`."""
    folder = path.resolve().parent
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _write_error(path, exc) from None
    tmp = Path(name)
    try:
        try:
            with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, _default_mode())
            os.replace(tmp, path)
        except OSError as exc:
            raise _write_error(path, exc) from None
    finally:
        tmp.unlink(missing_ok=True)  # gone already after the rename


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

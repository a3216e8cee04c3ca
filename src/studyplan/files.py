"""Files studyplan writes for the learner (calendars, exports): whole or not at all."""

from __future__ import annotations

import os
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

"""Who has a SQLite database file open: an advisory lock on `<db>.lock` beside it.

Every studyplan process that opens the database holds a shared lock for as long as it
has the file open (a review session: for its whole life); `restore` takes it exclusively
before it swaps the file, so it never replaces a database a session is still writing to.
The lock file itself is never replaced or removed (a lock on a removed file guards
nothing), except when the database it sits beside was refused before anything was written.

`flock` locks belong to the open file, not the process, and vanish when the process
dies, however it dies: a killed session never leaves the database locked.
"""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

from studyplan.errors import StudyplanError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, commands run unguarded
    fcntl = None  # type: ignore[assignment]

LOCK_TIMEOUT_S = 15.0
# Test hook: a shorter wait for the lock, so a refusal test does not wait 15 s. Only the
# fault tests set it; never set it in real use.
TEST_LOCK_TIMEOUT_ENV = "STUDYPLAN_TEST_LOCK_TIMEOUT"
_POLL_S = 0.05


def lock_path(db: Path) -> Path:
    """The lock file of the database file *db*."""
    return Path(f"{db}.lock")


def lock_timeout() -> float:
    """How long a command waits for the lock before it gives up, in seconds."""
    value = os.environ.get(TEST_LOCK_TIMEOUT_ENV, "")
    try:
        return float(value) if value else LOCK_TIMEOUT_S
    except ValueError:
        return LOCK_TIMEOUT_S


class DatabaseLock:
    """A held lock on a database's lock file; `release` (or process exit) lets it go."""

    def __init__(self, path: Path, fd: int | None, created: bool):
        self.path = path
        self._fd = fd
        self._created = created

    def release(self, forget: bool = False) -> None:
        """Let the lock go; with *forget*, also remove the lock file if this process made it
        (the database was refused before anything was written beside it)."""
        if self._fd is None:
            return
        if forget and self._created:
            self.path.unlink(missing_ok=True)
        os.close(self._fd)  # closing the descriptor releases the flock
        self._fd = None

    def __del__(self) -> None:  # a workspace dropped without close() must not hold the file
        self.release()


def _open(path: Path) -> tuple[int, bool] | None:
    """The lock file open for reading, created if need be; None where it cannot exist (a
    folder we may not write: then nothing can replace the database either)."""
    flags = os.O_RDWR | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(path, flags), False
    except FileNotFoundError:
        pass
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        try:
            return os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)), False
        except OSError:
            return None
    try:
        return os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o666), True
    except FileExistsError:
        return _open(path)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT, errno.ENOTDIR):
            return None
        raise


def acquire(db: Path, exclusive: bool, refusal: str, timeout: float | None = None) -> DatabaseLock:
    """Lock the database file *db* (shared, or *exclusive* for a restore), waiting up to
    *timeout* seconds for others to let go; then StudyplanError(*refusal*).

    Where no lock file can be made (a read-only folder, or no flock on this system), the
    returned lock holds nothing.
    """
    path = lock_path(db)
    if fcntl is None:
        return DatabaseLock(path, None, False)
    try:
        opened = _open(path)
    except OSError as exc:
        raise StudyplanError(f"{path}: cannot open the lock file: {exc.strerror or exc}") from None
    if opened is None:
        return DatabaseLock(path, None, False)
    fd, created = opened
    mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
    deadline = time.monotonic() + (lock_timeout() if timeout is None else timeout)
    while True:
        try:
            fcntl.flock(fd, mode)
            return DatabaseLock(path, fd, created)
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise StudyplanError(refusal) from None
            time.sleep(_POLL_S)  # flock has no timed wait; polling keeps the wait bounded
        except OSError as exc:  # a file system without flock (some network mounts)
            if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                os.close(fd)
                return DatabaseLock(path, None, False)
            os.close(fd)
            raise StudyplanError(f"{path}: cannot lock: {exc.strerror or exc}") from None


def held_by_nobody(path: Path) -> bool:
    """True when no process holds a lock on the file *path* (a temporary file of a backup
    or restore whose writer is gone); False while one does, or when it cannot be told."""
    if fcntl is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def hold_exclusively(fd: int) -> None:
    """Mark a temporary file as being written by this process (see `held_by_nobody`)."""
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pass

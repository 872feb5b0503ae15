"""Writing a file whole or not at all, without following a link someone planted in its place.

`write_atomic` writes to a fresh temporary file beside the target (created with O_EXCL and O_NOFOLLOW by
`tempfile.mkstemp`, so a symlink waiting at a predictable name is never written through), syncs it to
disk, gives it the target's permission bits and renames it over the target. A reader sees the old file
or the new one, never half of one; a crash leaves at most a stray temporary file, never a damaged target.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from curator.errors import CuratorError
from curator.places import display_path

NEW_FILE_MODE = 0o644  # before the umask, as most tools create files


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically; the directory must exist.

    A `path` that is a symbolic link is refused: writing through it would change whatever file it points
    at. Every failure is a CuratorError naming the path and the system's reason, and leaves no temporary
    file behind."""
    shown = display_path(path)
    try:
        current = path.lstat()
    except FileNotFoundError:
        mode = NEW_FILE_MODE & ~_umask()
    except OSError as exc:
        raise CuratorError(f"{shown}: cannot write: {_reason(exc)}") from None
    else:
        if stat.S_ISLNK(current.st_mode):
            raise CuratorError(f"{shown}: is a symbolic link; refusing to write through it (replace it with a file)")
        mode = stat.S_IMODE(current.st_mode)
    import tempfile  # late: most commands write nothing, and it costs milliseconds and megabytes

    directory = path.parent
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".curator-tmp", dir=directory)
    except OSError as exc:
        raise CuratorError(f"{shown}: cannot write: {_reason(exc)}") from None
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fchmod(tmp.fileno(), mode)  # on the open file: a chmod by name could follow a swapped-in link
            os.fsync(tmp.fileno())
        Path(tmp_name).replace(path)  # a rename replaces a link planted meanwhile; it never follows it
    except BaseException as exc:
        Path(tmp_name).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise CuratorError(f"{shown}: cannot write: {_reason(exc)}") from None
        raise
    _sync_directory(directory)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable. Some file systems cannot sync a directory; the file is written."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise CuratorError(f"{display_path(directory)}: cannot sync the directory: {_reason(exc)}") from None
    finally:
        os.close(fd)


def _umask() -> int:
    # The umask can only be read by setting it. Setting the strictest one for that instant means a file
    # another thread creates meanwhile gets fewer permissions, never more.
    current = os.umask(0o077)
    os.umask(current)
    return current


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)

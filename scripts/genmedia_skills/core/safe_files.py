"""Creating files and directories inside an artifact root without following planted symlinks.

Anyone who can write into a run directory could plant a symlink where we are about
to write (a `.part` file, the `.lock`, `outputs/`, `raw/`) and make a download or a
lock overwrite or create a file anywhere the user can write. So: new files are
created exclusively and never through a symlink (O_CREAT|O_EXCL|O_NOFOLLOW), the
lock file is opened with O_NOFOLLOW, and a directory we write into must be a real
directory, not a link to one. Records and indexes are read the same way (read_capped):
no symlink followed, regular files only, with a size cap.
"""

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: atomic replace still keeps every file whole
    fcntl = None

from .errors import GenmediaError

O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)   # Windows has none (and no unprivileged symlinks)


class UnsafePath(GenmediaError):
    kind = "unsafe_path"


def _refuse(path, what):
    return UnsafePath("%s is %s; refusing to write through it (remove it and retry)" % (path, what))


def real_dir(path):
    """`path` as an existing real directory (created, with its parents, if missing);
    UnsafePath if it is a symlink or not a directory."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir()
    except FileExistsError:   # a directory, or something planted: look without following
        pass
    mode = os.lstat(str(path)).st_mode
    if stat.S_ISLNK(mode):
        raise _refuse(path, "a symbolic link")
    if not stat.S_ISDIR(mode):
        raise _refuse(path, "not a directory")
    return path


def create_exclusive(path, mode=0o644):
    """A new file opened for writing (binary); fails if anything, a symlink included,
    already has that name."""
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW | getattr(os, "O_BINARY", 0),
                 mode)
    return os.fdopen(fd, "wb")


def read_capped(path, limit):
    """The bytes of the regular file `path`, at most `limit` of them: never through a symlink
    (a run's record or an index entry replaced by a link to /dev/zero must not hang a reader),
    never from a FIFO or device, never a runaway size. OSError otherwise (FileNotFoundError
    when there is nothing), so callers treat it as a file they cannot use."""
    fd = os.open(str(path), os.O_RDONLY | O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if info.st_size > limit:
            raise OSError(errno.EFBIG, "larger than %d bytes" % limit, str(path))
        parts, size = [], 0
        while True:
            data = os.read(fd, min(1 << 20, limit + 1 - size))
            if not data:
                return b"".join(parts)
            parts.append(data)
            size += len(data)
            if size > limit:   # it grew while we read
                raise OSError(errno.EFBIG, "larger than %d bytes" % limit, str(path))
    finally:
        os.close(fd)


def open_lock(path):
    """The lock file's descriptor, created if missing, never through a symlink."""
    try:
        return os.open(str(path), os.O_RDWR | os.O_CREAT | O_NOFOLLOW, 0o600)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK) or os.path.islink(str(path)):
            raise _refuse(path, "a symbolic link") from None
        raise


@contextlib.contextmanager
def exclusive_lock(path):
    """Hold an exclusive flock on `path` (created if missing) for the with-block."""
    if fcntl is None:
        yield
        return
    fd = open_lock(path)   # never through a planted symlink
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)   # closing releases the lock


_umask = []


def shared_file_mode():
    """0o666 minus the process umask: what a plain `open()` would give a new file. Files
    delivered into a project must be readable as the user's other files are (mkstemp
    makes them 0600); read once, since os.umask can only be read by setting it."""
    if not _umask:
        current = os.umask(0o022)
        os.umask(current)
        _umask.append(current)
    return 0o666 & ~_umask[0]

def atomic_write(path, data):
    """Replace `path` with `data` (bytes or str) in one step."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=str(path.parent), prefix="." + path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, str(path))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise

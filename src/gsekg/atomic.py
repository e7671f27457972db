"""Output files: a reader sees the old file or the whole new one, never half of it.

A regular file (or a path where nothing is yet) is written to a temporary file in the
target's own folder (so the final ``os.replace`` stays on one file system), flushed and
fsynced, then renamed over the target. If anything fails or the process is interrupted
before the rename, the temporary file is removed and the target is left untouched; a
temporary file left by a killed process (``.NAME.gsekg-*.tmp``) is swept by the next
write into that folder once it is :data:`STALE_AFTER` seconds old.

Other targets are not replaced: a symbolic link is followed to the file it names (the link
stays a link), character devices and FIFOs (``/dev/null``, a named pipe) are written
straight through, and anything else (a folder, a block device, a socket, a read-only file)
is refused.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal, cast, overload

from gsekg.errors import InputError

TEMP_MARK = ".gsekg-"
"""Part of every temporary file name: ``.NAME.gsekg-RANDOM.tmp``."""
TEMP_SUFFIX = ".tmp"
STALE_AFTER = 600.0
"""Seconds after which a temporary file of ours is taken as left by a killed process."""


@overload
def open_atomic(
    path: str | os.PathLike[str], mode: Literal["w"] = "w", *, encoding: str = "utf-8"
) -> contextlib.AbstractContextManager[IO[str]]: ...
@overload
def open_atomic(
    path: str | os.PathLike[str], mode: Literal["wb"], *, encoding: str = "utf-8"
) -> contextlib.AbstractContextManager[IO[bytes]]: ...
def open_atomic(
    path: str | os.PathLike[str], mode: Literal["w", "wb"] = "w", *, encoding: str = "utf-8"
) -> contextlib.AbstractContextManager[IO[str]] | contextlib.AbstractContextManager[IO[bytes]]:
    """Open ``path`` for writing; the file appears, complete, only when the block ends cleanly.

    Args:
        path: The file to create or replace (a symbolic link is followed; a character
            device or FIFO is written straight through).
        mode: ``"w"`` for text (``encoding``, ``\\n`` line ends) or ``"wb"`` for bytes.
        encoding: The text encoding in text mode.

    Raises:
        InputError: The folder does not exist or cannot be written, the target is read-only
            or not something to write to, or writing failed (a full disk).
    """
    manager = _open_atomic(Path(path), mode, encoding)
    return cast("contextlib.AbstractContextManager[IO[str]]", manager)


def _target(path: Path) -> tuple[Path, os.stat_result | None]:
    """The file to write (symbolic links followed) and its status, ``None`` when missing."""
    try:
        target = path.resolve() if path.is_symlink() else path
        return target, target.stat()
    except FileNotFoundError:
        return target, None
    except (OSError, RuntimeError) as error:  # RuntimeError: a symbolic link loop
        reason = error.strerror if isinstance(error, OSError) else None
        raise InputError(f"cannot write {path}: {reason or error}") from None


@contextlib.contextmanager
def _open_atomic(path: Path, mode: str, encoding: str) -> Iterator[IO[str] | IO[bytes]]:
    target, status = _target(path)
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise InputError(f"cannot write {path}: it is a folder")
    if status is not None and (stat.S_ISCHR(status.st_mode) or stat.S_ISFIFO(status.st_mode)):
        with _failing_as_input_error(path):
            yield from _straight_through(target, mode, encoding)
        return
    if status is not None and not stat.S_ISREG(status.st_mode):
        raise InputError(f"cannot write {path}: not a regular file, a character device or a FIFO")
    if status is not None and _read_only(target, status):
        raise InputError(f"cannot write {path}: the file is read-only (change its mode first)")
    folder = target.parent
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: folder {folder} does not exist")
    sweep_stale(folder)
    made: list[Path] = []
    try:
        with _failing_as_input_error(path):
            fd = _create_temp(folder, target.name, made)
            text = mode == "w"
            with os.fdopen(
                fd, mode, encoding=encoding if text else None, newline="\n" if text else None
            ) as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            _keep_mode(status, made[-1])
            os.replace(made[-1], target)
    except BaseException:
        for temp in made:
            temp.unlink(missing_ok=True)
        raise
    _fsync_folder(folder)


def _create_temp(folder: Path, name: str, made: list[Path]) -> int:
    """Create ``.NAME.gsekg-RANDOM.tmp`` in ``folder`` and open it.

    Its path goes into ``made`` *before* it is created, so that a signal arriving just
    after creation still finds it to remove.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        made.append(folder / f".{name}{TEMP_MARK}{secrets.token_hex(6)}{TEMP_SUFFIX}")
        try:
            return os.open(made[-1], flags, 0o600)
        except FileExistsError:
            made.pop()
    raise FileExistsError(f"no free temporary file name in {folder}")


def _straight_through(target: Path, mode: str, encoding: str) -> Iterator[IO[str] | IO[bytes]]:
    """Write to a device or FIFO as it is: there is nothing to replace."""
    text = mode == "w"
    with open(
        target, mode, encoding=encoding if text else None, newline="\n" if text else None
    ) as handle:
        yield handle


@contextlib.contextmanager
def _failing_as_input_error(path: Path) -> Iterator[None]:
    """A failed write (no space left, an I/O error) as one clean :class:`InputError`."""
    try:
        yield
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror or error}") from None


def _read_only(target: Path, status: os.stat_result) -> bool:
    """No write permission bit at all, or none for this user (root passes ``os.access``)."""
    return not status.st_mode & 0o222 or not os.access(target, os.W_OK)


def sweep_stale(folder: Path, older_than: float = STALE_AFTER) -> list[Path]:
    """Remove our own temporary files in ``folder`` older than ``older_than`` seconds.

    Returns:
        The files removed. Errors (a read-only folder, a race with another sweep) are ignored.
    """
    removed: list[Path] = []
    now = time.time()
    try:
        candidates = list(folder.glob(f".*{TEMP_MARK}*{TEMP_SUFFIX}"))
    except OSError:
        return removed
    for candidate in candidates:
        with contextlib.suppress(OSError):
            status = candidate.lstat()
            if stat.S_ISREG(status.st_mode) and now - status.st_mtime > older_than:
                candidate.unlink()
                removed.append(candidate)
    return removed


def _keep_mode(status: os.stat_result | None, temp: Path) -> None:
    """Give the new file the old one's permissions, or the usual umask-based ones."""
    if status is not None:
        mode = status.st_mode & 0o7777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temp, mode)


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable where the platform allows fsync on a folder."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with open_atomic(path, "wb") as handle:
        handle.write(data)


def write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (``\\n`` line ends)."""
    with open_atomic(path, "w", encoding=encoding) as handle:
        handle.write(text)

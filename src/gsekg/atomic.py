"""Atomic file writes: a reader sees the old file or the whole new one, never half of it.

Every write goes to a temporary file in the target's own folder (so the final
``os.replace`` stays on one file system), is flushed and fsynced, then renamed
over the target. If anything fails or the process is interrupted before the
rename, the temporary file is removed and the target is left untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal, cast, overload

from gsekg.errors import InputError


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
        path: The file to create or replace.
        mode: ``"w"`` for text (``encoding``, ``\\n`` line ends) or ``"wb"`` for bytes.
        encoding: The text encoding in text mode.

    Raises:
        InputError: The folder does not exist or cannot be written.
    """
    manager = _open_atomic(Path(path), mode, encoding)
    return cast("contextlib.AbstractContextManager[IO[str]]", manager)


@contextlib.contextmanager
def _open_atomic(path: Path, mode: str, encoding: str) -> Iterator[IO[str] | IO[bytes]]:
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: folder {folder} does not exist")
    if path.is_dir():
        raise InputError(f"cannot write {path}: it is a folder")
    try:
        fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror}") from error
    temp = Path(temp_name)
    try:
        text = mode == "w"
        with os.fdopen(
            fd, mode, encoding=encoding if text else None, newline="\n" if text else None
        ) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _keep_mode(path, temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_folder(folder)


def _keep_mode(path: Path, temp: Path) -> None:
    """Give the new file the old one's permissions, or the usual umask-based ones."""
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
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

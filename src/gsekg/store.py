"""The on-disk store cache: one built Oxigraph store per set of inputs.

Layout of the cache folder::

    <root>/<key>/current                     the version in use (a folder name; replaced atomically)
    <root>/<key>/<version>/store/            the Oxigraph (RocksDB) store, opened read-only
    <root>/<key>/<version>/manifest.json     inputs, counts, build time, file fingerprints
    <root>/<key>/<version>/.readers          share-locked by every process reading the version
    <root>/index/<stat-key>                  memo: file sizes and mtimes -> content key
    <root>/.build-<key>-*/                   a build in progress (or killed)
    <root>/.damaged/<key>-<version>/         damaged stores, moved aside (the newest few kept)
    <root>/.lock                             held while building, pruning or clearing

``key`` is a SHA-256 over the gsekg version, the build options and each input file's path
and bytes, so changed inputs get a new store. A warm run hashes only file metadata (the
``index`` memo), opens the store read-only and never parses RDF.

A build happens in a ``.build-*`` folder under the lock, is moved to a new version folder and
then made current by replacing the ``current`` file, so readers only ever see complete stores,
concurrent first runs build once, and a killed build leaves the previous stores untouched.
A reader holds a shared lock on its version for its whole run; ``cache build --force`` and
``cache clear`` delete a version only once they can lock it exclusively, so a reader keeps a
consistent store (the old one or the new one) while they run.

On open, the store's files are checked against the fingerprints in the manifest (names, sizes,
modification times, and the content of the small files such as ``CURRENT`` and ``MANIFEST``):
a damaged store is moved aside and rebuilt, with a note. ``cache info`` checks every byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyoxigraph import Store

from gsekg import __version__
from gsekg.atomic import write_bytes
from gsekg.errors import EngineError, InputError
from gsekg.loader import unreadable

if TYPE_CHECKING:
    from gsekg.build import Progress

CACHE_FORMAT = 5
"""Bump when the build changes its output, so that old stores are not reused."""
LOCK_TIMEOUT = 1800.0
MAX_ENTRIES = 8
_BUILD_PREFIX = ".build-"


@dataclass(frozen=True)
class Inputs:
    """What a dataset is built from."""

    files: tuple[Path, ...]
    rules: tuple[Path, ...] = ()
    inference: bool = True
    view: str = "union"
    """What the default graph holds (:data:`gsekg.namespaces.VIEWS`): each its own store."""

    def options(self) -> dict[str, Any]:
        """The build options that change the result, for the key and the manifest."""
        from gsekg.build import OWLRL_LIMIT

        return {
            "format": CACHE_FORMAT,
            "gsekg": __version__,
            "inference": self.inference,
            "owlrl_limit": OWLRL_LIMIT,
            "view": self.view,
        }

    def paths(self) -> list[Path]:
        """Every file the build reads."""
        return [*self.files, *self.rules]


@dataclass
class CachedStore:
    """An opened store and where it came from (``path`` is ``None`` for an in-memory build)."""

    store: Store
    path: Path | None
    manifest: dict[str, Any]
    built: bool = False
    """Whether this call built the store (``False``: it was found in the cache)."""


def cache_root(cache_dir: Path | None = None) -> Path:
    """The cache folder: ``cache_dir``, else ``$GSEKG_CACHE_DIR``, else the user cache dir."""
    if cache_dir is not None:
        return Path(cache_dir)
    env = os.environ.get("GSEKG_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("gsekg", appauthor=False))


def cache_key(inputs: Inputs) -> str:
    """SHA-256 over the version, options, and each input file's path and bytes."""
    digest = hashlib.sha256(json.dumps(inputs.options(), sort_keys=True).encode())
    for path in inputs.paths():
        digest.update(b"\0path\0" + str(path.resolve()).encode())
        try:
            with path.open("rb") as stream:
                while chunk := stream.read(1 << 20):
                    digest.update(chunk)
        except OSError as error:
            raise unreadable(path, error) from None
    return digest.hexdigest()


def open_store(
    inputs: Inputs,
    *,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
) -> CachedStore:
    """Open the cached store for ``inputs``, building it first if needed.

    When the cache folder cannot be written, the dataset is built in memory instead (said once
    on stderr). A damaged cached store is moved aside and rebuilt (said on stderr).

    Args:
        inputs: the files, rules and options.
        cache_dir: the cache folder (see :func:`cache_root`).
        progress: a :data:`gsekg.build.Progress` hook for a build.
    """
    root = cache_root(cache_dir)
    stat_key = _stat_key(inputs)
    key = _read_index(root, stat_key)
    if key is not None and isinstance(opened := _open_entry(root / key), CachedStore):
        return opened
    key = cache_key(inputs)
    found = _open_entry(root / key)
    if isinstance(found, CachedStore):
        _write_index(root, stat_key, key)
        return found
    lock = _lock(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except OSError as error:  # a read-only cache folder, or a lock held for too long
        _note_once(
            f"the cache folder {root} cannot be written ({_reason(error)}): "
            "the graph is built in memory for this run"
        )
        return build_in_memory(inputs, progress=progress)
    try:
        found = _open_entry(root / key)
        if isinstance(found, Damage):
            _quarantine(root, found)
        if not isinstance(found, CachedStore):
            _build_entry(root, key, inputs, progress)
            _prune(root, keep=key, signature=_signature(inputs))
            found = _open_entry(root / key)
            if not isinstance(found, CachedStore):
                raise EngineError(f"the store built in {root / key} cannot be opened")
            found.built = True
    finally:
        lock.release()
    _write_index(root, stat_key, key)
    return found


def build_in_memory(inputs: Inputs, *, progress: Progress | None = None) -> CachedStore:
    """Build the dataset into an in-memory store (nothing is cached)."""
    from gsekg.build import build

    store = Store()
    stats = build(
        store,
        inputs.files,
        rules=inputs.rules,
        inference=inputs.inference,
        progress=progress,
        view=inputs.view,
    )
    return CachedStore(store, None, _manifest(inputs, "", stats.as_dict()), built=True)


def entries(cache_dir: Path | None = None) -> list[dict[str, Any]]:
    """The manifests of the cached stores, each with ``path``, ``size_bytes`` and ``damaged``.

    ``damaged`` is ``""`` for a sound store, else what is wrong; every byte is checked.
    """
    root = cache_root(cache_dir)
    found = []
    for current in sorted(root.glob(f"*/{_CURRENT}")):
        folder = _current_version(current.parent)
        if folder is None:
            continue
        manifest = entry(folder)
        if manifest is None:
            manifest = {"key": current.parent.name, "path": str(folder), "size_bytes": 0}
            manifest["damaged"] = "the manifest is missing or unreadable"
        else:
            manifest["damaged"] = _damage(folder / "store", manifest, thorough=True) or ""
        found.append(manifest)
    return found


def entry(folder: Path) -> dict[str, Any] | None:
    """The manifest of the cached store in ``folder``, with ``path`` and ``size_bytes`` added."""
    manifest = _read_json(folder / "manifest.json")
    if manifest is not None:
        manifest["path"] = str(folder)
        manifest["size_bytes"] = _tree_size(folder)
    return manifest


def clear(cache_dir: Path | None = None) -> int:
    """Delete every cached store and unfinished build; return how many stores went.

    A version a running process still reads is deleted by a later build or clear, once free.
    """
    root = cache_root(cache_dir)
    if not root.is_dir():
        return 0
    with _lock(root):
        removed = 0
        for current in root.glob(f"*/{_CURRENT}"):
            current.unlink(missing_ok=True)
            removed += 1
        for path in [*root.glob(f"{_BUILD_PREFIX}*"), root / "index", root / _DAMAGED]:
            shutil.rmtree(path, ignore_errors=True)
        _collect(root)
    return removed


def build_entry(
    inputs: Inputs, *, cache_dir: Path | None = None, progress: Progress | None = None
) -> Path:
    """Build (or rebuild) the cached store for ``inputs``; return its version folder.

    Processes reading the previous version keep it until they finish.

    Raises:
        EngineError: the cache folder cannot be written.
    """
    root = cache_root(cache_dir)
    key = cache_key(inputs)
    lock = _lock(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except OSError as error:
        raise EngineError(f"cannot build the store in {root}: {_reason(error)}") from None
    try:
        folder = _build_entry(root, key, inputs, progress)
        _prune(root, keep=key, signature=_signature(inputs))
    finally:
        lock.release()
    _write_index(root, _stat_key(inputs), key)
    return folder


@dataclass(frozen=True)
class Damage:
    """A cached version that fails its check: where, and what is wrong."""

    folder: Path
    reason: str


_CURRENT = "current"
_READERS = ".readers"
_DAMAGED = ".damaged"
KEEP_DAMAGED = 2
"""Damaged stores kept aside for inspection; older ones are deleted."""
SMALL_FILE = 1 << 16
"""Files up to this size (CURRENT, MANIFEST, OPTIONS, …) have their content checked on open."""
_held: dict[Path, int] = {}
"""Version folders this process reads -> the descriptor holding their shared lock."""
_said: set[str] = set()


def _build_entry(root: Path, key: str, inputs: Inputs, progress: Progress | None) -> Path:
    """Build into a fresh ``.build-*`` folder, move it to a new version and make it current.

    Called with the lock held. Returns the version folder.
    """
    from gsekg.build import build

    for stale in root.glob(f"{_BUILD_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    workdir = Path(tempfile.mkdtemp(prefix=f"{_BUILD_PREFIX}{key[:16]}-", dir=root))
    try:
        store = Store(str(workdir / "store"))
        stats = build(
            store,
            inputs.files,
            rules=inputs.rules,
            inference=inputs.inference,
            progress=progress,
            bulk=True,
            view=inputs.view,
        )
        store.optimize()
        store.flush()
        del store  # closes the database before the folder moves
        manifest = _manifest(inputs, key, stats.as_dict())
        manifest["files"] = _fingerprints(workdir / "store", thorough=True)
        _write_json(workdir / "manifest.json", manifest)
        (workdir / _READERS).touch()
        version = f"v{time.time_ns()}-{os.getpid()}"
        (root / key).mkdir(exist_ok=True)
        os.rename(workdir, root / key / version)
        write_bytes(root / key / _CURRENT, version.encode("ascii"))
    except OSError as error:
        shutil.rmtree(workdir, ignore_errors=True)
        raise EngineError(f"cannot build the store in {root}: {error}") from None
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    _collect(root)
    return root / key / version


def _current_version(entry: Path) -> Path | None:
    """The version folder ``entry/current`` names, or ``None``."""
    try:
        version = (entry / _CURRENT).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not version or "/" in version or version.startswith("."):
        return None
    return entry / version


def _open_entry(entry: Path) -> CachedStore | Damage | None:
    """The current store of a cache entry, what is wrong with it, or ``None`` if there is none.

    The version is share-locked first (and the lock kept for the process's life), so that a
    rebuild or a clear cannot delete it while this process reads it.
    """
    for _ in range(20):  # a rebuild may replace the version between reading and locking
        folder = _current_version(entry)
        if folder is None:
            return None
        if not _share(folder):
            continue
        manifest = _read_json(folder / "manifest.json")
        if manifest is None or manifest.get("format") != CACHE_FORMAT:
            return None
        reason = _damage(folder / "store", manifest, thorough=False)
        if reason is not None:
            return Damage(folder, reason)
        try:
            store = Store.read_only(str(folder / "store"))
        except (OSError, RuntimeError, ValueError) as error:
            return Damage(folder, f"Oxigraph cannot open it: {' '.join(str(error).split())}")
        return CachedStore(store, folder, manifest)
    return None


def _share(folder: Path) -> bool:
    """Hold a shared lock on ``folder`` for this process; ``False`` if it was just removed."""
    if folder in _held:
        return True
    try:
        import fcntl
    except ImportError:  # no flock (Windows): open files cannot be deleted there anyway
        return folder.is_dir()
    path = folder / _READERS
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        if os.fstat(fd).st_ino != os.stat(path).st_ino:
            raise FileNotFoundError(path)
    except OSError:
        os.close(fd)
        return False
    _held[folder] = fd
    return True


def _remove_if_unused(folder: Path) -> bool:
    """Delete a version folder unless a process holds it; whether it went. Lock held."""
    if folder in _held:
        return False
    try:
        import fcntl
    except ImportError:  # no flock (Windows): a folder in use fails to delete
        shutil.rmtree(folder, ignore_errors=True)
        return not folder.exists()
    try:
        fd = os.open(folder / _READERS, os.O_RDONLY)
    except FileNotFoundError:
        shutil.rmtree(folder, ignore_errors=True)  # a version without readers file: unfinished
        return True
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False
    try:
        (folder / _READERS).unlink()  # a reader that opened it before now sees it gone
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        os.close(fd)
    return True


def _collect(root: Path) -> None:
    """Delete every version that is not current and not in use, and empty entries. Lock held."""
    for entry in [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]:
        if entry.name == "index":
            continue
        current = _current_version(entry)
        for version in entry.iterdir():
            if version.is_dir() and version != current:
                _remove_if_unused(version)
        if current is None:
            (entry / _CURRENT).unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                entry.rmdir()


def _quarantine(root: Path, damage: Damage) -> None:
    """Move a damaged version aside (keeping the newest few) and say so. Lock held."""
    aside = root / _DAMAGED / f"{damage.folder.parent.name[:16]}-{damage.folder.name}"
    try:
        aside.parent.mkdir(exist_ok=True)
        os.rename(damage.folder, aside)
    except OSError:
        aside = damage.folder
        shutil.rmtree(damage.folder, ignore_errors=True)
    (damage.folder.parent / _CURRENT).unlink(missing_ok=True)
    moved = [p for p in (root / _DAMAGED).glob("*") if p.is_dir()]
    for old in sorted(moved, key=lambda p: p.stat().st_mtime, reverse=True)[KEEP_DAMAGED:]:
        shutil.rmtree(old, ignore_errors=True)
    _note(
        f"the cached store {damage.folder} was damaged ({damage.reason}); "
        f"moved it to {aside} and rebuilt it"
    )


def _fingerprints(store: Path, *, thorough: bool) -> dict[str, list[int]]:
    """``name -> [size, mtime_ns, crc32]`` of the database files (crc32: small files only,
    or every file when ``thorough``; ``-1`` when not computed).

    RocksDB's info log and lock file change on every open and are left out.
    """
    found = {}
    for path in sorted(store.iterdir()):
        name = path.name
        if name.startswith("LOG") or name == "LOCK" or not path.is_file():
            continue
        st = path.stat()
        crc = _crc32(path) if thorough or st.st_size <= SMALL_FILE else -1
        found[name] = [st.st_size, st.st_mtime_ns, crc]
    return found


def _damage(store: Path, manifest: dict[str, Any], *, thorough: bool) -> str | None:
    """What is wrong with the store's files compared with the manifest, or ``None``."""
    expected = manifest.get("files")
    if not isinstance(expected, dict):
        return "its manifest lists no files"
    for name, recorded in sorted(expected.items()):
        path = store / name
        try:
            st = path.stat()
        except OSError:
            return f"{name} is missing"
        size, mtime, crc = recorded
        if st.st_size != size:
            return f"{name} changed size"
        if thorough or st.st_size <= SMALL_FILE:
            if _crc32(path) != crc:
                return f"{name} changed"
        elif st.st_mtime_ns != mtime:
            return f"{name} was modified"
    return None


def _crc32(path: Path) -> int:
    value = 0
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                value = zlib.crc32(chunk, value)
    except OSError:
        return -1
    return value


def _prune(root: Path, *, keep: str, signature: str) -> None:
    """Retire the entries ``keep`` supersedes, and the oldest beyond :data:`MAX_ENTRIES`.

    An entry is superseded when it was built from the same paths with the same options.
    Called with the lock held; versions still read elsewhere go when they are free.
    """
    others = []
    for current in root.glob(f"*/{_CURRENT}"):
        entry = current.parent
        if entry.name == keep:
            continue
        folder = _current_version(entry)
        manifest = (_read_json(folder / "manifest.json") if folder else None) or {}
        if manifest.get("signature") == signature:
            current.unlink(missing_ok=True)
        else:
            others.append((current.stat().st_mtime, current))
    for _, current in sorted(others, reverse=True)[MAX_ENTRIES - 1 :]:
        current.unlink(missing_ok=True)
    _collect(root)


def _note(message: str) -> None:
    """A message for people on stderr (the core's only one: the cache repairs itself)."""
    sys.stderr.write(f"Note: {message}\n")


def _note_once(message: str) -> None:
    if message not in _said:
        _said.add(message)
        _note(message)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _manifest(inputs: Inputs, key: str, stats: dict[str, Any]) -> dict[str, Any]:
    return {
        **inputs.options(),
        "key": key,
        "signature": _signature(inputs),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "inputs": [_describe(p) for p in inputs.files],
        "rules": [_describe(p) for p in inputs.rules],
        "stats": stats,
    }


def _describe(path: Path) -> dict[str, Any]:
    return {"path": str(path.resolve()), "bytes": path.stat().st_size}


def _signature(inputs: Inputs) -> str:
    """A hash of the input paths and options, not their content: entries it supersedes."""
    text = json.dumps([inputs.options(), [str(p.resolve()) for p in inputs.paths()]])
    return hashlib.sha256(text.encode()).hexdigest()


def _stat_key(inputs: Inputs) -> str:
    """A hash of the options and each file's path, size, mtime and inode (cheap to compute)."""
    parts: list[Any] = [inputs.options()]
    for path in inputs.paths():
        try:
            st = path.stat()
        except OSError as error:
            raise unreadable(path, error) from None
        parts.append([str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ino])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _read_index(root: Path, stat_key: str) -> str | None:
    try:
        return (root / "index" / stat_key).read_text(encoding="ascii").strip() or None
    except OSError:
        return None


def _write_index(root: Path, stat_key: str, key: str) -> None:
    """Remember ``stat_key -> key``; a failure only costs a re-hash next time."""
    with contextlib.suppress(OSError, InputError):
        (root / "index").mkdir(parents=True, exist_ok=True)
        write_bytes(root / "index" / stat_key, key.encode("ascii"))


def _lock(root: Path) -> Any:
    from filelock import FileLock

    return FileLock(root / ".lock", timeout=LOCK_TIMEOUT)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _write_json(path: Path, value: dict[str, Any]) -> None:
    write_bytes(path, json.dumps(value, indent=2, sort_keys=True).encode("utf-8"))


def _tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())

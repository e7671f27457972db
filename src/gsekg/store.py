"""The on-disk store cache: one built Oxigraph store per set of inputs.

Layout of the cache folder::

    <root>/<key>/store/          the Oxigraph (RocksDB) store, opened read-only
    <root>/<key>/manifest.json   inputs, counts, build time; written last
    <root>/index/<stat-key>      memo: file sizes and mtimes -> content key
    <root>/.build-<key>-*/       a build in progress (or killed)
    <root>/.lock                 held while building, pruning or clearing

``key`` is a SHA-256 over the gsekg version, the build options and each input file's path
and bytes, so changed inputs get a new store. A warm run hashes only file metadata (the
``index`` memo), opens the store read-only and never parses RDF. A build happens in a
``.build-*`` folder under the lock and is renamed into place, so readers only ever see
complete stores, concurrent first runs build once, and a killed build leaves the
previous stores untouched.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
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

CACHE_FORMAT = 3
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

    def options(self) -> dict[str, Any]:
        """The build options that change the result, for the key and the manifest."""
        from gsekg.build import OWLRL_LIMIT

        return {
            "format": CACHE_FORMAT,
            "gsekg": __version__,
            "inference": self.inference,
            "owlrl_limit": OWLRL_LIMIT,
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

    When the cache folder cannot be written, the dataset is built in memory instead.

    Args:
        inputs: the files, rules and options.
        cache_dir: the cache folder (see :func:`cache_root`).
        progress: a :data:`gsekg.build.Progress` hook for a build.
    """
    root = cache_root(cache_dir)
    stat_key = _stat_key(inputs)
    key = _read_index(root, stat_key)
    if key is not None and (opened := _open_entry(root / key)) is not None:
        return opened
    key = cache_key(inputs)
    if (opened := _open_entry(root / key)) is not None:
        _write_index(root, stat_key, key)
        return opened
    lock = _lock(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except OSError:  # a read-only cache folder, or another build holding the lock for too long
        return build_in_memory(inputs, progress=progress)
    try:
        opened = _open_entry(root / key)
        if opened is None:
            _build_entry(root, key, inputs, progress)
            _prune(root, keep=key, signature=_signature(inputs))
            opened = _open_entry(root / key)
            if opened is None:
                raise EngineError(f"the store built in {root / key} cannot be opened")
            opened.built = True
    finally:
        lock.release()
    _write_index(root, stat_key, key)
    return opened


def build_in_memory(inputs: Inputs, *, progress: Progress | None = None) -> CachedStore:
    """Build the dataset into an in-memory store (nothing is cached)."""
    from gsekg.build import build

    store = Store()
    stats = build(
        store, inputs.files, rules=inputs.rules, inference=inputs.inference, progress=progress
    )
    return CachedStore(store, None, _manifest(inputs, "", stats.as_dict()), built=True)


def entries(cache_dir: Path | None = None) -> list[dict[str, Any]]:
    """The manifests of the cached stores, each with ``path`` and ``size_bytes`` added."""
    root = cache_root(cache_dir)
    found = (entry(path.parent) for path in sorted(root.glob("*/manifest.json")))
    return [manifest for manifest in found if manifest is not None]


def entry(folder: Path) -> dict[str, Any] | None:
    """The manifest of the cached store in ``folder``, with ``path`` and ``size_bytes`` added."""
    manifest = _read_json(folder / "manifest.json")
    if manifest is not None:
        manifest["path"] = str(folder)
        manifest["size_bytes"] = _tree_size(folder)
    return manifest


def clear(cache_dir: Path | None = None) -> int:
    """Delete every cached store and unfinished build; return how many folders went."""
    root = cache_root(cache_dir)
    if not root.is_dir():
        return 0
    with _lock(root):
        doomed = [p for p in root.iterdir() if p.is_dir()]
        for path in doomed:
            shutil.rmtree(path, ignore_errors=True)
    return len(doomed)


def build_entry(
    inputs: Inputs, *, cache_dir: Path | None = None, progress: Progress | None = None
) -> Path:
    """Build (or rebuild) the cached store for ``inputs``; return its folder.

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
        raise EngineError(f"cannot build the store in {root}: {error.strerror or error}") from None
    try:
        _build_entry(root, key, inputs, progress)
        _prune(root, keep=key, signature=_signature(inputs))
    finally:
        lock.release()
    _write_index(root, _stat_key(inputs), key)
    return root / key


def _build_entry(root: Path, key: str, inputs: Inputs, progress: Progress | None) -> None:
    """Build into a fresh ``.build-*`` folder and rename it to ``<root>/<key>`` (lock held)."""
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
        )
        store.optimize()
        store.flush()
        del store  # closes the database before the folder moves
        _write_json(workdir / "manifest.json", _manifest(inputs, key, stats.as_dict()))
        target = root / key
        if target.exists():
            shutil.rmtree(target)
        os.rename(workdir, target)
    except OSError as error:
        shutil.rmtree(workdir, ignore_errors=True)
        raise EngineError(f"cannot build the store in {root}: {error}") from None
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise


def _open_entry(entry: Path) -> CachedStore | None:
    """The store of a complete cache entry, or ``None`` when there is none."""
    manifest = _read_json(entry / "manifest.json")
    if manifest is None or manifest.get("format") != CACHE_FORMAT:
        return None
    try:
        store = Store.read_only(str(entry / "store"))
    except OSError:
        return None
    return CachedStore(store, entry, manifest)


def _prune(root: Path, *, keep: str, signature: str) -> None:
    """Delete the stores ``keep`` supersedes, and the oldest beyond :data:`MAX_ENTRIES`.

    A store is superseded when it was built from the same paths with the same options.
    Called with the lock held.
    """
    others = []
    for manifest_path in root.glob("*/manifest.json"):
        manifest = _read_json(manifest_path) or {}
        entry = manifest_path.parent
        if entry.name == keep:
            continue
        if manifest.get("signature") == signature:
            shutil.rmtree(entry, ignore_errors=True)
        else:
            others.append((manifest_path.stat().st_mtime, entry))
    for _, entry in sorted(others, reverse=True)[MAX_ENTRIES - 1 :]:
        shutil.rmtree(entry, ignore_errors=True)


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

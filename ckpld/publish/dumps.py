"""Dump files on disk: which files a release has, their manifest, and writing them atomically.

A dumps folder holds one sub-folder per release and a symbolic link `current` to the newest
complete one. A release is written into a fresh sub-folder, its manifest last, then `current` is
swapped to it in one `rename`: a reader (or a server started later) sees the old release or the new
one, never a mix, and a build killed at any point leaves `current` as it was.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from ckpld.errors import OutputError
from ckpld.publish.patch import PATCH_FILE, PATCH_MEDIA_TYPE
from ckpld.rdf.formats import Format, named

CURRENT = "current"
MANIFEST_FILE = "manifest.json"
SUMS_FILE = "SHA256SUMS"
CATALOG_FILE = "catalog.ttl"
VOID_FILE = "void.ttl"
CHANGES_FILE = "changes.json"  # an archived release's changes, counted and in words
GZIP = "application/gzip"
RELEASE_NAME = re.compile(r"[0-9a-f]{16}\.[A-Za-z0-9_]{8}")  # version, then mkdtemp's suffix


@dataclass(frozen=True)
class Dump:
    """One file of the whole dataset in one format.

    Attributes:
        suffix: The file name's ending after the dataset's identifier (`nt.gz`).
        format: The RDF format inside.
        gzip: True when the file is gzip-compressed.
    """

    suffix: str
    format: Format
    gzip: bool = False

    def name(self, dataset_id: str) -> str:
        """The file's name for the dataset called `dataset_id`."""
        return f"{dataset_id}.{self.suffix}"

    @property
    def media_type(self) -> str:
        """The media type of the file as served (gzip for compressed files)."""
        return GZIP if self.gzip else self.format.media_type


# fmt: off
DATA_DUMPS: tuple[Dump, ...] = (
    Dump("ttl", named("turtle")),
    Dump("nt.gz", named("ntriples"), gzip=True),
    Dump("jsonld", named("jsonld")),
    Dump("trig", named("trig")),
    Dump("nq", named("nquads")),
)
# fmt: on

# Media types of the other files of a release.
OTHER_MEDIA_TYPES = {
    CATALOG_FILE: "text/turtle",
    VOID_FILE: "text/turtle",
    SUMS_FILE: "text/plain",
    MANIFEST_FILE: "application/json",
    PATCH_FILE: PATCH_MEDIA_TYPE,
    CHANGES_FILE: "application/json",
}


@dataclass(frozen=True)
class DumpFile:
    """A written file: name, media type, size in bytes, SHA-256 (hex)."""

    name: str
    media_type: str
    size: int
    sha256: str

    @classmethod
    def of(cls, name: str, media_type: str, body: bytes) -> DumpFile:
        """The description of `body` written as `name`."""
        return cls(name, media_type, len(body), hashlib.sha256(body).hexdigest())


@dataclass(frozen=True)
class Manifest:
    """What a release holds.

    Attributes:
        version: The dataset version (see `Publication.version`).
        key: Changes whenever the files would differ: data, settings that go into them, ckpld.
        modified: When the data last changed (ISO 8601).
        files: The files, manifest excluded, in a fixed order.
        folder: Where the files are (None for a release computed but not written).
    """

    version: str
    key: str
    modified: str
    files: tuple[DumpFile, ...]
    folder: Path | None = None

    def file(self, name: str) -> DumpFile | None:
        """The file called `name`, or None."""
        return next((f for f in self.files if f.name == name), None)

    def to_json(self) -> bytes:
        """The manifest as written to `manifest.json`."""
        document = {
            "version": self.version,
            "key": self.key,
            "modified": self.modified,
            "files": [
                {"name": f.name, "mediaType": f.media_type, "size": f.size, "sha256": f.sha256}
                for f in self.files
            ],
        }
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()

    @classmethod
    def from_json(cls, body: bytes, folder: Path | None) -> Manifest:
        """Read a manifest; KeyError, TypeError or ValueError if it is not one."""
        document = json.loads(body)
        files = tuple(
            DumpFile(str(f["name"]), str(f["mediaType"]), int(f["size"]), str(f["sha256"]))
            for f in document["files"]
        )
        return cls(
            str(document["version"]), str(document["key"]), str(document["modified"]), files, folder
        )


def checksums(files: Iterable[DumpFile]) -> bytes:
    """A `sha256sum -c` file for `files`."""
    return "".join(f"{f.sha256}  {f.name}\n" for f in files).encode()


def current(out: Path) -> Manifest | None:
    """The complete release `out/current` points at, or None (none yet, or damaged)."""
    try:
        folder = (out / CURRENT).resolve(strict=True)
    except OSError:
        return None
    return complete(folder)


def write(out: Path, files: Mapping[str, bytes], manifest: Manifest) -> Manifest:
    """Write `files` and `manifest` as a new release in `out` and make it the current one.

    Raises:
        OutputError: `out` cannot be written; the previous release stays current.
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
        with locked(out):
            folder = write_folder(out, f"{manifest.version[:16]}.", files, manifest)
            previous = _target(out)
            link = out / f".{CURRENT}-{os.getpid()}"
            with contextlib.suppress(FileNotFoundError):
                link.unlink()
            link.symlink_to(folder.name, target_is_directory=True)
            os.replace(link, out / CURRENT)
            sync_folder(out)
            _prune(out, keep={folder.name, previous})
    except OSError as err:
        raise OutputError(f"cannot write the dumps to {out}: {err.strerror or err}") from err
    return Manifest(manifest.version, manifest.key, manifest.modified, manifest.files, folder)


def write_folder(parent: Path, prefix: str, files: Mapping[str, bytes], manifest: Manifest) -> Path:
    """A new folder in `parent` (named `prefix` and a random suffix) holding `files` and, written
    last to mark it complete, `manifest`; everything flushed to disk. Raises OSError."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    for name, body in files.items():
        _write_file(folder / name, body)
    _write_file(folder / MANIFEST_FILE, manifest.to_json())  # last: marks it complete
    os.chmod(folder, 0o755)
    sync_folder(folder)
    return folder


def complete(folder: Path) -> Manifest | None:
    """The manifest of the release in `folder` when it is complete (every file listed there has
    its size), else None."""
    try:
        manifest = Manifest.from_json((folder / MANIFEST_FILE).read_bytes(), folder)
    except (OSError, KeyError, TypeError, ValueError):
        return None
    for f in manifest.files:
        try:
            if (folder / f.name).stat().st_size != f.size:
                return None
        except OSError:
            return None
    return manifest


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """One writer at a time per folder (other processes wait)."""
    with open(out / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write_file(path: Path, body: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(body)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o644)


def sync_folder(folder: Path) -> None:
    """Flush `folder`'s entries (new names, renames) to disk."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _target(out: Path) -> str | None:
    try:
        return os.readlink(out / CURRENT)
    except OSError:
        return None


def _prune(out: Path, keep: set[str | None]) -> None:
    """Remove releases other than `keep` (the new one and the one it replaced: a server started
    before this build may still serve it) and leftovers of interrupted builds."""
    for entry in out.iterdir():
        if entry.name in keep or not RELEASE_NAME.fullmatch(entry.name):
            continue  # never touch what ckpld did not write
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)

"""Releases on disk: complete or absent, never half-written, whatever happens to the writer."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ckpld.errors import OutputError
from ckpld.publish.dumps import CURRENT, MANIFEST_FILE, DumpFile, Manifest, current, write
from tests.conftest import ROOT


def release(version: str, files: dict[str, bytes]) -> Manifest:
    listed = tuple(DumpFile.of(name, "text/plain", body) for name, body in files.items())
    return Manifest(version, "key-" + version, "2026-01-01T00:00:00+00:00", listed)


def test_write_then_read_back(tmp_path: Path) -> None:
    files = {"a.ttl": b"<a> <b> <c> .\n", "b.nq": b""}
    written = write(tmp_path, files, release("0" * 16, files))
    found = current(tmp_path)
    assert found is not None and found.folder == written.folder
    assert found.files == written.files and found.version == "0" * 16
    assert (tmp_path / CURRENT).is_symlink()
    assert oct((tmp_path / CURRENT / "a.ttl").stat().st_mode & 0o777) == "0o644"


def test_a_new_release_keeps_the_previous_one_and_prunes_older(tmp_path: Path) -> None:
    unrelated = tmp_path / "notes"  # something of the user's: never touched
    unrelated.mkdir()
    folders = []
    for n in range(3):
        files = {"x.ttl": str(n).encode()}
        folders.append(write(tmp_path, files, release(f"{n:016x}", files)).folder)
    assert folders[0] is not None and not folders[0].exists()
    assert all(f is not None and f.exists() for f in folders[1:])
    assert unrelated.exists()
    latest = current(tmp_path)
    assert latest is not None and latest.version == f"{2:016x}"


def test_damaged_or_missing_releases_are_not_current(tmp_path: Path) -> None:
    assert current(tmp_path) is None
    files = {"x.ttl": b"12345"}
    written = write(tmp_path, files, release("1" * 16, files))
    assert written.folder is not None
    (written.folder / "x.ttl").write_bytes(b"12")  # truncated
    assert current(tmp_path) is None
    (written.folder / MANIFEST_FILE).write_text("{not json")
    assert current(tmp_path) is None


def test_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OutputError, match="cannot write the dumps to"):
        write(blocker / "dumps", {"x": b""}, release("2" * 16, {"x": b""}))


# Kills `ckpld build` (SIGKILL, no clean-up possible) at a chosen point of writing a release.
KILLER = """
import os, signal, sys
from pathlib import Path
import ckpld.publish.dumps as dumps
point = sys.argv[1]
def die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
if point == "mid-file":  # half of one file on disk
    def half(path, body):
        with open(path, "wb") as handle:
            handle.write(body[: len(body) // 2])
            handle.flush()
        if path.suffix == ".nq":
            die()
    dumps._write_file = half
elif point == "before-manifest":
    real = dumps._write_file
    def until_manifest(path, body):
        if path.name == dumps.MANIFEST_FILE:
            die()
        real(path, body)
    dumps._write_file = until_manifest
elif point == "before-swap":  # the new release complete, `current` not yet moved to it
    real_replace = os.replace
    def swap(source, target, *args, **kwargs):
        if Path(target).name == dumps.CURRENT:
            die()
        real_replace(source, target, *args, **kwargs)
    dumps.os.replace = swap
from ckpld.cli import cli
cli(["build", "--out", sys.argv[2]])
"""


def build(
    out: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CKPLD_")}
    environment["CKPLD_CACHE_DIR"] = str(out.parent / "cache")
    environment["CKPLD_RELEASES_DIR"] = str(out.parent / "releases")
    environment.update(env or {})
    command = [sys.executable, "-c", KILLER, *args] if args else [
        sys.executable, "-m", "ckpld", "build", "--out", str(out)
    ]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)


def intact(out: Path) -> Manifest:
    """The current release, every file matching its manifest."""
    found = current(out)
    assert found is not None and found.folder is not None
    for f in found.files:
        assert hashlib.sha256((found.folder / f.name).read_bytes()).hexdigest() == f.sha256
    return found


@pytest.mark.parametrize("point", ["mid-file", "before-manifest", "before-swap"])
def test_a_killed_build_leaves_the_previous_release_current(tmp_path: Path, point: str) -> None:
    out = tmp_path / "dumps"
    first = build(out)
    assert first.returncode == 0, first.stderr
    before = intact(out)
    killed = build(out, point, str(out), env={"CKPLD_TITLE_EN": "A changed title"})
    assert killed.returncode == -9, killed.stderr
    assert intact(out) == before
    assert len([p for p in out.iterdir() if p.is_dir() and not p.is_symlink()]) == 2  # debris
    again = build(out, env={"CKPLD_TITLE_EN": "A changed title"})
    assert again.returncode == 0, again.stderr
    after = intact(out)
    assert after.key != before.key
    kept = {p.name for p in out.iterdir() if p.is_dir() and not p.is_symlink()}
    assert before.folder is not None and after.folder is not None
    assert kept == {before.folder.name, after.folder.name}  # the debris is gone

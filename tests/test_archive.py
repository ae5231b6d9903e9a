"""ckpld.publish.archive and ckpld.publish.history: every release kept, rebuilt from git history."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from ckpld.cli import cli
from ckpld.config import Settings
from ckpld.errors import OutputError, SourceError
from ckpld.publish import record
from ckpld.publish.archive import Archive, compare_archives, releases
from ckpld.publish.dumps import CHANGES_FILE, SUMS_FILE
from ckpld.publish.history import archive_missing
from ckpld.publish.patch import PATCH_FILE, read_patch
from ckpld.publish.publication import publish
from tests.history import ADDED, DATES, ENDED, NAMES, RENAMED, environment

DCAT = "http://www.w3.org/ns/dcat#"


def run(settings: Settings, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=environment(settings), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_every_release_of_the_record_is_archived_under_its_name(history: Settings) -> None:
    known = releases(history)
    assert [e.name for e in known.entries] == list(NAMES)
    assert [e.date for e in known.entries] == list(DATES)
    assert known.archived == frozenset(NAMES)
    for name in NAMES:
        folder = history.releases_dir / name
        check = subprocess.run(["sha256sum", "-c", SUMS_FILE], cwd=folder, capture_output=True)
        assert check.returncode == 0, check.stdout
        manifest = Archive(history.releases_dir).manifest(name)
        assert manifest is not None
        listed = {f.name for f in manifest.files}
        assert {PATCH_FILE, CHANGES_FILE, "catalog.ttl", "void.ttl"} <= listed


def test_the_patches_chain_from_nothing_to_each_release(history: Settings) -> None:
    archive = Archive(history.releases_dir)
    statements: set[ox.Quad] = set()
    previous = None
    for name in NAMES:
        body = (history.releases_dir / name / PATCH_FILE).read_bytes()
        lines = body.decode().splitlines()
        assert lines[0] == f"H id <{history.base_iri}releases/{name}/{PATCH_FILE}> ."
        assert (lines[1] == f"H prev <{history.base_iri}releases/{previous}/{PATCH_FILE}> .") == (
            previous is not None
        )
        change = read_patch(body, Path(name))
        statements = (statements - set(change.removed)) | set(change.added)
        assert statements == set(archive.quads(name, history.dataset_id))
        previous = name


def test_the_changes_say_what_happened_in_both_languages(history: Settings) -> None:
    archive = Archive(history.releases_dir)
    first, second, third = (archive.changes(n) for n in NAMES)
    assert first["previous"] is None and first["notes"] == []
    assert second["previous"] == NAMES[0]
    assert second["graphs"] == {history.graph_iri("page"): {"added": 3, "removed": 0}}
    notes = {n["subject"]: n for n in second["notes"]}
    assert notes[history.base_iri + ADDED]["kind"] == "added"
    assert notes[history.base_iri + ADDED]["en"] == "Added: Test Partner (organisation)"
    assert notes[history.base_iri + ADDED]["pl"] == "Dodano: Test Partner (organizacja)"
    kinds = {n["subject"]: n["kind"] for n in third["notes"]}
    assert kinds == {history.base_iri + RENAMED: "renamed", history.base_iri + ENDED: "ended"}
    ended = next(n for n in third["notes"] if n["kind"] == "ended")
    assert ended["en"].endswith(", 2025") and ended["pl"].startswith("Zakończono: Partnerstwo CKP")


def test_each_release_is_a_dcat_version_of_the_dataset(history: Settings) -> None:
    triples = list(ox.parse(path=str(history.releases_dir / NAMES[1] / "catalog.ttl")))
    version = ox.NamedNode(f"{history.dataset_iri}/{NAMES[1]}")

    def value(p: str) -> list[str]:
        return sorted(
            t.object.value for t in triples if t.subject == version and t.predicate.value == p
        )

    assert value(DCAT + "version") == [NAMES[1]]
    assert value(DCAT + "isVersionOf") == [history.dataset_iri]
    assert value(DCAT + "previousVersion") == [f"{history.dataset_iri}/{NAMES[0]}"]
    assert len(value("http://www.w3.org/ns/adms#versionNotes")) == 2  # Polish and English
    downloads = [t.object.value for t in triples if t.predicate.value == DCAT + "downloadURL"]
    assert len(downloads) == 5
    assert all(u.startswith(f"{history.base_iri}releases/{NAMES[1]}/") for u in downloads)


def test_the_living_catalogue_lists_every_version(history: Settings) -> None:
    pub = publish(history)
    pub.release()
    dataset = ox.NamedNode(history.dataset_iri)

    def value(s: ox.NamedNode, p: str) -> list[str]:
        return sorted(
            str(t.object.value)  # type: ignore[union-attr]
            for t in pub.catalogue
            if t.subject == s and t.predicate.value == p
        )

    versions = [f"{history.dataset_iri}/{n}" for n in NAMES]
    assert value(dataset, DCAT + "hasVersion") == versions
    assert value(dataset, DCAT + "hasCurrentVersion") == [versions[-1]]
    assert value(dataset, DCAT + "version") == [NAMES[-1]]  # the release's name, not the hash
    for version in versions:  # each described in full there, typed as DCAT-AP's range wants
        assert value(ox.NamedNode(version), "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == [
            DCAT + "Dataset"
        ]
    pub.store.close()


def test_a_rebuild_from_history_gives_the_same_bytes(history: Settings, tmp_path: Path) -> None:
    again = replace(history, releases_dir=tmp_path / "again")
    made = archive_missing(again, None, history=True, log=lambda _: None, strict=True)
    assert made == list(NAMES)
    assert compare_archives(again.releases_dir, history.releases_dir, made) == []
    assert archive_missing(again, None, history=True, log=lambda _: None) == []  # nothing left


def test_check_compares_the_archive_with_the_history_byte_for_byte(
    history: Settings, tmp_path: Path
) -> None:
    copy = replace(history, releases_dir=tmp_path / "copy")
    shutil.copytree(history.releases_dir, copy.releases_dir)
    code, out, _ = run(copy, "releases", "rebuild", "--check")
    assert code == 0 and "3 releases rebuilt, 0 differences" in out
    tampered = copy.releases_dir / NAMES[1] / "void.ttl"
    tampered.chmod(0o644)
    tampered.write_bytes(tampered.read_bytes() + b"\n")
    code, _, err = run(copy, "releases", "rebuild", "--check")
    assert code == 1 and f"{NAMES[1]}/void.ttl: other bytes" in err


def test_list_shows_every_release_newest_first_and_what_is_missing(
    history: Settings, tmp_path: Path
) -> None:
    code, out, _ = run(history, "releases", "list")
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == list(reversed(NAMES))
    code, out, _ = run(replace(history, releases_dir=tmp_path), "releases", "list")
    assert code == 0 and out.count("missing (ckpld releases rebuild)") == 3


def test_an_archived_release_never_changes(history: Settings, tmp_path: Path) -> None:
    own = replace(history, releases_dir=tmp_path / "own")
    archive_missing(own, None, history=True, log=lambda _: None, strict=True)
    archive = Archive(own.releases_dir)
    pub = publish(history)
    newest = releases(history).entries[-1]
    from ckpld.publish.archive import Predecessor, archived

    before = Predecessor(releases(history).entries[1], archive.quads(NAMES[1], own.dataset_id))
    same = archived(pub.edition(), newest, before, pub.labels)
    kept = archive.manifest(newest.name)
    assert kept is not None and archive.put(newest.name, same).files == kept.files
    other = archived(pub.edition(), newest, None, pub.labels)  # another patch: other bytes
    with pytest.raises(OutputError, match="never changes"):
        archive.put(newest.name, other)
    pub.store.close()


def test_the_server_archives_only_the_newest_release_after_an_archived_one(
    history: Settings, tmp_path: Path
) -> None:
    own = replace(history, releases_dir=tmp_path / "own")
    pub = publish(own)
    said: list[str] = []
    assert archive_missing(own, pub, history=False, log=said.append) == []  # a gap: waits
    for name in NAMES[:2]:
        shutil.copytree(history.releases_dir / name, own.releases_dir / name)
    assert archive_missing(own, pub, history=False, log=said.append) == [NAMES[2]]
    assert compare_archives(own.releases_dir, history.releases_dir, [NAMES[2]]) == []
    pub.store.close()


def test_a_release_the_history_cannot_give_is_said(history: Settings, tmp_path: Path) -> None:
    outside = tmp_path / "outside"  # the data, but not in a git repository
    shutil.copytree(history.data_dir, outside / "data")
    shutil.copytree(history.ontology_dir, outside / "ontology")
    own = replace(
        history,
        data_dir=outside / "data",
        ontology_dir=outside / "ontology",
        shapes=outside / "ontology" / "shapes.ttl",
        releases_dir=tmp_path / "archive",
    )
    said: list[str] = []
    assert archive_missing(own, None, history=True, log=said.append) == []
    assert len(said) == 1 and said[0].startswith(f"release {NAMES[0]} and later ones")
    with pytest.raises(SourceError, match="git"):
        archive_missing(own, None, history=True, log=said.append, strict=True)
    code, _, err = run(own, "releases", "rebuild")
    assert code == 2 and err.startswith("ckpld: error: ") and len(err.splitlines()) == 1


def test_a_version_no_commit_gives_is_said(history: Settings, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(history.data_dir.parent, repo, ignore=shutil.ignore_patterns("releases"))
    own = replace(
        history,
        data_dir=repo / "data",
        ontology_dir=repo / "ontology",
        shapes=repo / "ontology" / "shapes.ttl",
        releases_dir=tmp_path / "archive",
    )
    path = own.data_dir / record.RECORD_FILE
    entries = json.loads(path.read_text())
    entries.append({"version": "0" * 16, "date": "2026-07-01T00:00:00+00:00"})
    path.write_text(json.dumps(entries))
    with pytest.raises(SourceError, match="in no commit"):
        archive_missing(own, None, history=True, log=lambda _: None, strict=True)
    assert sorted(Archive(own.releases_dir).names()) == list(NAMES)  # those before are kept


def test_every_shipped_release_can_be_rebuilt_from_this_repository(
    settings: Settings, tmp_path: Path
) -> None:
    own = replace(settings, releases_dir=tmp_path)
    made = archive_missing(own, None, history=True, log=lambda _: None, strict=True)
    recorded = record.named(record.read(settings.data_dir / record.RECORD_FILE))
    assert made == [e.name for e in recorded]


KILLED_ARCHIVING = """
import os, signal, sys
import ckpld.publish.dumps as dumps
real = dumps._write_file
def dying(path, body):
    real(path, body)
    if path.suffix == ".nq" and sys.argv[1] in path.parent.name:
        os.kill(os.getpid(), signal.SIGKILL)
dumps._write_file = dying
from ckpld.cli import cli
cli(["releases", "rebuild"])
"""


def test_a_killed_archiving_leaves_only_complete_releases(
    history: Settings, tmp_path: Path
) -> None:
    own = replace(history, releases_dir=tmp_path / "archive")
    env = {**os.environ, **environment(own)}
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_ARCHIVING, NAMES[1]], env=env, capture_output=True
    )
    assert killed.returncode == -9, killed.stderr
    assert Archive(own.releases_dir).names() == [NAMES[0]]  # the second: debris, not a release
    assert [e.name for e in releases(own).entries if e.name in releases(own).archived] == [NAMES[0]]
    assert any(p.name.startswith(f".{NAMES[1]}.") for p in own.releases_dir.iterdir())
    code, out, _ = run(own, "releases", "rebuild")
    assert code == 0 and "2 releases rebuilt" in out
    assert compare_archives(own.releases_dir, history.releases_dir, list(NAMES)) == []
    assert sorted(p.name for p in own.releases_dir.iterdir()) == [".lock", *NAMES]  # no debris

"""The release archive: every release ever made, kept for good, one folder per release.

`releases_dir/{name}/` holds what a researcher needs to cite and reuse one version: the dumps, the
catalogue describing that version (a DCAT 3 version of the dataset), its VoID, what changed since
the previous release (`changes.rdfp`, an RDF Patch; `changes.json`, counted per graph and in
words), the checksums and the manifest. A folder is written under a temporary name and renamed
into place when complete; an archived release is never rewritten or removed. Its files depend
only on the data of that release and the one before, the release record, the settings that go
into files, and ckpld's version: the same inputs give the same bytes (see `ckpld.publish.history`
for rebuilding them from the repository's history).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ckpld.config import Settings
from ckpld.errors import OutputError, SourceError
from ckpld.publish import record
from ckpld.publish.catalog import Release, catalog_iri, version_iri
from ckpld.publish.dumps import (
    CATALOG_FILE,
    CHANGES_FILE,
    Manifest,
    complete,
    locked,
    sync_folder,
    write_folder,
)
from ckpld.publish.notes import Note, notes
from ckpld.publish.patch import PATCH_FILE, difference, rdf_patch
from ckpld.publish.record import NAME, Named
from ckpld.publish.release import Built, Edition, make
from ckpld.rdf.triples import date_time
from ckpld.store.bulk import Bulk

NOTES_IN_CATALOGUE = 20  # version notes in the catalogue; the page and changes.json have all


def release_url(settings: Settings, name: str) -> str:
    """Where the release called `name` is published (its page; its files are under it)."""
    return f"{settings.base_iri}releases/{name}/"


@dataclass(frozen=True)
class Archive:
    """The archive folder (`settings.releases_dir`)."""

    folder: Path

    def manifest(self, name: str) -> Manifest | None:
        """The archived release called `name` when it is there and complete, else None."""
        if not NAME.fullmatch(name):
            return None
        return complete(self.folder / name)

    def names(self) -> list[str]:
        """The names of the complete releases in the archive (in no particular order)."""
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return []
        return [e.name for e in entries if self.manifest(e.name) is not None]

    def quads(self, name: str, dataset_id: str) -> list[ox.Quad]:
        """The statements of the archived release `name` (its N-Quads dump).

        Raises:
            SourceError: the release is not archived or its dump cannot be read.
        """
        path = self.folder / name / f"{dataset_id}.nq"
        try:
            return list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
        except (OSError, SyntaxError) as err:
            raise SourceError(f"{path}: cannot read the archived release {name}: {err}") from err

    def changes(self, name: str) -> dict[str, Any]:
        """The archived release's `changes.json` (counts per graph and notes).

        Raises:
            SourceError: it is not there or not JSON.
        """
        path = self.folder / name / CHANGES_FILE
        try:
            document = json.loads(path.read_bytes())
        except (OSError, ValueError) as err:
            raise SourceError(f"{path}: cannot read the release's changes: {err}") from err
        if not isinstance(document, dict):
            raise SourceError(f"{path}: not a description of changes")
        return document

    def put(self, name: str, built: Built) -> Manifest:
        """Archive `built` as the release `name`; an archived release is never replaced: when it
        is there already, with the same files, that one is returned.

        Raises:
            OutputError: the folder cannot be written, or `name` is archived with other files.
        """
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with locked(self.folder):
                self._clear_debris()
                found = self.manifest(name)
                if found is None:
                    staged = write_folder(self.folder, f".{name}.", built.files, built.manifest)
                    os.rename(staged, self.folder / name)
                    sync_folder(self.folder)
                    found = self.manifest(name)
        except OSError as err:
            raise OutputError(f"cannot archive release {name} in {self.folder}: {err}") from err
        if found is None or _sums(found) != _sums(built.manifest):
            raise OutputError(
                f"release {name} is archived in {self.folder} with other files; an archived "
                "release never changes (remove the folder by hand only if it is not published)"
            )
        return found

    def _clear_debris(self) -> None:
        """Remove what writers killed before they renamed their folder into place left (their
        staging folders); called with the lock held, so no writer is at work."""
        for entry in self.folder.iterdir():
            if STAGING.fullmatch(entry.name) and entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)


STAGING = re.compile(r"\.\d{4}\.\d{2}\.\d{2}(\.[1-9]\d*)?\.[A-Za-z0-9_]{8}")


def _sums(manifest: Manifest) -> dict[str, str]:
    return {f.name: f.sha256 for f in manifest.files}


@dataclass(frozen=True)
class Predecessor:
    """The release before the one being archived: its entry and its statements."""

    entry: Named
    quads: Sequence[ox.Quad]


def archived(
    edition: Edition,
    entry: Named,
    previous: Predecessor | None,
    labels: Mapping[str, Mapping[str, str]],
) -> Built:
    """Every file of the archived release `entry`, made from `edition` and the release before it
    (none for the first). `edition` is that release's data, published with the record's dates
    (`modified` the entry's, `issued` the first entry's), which its VoID states too."""
    if edition.modified != entry.date:
        raise ValueError(f"release {entry.name} is dated {entry.date}, not {edition.modified}")
    settings = edition.settings
    bulk = Bulk.read(edition.store, list(edition.graphs), {})
    now = list(ox.parse(bulk.nquads, format=ox.RdfFormat.N_QUADS))
    before = list(previous.quads) if previous else []
    change = difference(before, now)
    url = release_url(settings, entry.name)
    previous_url = release_url(settings, previous.entry.name) if previous else None
    patch = rdf_patch(change, url + PATCH_FILE, previous_url + PATCH_FILE if previous_url else None)
    said = notes(change, before, now, labels) if previous else []
    counts = {
        graph: {"added": added, "removed": removed}
        for graph, (added, removed) in change.counts().items()
    }
    document = {
        "release": entry.name,
        "previous": previous.entry.name if previous else None,
        "graphs": counts,
        "notes": [n.as_json() for n in said],
    }
    changes = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
    release = Release(
        entry.name,
        date_time(entry.date),
        date_time(edition.issued),
        (),
        dataset=version_iri(settings, entry.name),
        downloads=url,
        previous=version_iri(settings, previous.entry.name) if previous else "",
        notes=version_notes(said, len(now), previous is None),
    )
    return make(edition, release, {PATCH_FILE: patch, CHANGES_FILE: changes})


def version_notes(said: list[Note], statements: int, first: bool) -> tuple[str, str]:
    """The catalogue's version notes (Polish, English): the first notes, and how many more."""
    if first:
        return (
            f"Pierwsze wydanie: {statements} stwierdzeń.",
            f"First release: {statements} statements.",
        )
    if not said:
        return ("Bez zmian w danych.", "No change to the data.")
    shown = said[:NOTES_IN_CATALOGUE]
    more = len(said) - len(shown)
    pl = " ".join(f"{n.pl}." for n in shown) + (f" Oraz {more} innych zmian." if more else "")
    en = " ".join(f"{n.en}." for n in shown) + (f" And {more} more changes." if more else "")
    return pl, en


@dataclass(frozen=True)
class Releases:
    """The releases of the record and what the archive holds of them.

    Attributes:
        entries: Every release of the record, oldest first.
        archived: The names of those in the archive.
    """

    entries: tuple[Named, ...]
    archived: frozenset[str]

    def versions(self, settings: Settings) -> tuple[str, ...]:
        """The archived releases as DCAT versions of the dataset (IRIs), oldest first."""
        return tuple(version_iri(settings, e.name) for e in self.entries if e.name in self.archived)

    def current(self, version_id: str) -> Named | None:
        """The newest release, when it is archived and its data is `version_id`."""
        if self.entries and self.entries[-1].name in self.archived:
            newest = self.entries[-1]
            return newest if newest.version == version_id[:16] else None
        return None

    def named(self, name: str) -> Named | None:
        """The release called `name`, if the record has it."""
        return next((e for e in self.entries if e.name == name), None)


def releases(settings: Settings) -> Releases:
    """The record's releases and which of them are archived."""
    entries = record.named(record.read(settings.data_dir / record.RECORD_FILE))
    names = set(Archive(settings.releases_dir).names())
    return Releases(tuple(entries), frozenset(e.name for e in entries if e.name in names))


def described(settings: Settings, known: Releases) -> tuple[ox.Triple, ...]:
    """The archived versions as their own catalogues describe them (the version datasets, their
    distributions and what those refer to), without the catalogues themselves.

    Raises:
        SourceError: an archived catalogue cannot be read.
    """
    catalog = ox.NamedNode(catalog_iri(settings))
    found: dict[ox.Triple, None] = {}
    for entry in known.entries:
        if entry.name not in known.archived:
            continue
        path = settings.releases_dir / entry.name / CATALOG_FILE
        try:
            triples = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
            found.update((ox.Triple(t.subject, t.predicate, t.object), None) for t in triples)
        except (OSError, SyntaxError) as err:
            raise SourceError(f"{path}: cannot read the archived catalogue: {err}") from err
    return tuple(t for t in found if t.subject != catalog)


def compare_archives(made: Path, kept: Path, names: list[str]) -> list[str]:
    """How the releases `names` in the archive folder `made` differ from those in `kept`: one
    line per file missing, extra or with other bytes (none when they are identical)."""
    found: list[str] = []
    for name in names:
        ours, theirs = made / name, kept / name
        if not theirs.is_dir():
            found.append(f"release {name} is not in {kept}")
            continue
        files = {p.name for p in ours.iterdir()} | {p.name for p in theirs.iterdir()}
        for file in sorted(files):
            try:
                same = (ours / file).read_bytes() == (theirs / file).read_bytes()
            except OSError:
                found.append(f"{name}/{file}: in one archive only")
                continue
            if not same:
                found.append(f"{name}/{file}: other bytes")
    return found

"""Archiving releases: the current one as it is made, past ones rebuilt from git history.

The release record names every release and its data version; the archive (`ckpld.publish.archive`)
must hold each of them. A release is archived from its publication, dated by the record, and the
release before it (already archived: releases are archived oldest first). The current data gives
the newest release; a release the archive lacks is rebuilt from git: the newest commit whose data
and vocabulary folders give that data version is checked out into a temporary folder
(`git archive`), published as it was (validated against that commit's shapes) and archived. The
same record, history, settings and ckpld version give the same bytes.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from ckpld.config import Settings
from ckpld.errors import SourceError
from ckpld.model.sources import all_files
from ckpld.publish.archive import Archive, Predecessor, archived, releases
from ckpld.publish.publication import Publication, data_graphs, publish
from ckpld.publish.record import Named
from ckpld.store.bulk import Bulk
from ckpld.store.local import LocalStore

Log = Callable[[str], None]


def archive_missing(
    settings: Settings,
    current: Publication | None,
    *,
    history: bool,
    log: Log,
    strict: bool = False,
) -> list[str]:
    """Archive the record's releases the archive lacks, oldest first.

    Args:
        settings: Where the record, the data and the archive are.
        current: The publication of the current data: it makes the release of its version
            without a look at git.
        history: Rebuild releases of other data from git history; without it, a release that
            `current` cannot make stops the archiving (and those after it wait).
        log: Told about each release archived, and why archiving stopped when it did.
        strict: A release that cannot be rebuilt from history is an error (else it is logged,
            and archiving stops there).

    Returns:
        The names of the releases archived.

    Raises:
        SourceError: with `strict`, a release is not in the history (or git cannot be read).
        DataInvalidError: a past release's data does not conform to its commit's shapes.
        OutputError: the archive cannot be written.
    """
    known = releases(settings)
    archive = Archive(settings.releases_dir)
    done: list[str] = []
    finder: _History | None = None
    for index, entry in enumerate(known.entries):
        if entry.name in known.archived:
            continue
        previous = known.entries[index - 1] if index else None
        first = known.entries[0]
        if current is not None and current.version_id == entry.version:
            made = _archive_from(current, settings, entry, first, previous, archive)
        elif history:
            try:
                finder = finder or _History(settings)
                with finder.checkout(entry) as files:
                    made = _archive_from(None, files, entry, first, previous, archive)
            except SourceError as err:
                if strict:
                    raise
                log(f"release {entry.name} and later ones are not archived: {err.detail}")
                break
        else:
            break  # a gap: later releases wait until it is rebuilt (`ckpld releases rebuild`)
        log(f"archived release {made} ({entry.version}, {entry.date.isoformat()})")
        done.append(made)
    return done


def _archive_from(
    pub: Publication | None,
    settings: Settings,
    entry: Named,
    first: Named,
    previous: Named | None,
    archive: Archive,
) -> str:
    """Archive `entry` from `pub` (if its dates are the record's) or from `settings`' files."""
    dated = pub is not None and pub.modified == entry.date and pub.issued == first.date
    own = None
    if not dated:
        issued, modified = first.date.isoformat(), entry.date.isoformat()
        own = publish(replace(settings, store="memory", issued=issued, modified=modified))
    try:
        chosen = own or pub
        assert chosen is not None
        if chosen.version_id != entry.version:
            raise SourceError(
                f"release {entry.name} is data version {entry.version}, the files give "
                f"{chosen.version_id}"
            )
        before = None
        if previous is not None:
            quads = archive.quads(previous.name, settings.dataset_id)
            before = Predecessor(previous, quads)
        built = archived(chosen.edition(), entry, before, chosen.labels)
        archive.put(entry.name, built)
    finally:
        if own is not None:
            own.store.close()
    return entry.name


class _History:
    """The repository's commits that touch the data, and the data version each gives."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = Path(_git(settings.data_dir, "rev-parse", "--show-toplevel").strip())
        self.paths = [
            self._inside(settings.data_dir),
            self._inside(settings.ontology_dir),
            self._inside(settings.shapes),
        ]
        self.versions: dict[str, str] = {}  # data version (16 hex) -> newest commit giving it
        self.commits = iter(_git(self.root, "log", "--format=%H", "--", *self.paths[:2]).split())

    def _inside(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.root.resolve()))
        except ValueError:
            raise SourceError(
                f"{path} is not in the git repository {self.root}: past releases are rebuilt "
                "from its history"
            ) from None

    def commit_of(self, version: str) -> str:
        """The newest commit whose data gives `version`.

        Raises:
            SourceError: no commit does.
        """
        while version not in self.versions:
            commit = next(self.commits, None)
            if commit is None:
                raise SourceError(
                    f"data version {version} is in no commit of {self.root}: a release is "
                    "rebuilt from the commit of its data (commit data/ after `ckpld build`)"
                )
            with self._files(commit) as settings:
                found = _data_version(settings)
            self.versions.setdefault(found, commit)
        return self.versions[version]

    @contextmanager
    def checkout(self, entry: Named) -> Iterator[Settings]:
        """Settings whose data, vocabulary and shapes are those of `entry`'s commit."""
        with self._files(self.commit_of(entry.version)) as settings:
            yield settings

    @contextmanager
    def _files(self, commit: str) -> Iterator[Settings]:
        body = _git_bytes(self.root, "archive", "--format=tar", commit, "--", *self.paths)
        with tempfile.TemporaryDirectory(prefix="ckpld-history-") as folder:
            with tarfile.open(fileobj=io.BytesIO(body)) as tar:
                tar.extractall(folder, filter="data")
            top = Path(folder)
            yield replace(
                self.settings,
                data_dir=top / self.paths[0],
                ontology_dir=top / self.paths[1],
                shapes=top / self.paths[2],
            )


def _data_version(settings: Settings) -> str:
    """The data version (16 hex digits) the files of `settings` give (as `publish` computes)."""
    store = LocalStore(settings.base_iri)
    store.load(all_files(settings))
    return Bulk.read(store, data_graphs(store), {}).digest[:16]


def _git(where: Path, *args: str) -> str:
    return _git_bytes(where, *args).decode()


def _git_bytes(where: Path, *args: str) -> bytes:
    folder = where if where.is_dir() else where.parent
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, check=False, timeout=300
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise SourceError(f"cannot run git to read past releases: {err}") from err
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        raise SourceError(
            f"git {args[0]} in {folder} failed: {reason[-1] if reason else done.returncode}"
        )
    return done.stdout

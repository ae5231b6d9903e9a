"""The release record: what it keeps, how it is read, and the dates it gives the catalogue."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ckpld.config import Settings
from ckpld.errors import OutputError, SourceError
from ckpld.publish.publication import publish
from ckpld.publish.record import RECORD_FILE, add, dates, read
from ckpld.publish.release import build
from tests.conftest import ROOT, data_copy

A, B = "0123456789abcdef", "fedcba9876543210"
T1 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
T2 = datetime(2026, 6, 7, 8, 9, 10, tzinfo=UTC)


def test_a_version_is_added_once_and_dates_come_from_the_record(tmp_path: Path) -> None:
    path = tmp_path / RECORD_FILE
    assert read(path) == [] and dates([], A) is None
    assert add(path, A + "99", T1)  # a full digest is recorded by its first 16 digits
    assert not add(path, A, T2)  # the last entry already: nothing changes
    assert add(path, B, T2)
    entries = read(path)
    assert [(e.version, e.date) for e in entries] == [(A, T1), (B, T2)]
    assert dates(entries, A) == (T1, T1) and dates(entries, B) == (T1, T2)
    assert add(path, A, datetime(2026, 9, 1, 12, 0, 0, 999, tzinfo=UTC))  # back to A: released anew
    assert dates(read(path), A) == (T1, datetime(2026, 9, 1, 12, tzinfo=UTC))
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document[0] == {"version": A, "date": "2026-01-02T03:04:05+00:00"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{", "is not JSON"),
        ('{"version": "x"}', "must be a JSON list"),
        ('[{"version": "0123"}]', "exactly a version and a date"),
        ('[{"version": "0123", "date": "2026-01-01T00:00:00Z"}]', "16 hex digits"),
        ('[{"version": "0123456789abcdef", "date": "2026-01-01"}]', "with a time zone"),
        ('[{"version": "0123456789abcdef", "date": "soon"}]', "with a time zone"),
    ],
)
def test_a_broken_record_is_named_with_its_fault(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / RECORD_FILE
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=reason):
        read(path)


def test_a_record_that_cannot_be_written_stays_as_it_was(tmp_path: Path) -> None:
    if os.geteuid() == 0:  # root writes anywhere: take the folder away instead
        path = tmp_path / "gone" / RECORD_FILE
    else:
        folder = tmp_path / "locked"
        folder.mkdir()
        add(folder / RECORD_FILE, A, T1)
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
        path = folder / RECORD_FILE
    before = path.read_bytes() if path.exists() else None
    with pytest.raises(OutputError, match="cannot write the release record"):
        add(path, B, T2)
    assert (path.read_bytes() if path.exists() else None) == before
    assert [p.name for p in path.parent.glob(".*")] == [] if path.parent.exists() else True


def test_two_clones_at_different_times_publish_the_same_catalogue(
    settings: Settings, tmp_path: Path
) -> None:
    catalogues = []
    for name, moment in (("first", 1_700_000_000), ("second", 1_800_000_000)):
        clone = data_copy(settings, tmp_path / name, moment)  # checked out at another time
        manifest = build(publish(clone).edition(), clone.dumps_dir)
        assert manifest.folder is not None
        catalogues.append((manifest.folder / "catalog.ttl").read_bytes())
    assert catalogues[0] == catalogues[1]
    recorded = read(ROOT / "data" / RECORD_FILE)[-1].date.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f'dct:modified "{recorded}"' in catalogues[0].decode()


def test_new_data_is_recorded_by_a_build_and_dated_by_the_record(
    settings: Settings, tmp_path: Path
) -> None:
    clone = replace(data_copy(settings, tmp_path / "edited"), validate_on_start=False)
    page = clone.data_dir / "page.ttl"  # changed data (not valid: this test does not validate)
    page.write_text(page.read_text(encoding="utf-8") + '\n<id/x> <https://schema.org/name> "x" .\n')
    shipped = len(read(clone.data_dir / RECORD_FILE))
    served = publish(clone)  # a server does not write the record
    assert len(read(clone.data_dir / RECORD_FILE)) == shipped
    released = publish(clone, record=True)
    entries = read(clone.data_dir / RECORD_FILE)
    assert len(entries) == shipped + 1 and entries[-1].version == released.version_id
    assert released.modified == entries[-1].date and released.issued == entries[0].date
    assert served.version_id == released.version_id
    assert publish(clone, record=True).modified == entries[-1].date  # unchanged: kept
    assert len(read(clone.data_dir / RECORD_FILE)) == shipped + 1

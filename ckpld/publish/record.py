"""The release record: every data version `ckpld build` (or `ckpld load`) released, and when.

A catalogue's `dct:issued` and `dct:modified` are facts about the data, so they are kept with the
data, in the repository (`releases.json` in the data folder), not read from file times: a fresh
clone, a touched file or another machine then announce the same dates, and harvesters that
compare dates see a change only when the data changed.

The file is a JSON list, oldest first, of `{"version": ..., "date": ...}` (16 hex digits; ISO 8601
in UTC, to the second). `ckpld build` adds an entry when the data version differs from the last
one; nothing else writes it.

Each entry is a release, and each release has a human name: the day of its date as a calendar
version (`2026.12.03`, CalVer's YYYY.0M.0D), and for a second or later release that same day,
its rank that day (`2026.12.03.2`). Names follow from the record alone, which only ever grows, so
a name once given never changes. (Dots, not hyphens: citation processors read `2026-12-03` as a
range of numbers, and would write "Versions 2026-12-03".)
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ckpld.errors import OutputError, SourceError

RECORD_FILE = "releases.json"
_VERSION = re.compile(r"[0-9a-f]{16}")


@dataclass(frozen=True)
class Entry:
    """One release: the data version and when it was released."""

    version: str
    date: datetime


@dataclass(frozen=True)
class Named:
    """A release with its human name and its place in the record (1 for the first)."""

    name: str
    number: int
    version: str
    date: datetime


def named(entries: list[Entry]) -> list[Named]:
    """The releases of the record, oldest first, each with its name."""
    seen: dict[str, int] = {}
    found: list[Named] = []
    for number, entry in enumerate(entries, 1):
        day = entry.date.strftime("%Y.%m.%d")
        seen[day] = seen.get(day, 0) + 1
        name = day if seen[day] == 1 else f"{day}.{seen[day]}"
        found.append(Named(name, number, entry.version, entry.date))
    return found


NAME = re.compile(r"\d{4}\.\d{2}\.\d{2}(\.[1-9]\d*)?")


def read(path: Path) -> list[Entry]:
    """The entries of the record at `path`, oldest first (none when there is no file).

    Raises:
        SourceError: the file cannot be read or is not a release record.
    """
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        return []
    except OSError as err:
        raise SourceError(f"{path}: cannot read the release record: {err.strerror}") from err
    except ValueError as err:
        raise SourceError(f"{path}: the release record is not JSON ({err})") from err
    if not isinstance(document, list):
        raise SourceError(f"{path}: the release record must be a JSON list")
    return [_entry(path, n, item) for n, item in enumerate(document, 1)]


def dates(entries: list[Entry], version: str) -> tuple[datetime, datetime] | None:
    """(issued, modified) of `version`: when the first release was made, and when this version
    was last released; None when the record does not know `version`."""
    released = [e.date for e in entries if e.version == version[:16]]
    if not released:
        return None
    return entries[0].date, released[-1]


def add(path: Path, version: str, when: datetime | None = None) -> bool:
    """Record `version` as released at `when` (default: now) unless it is the last entry's.

    Returns:
        Whether the record changed.

    Raises:
        SourceError: the existing record is unreadable.
        OutputError: the record cannot be written (it is left as it was).
    """
    entries = read(path)
    if entries and entries[-1].version == version[:16]:
        return False
    moment = (when or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    document = [*(_json(e) for e in entries), _json(Entry(version[:16], moment))]
    body = (json.dumps(document, indent=2) + "\n").encode()
    name = ""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{RECORD_FILE}.", dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(name, 0o644)
        os.replace(name, path)  # readers see the old record or the new one, never half of it
    except OSError as err:
        if name:
            Path(name).unlink(missing_ok=True)
        raise OutputError(f"cannot write the release record {path}: {err.strerror}") from err
    return True


def _entry(path: Path, number: int, item: object) -> Entry:
    where = f"{path}: entry {number}"
    if not isinstance(item, dict) or set(item) != {"version", "date"}:
        raise SourceError(f"{where} must have exactly a version and a date")
    version, date = item["version"], item["date"]
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        raise SourceError(f"{where}: the version must be 16 hex digits")
    try:
        moment = datetime.fromisoformat(date) if isinstance(date, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise SourceError(f"{where}: the date must be ISO 8601 with a time zone")
    return Entry(version, moment.astimezone(UTC))


def _json(entry: Entry) -> dict[str, str]:
    return {"version": entry.version, "date": entry.date.isoformat()}

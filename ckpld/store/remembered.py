"""A store whose answers to ckpld's own SELECT queries are kept on disk, per data version.

What the catalogue says of the data (its languages, countries, years, source pages) takes full
scans of the store; on unchanged data the answers are the same, so a start reads them back from
`cache_dir` instead (as SPARQL results JSON: data, never code). Client queries (with a timeout,
or naming a dataset) always go to the store.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from ckpld.store import QueryResult, Store, Write
from ckpld.store.local import query_result
from ckpld.store.query_text import QueryText
from ckpld.store.results import results_json


class Remembered:
    """`store`, with the answers of internal SELECTs kept in `folder` under `key`."""

    def __init__(self, store: Store, folder: Path, key: str) -> None:
        self._store = store
        self._folder = folder
        self._key = key

    @property
    def default_graphs(self) -> tuple[str, ...]:
        """The store's (see `ckpld.store.Store`)."""
        return self._store.default_graphs

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        timeout: float | None = None,
        limit: int | None = None,
        write: Write | None = None,
        reading: QueryText | None = None,
    ) -> QueryResult:
        """See `ckpld.store.Store.query`; kept when an internal SELECT (no timeout, dataset,
        limit or writer)."""
        if timeout is not None or default_graphs or named_graphs or limit is not None or write:
            return self._store.query(
                sparql,
                default_graphs=default_graphs,
                named_graphs=named_graphs,
                reading=reading,
                timeout=timeout,
                limit=limit,
                write=write,
            )
        digest = hashlib.sha256(f"{self._key}\n{sparql}".encode()).hexdigest()[:32]
        path = self._folder / f"{digest}.srj"
        with contextlib.suppress(OSError, SyntaxError, ValueError):
            parsed = ox.parse_query_results(path.read_bytes(), format=ox.QueryResultsFormat.JSON)
            if isinstance(parsed, ox.QuerySolutions):
                return query_result(parsed, None)
        answer = self._store.query(sparql)
        if answer.kind == "solutions":
            keep(path, json.dumps(results_json(answer)).encode())
        return answer

    def dump(self, graph: str) -> bytes:
        """See `ckpld.store.Store.dump`."""
        return self._store.dump(graph)

    def warm(self) -> None:
        """See `ckpld.store.Store.warm`."""
        self._store.warm()

    def rest(self) -> None:
        """See `ckpld.store.Store.rest`."""
        self._store.rest()

    def close(self) -> None:
        """Nothing of its own to release (the store is not closed)."""


T = TypeVar("T")


def remembered(path: Path, make: Callable[[], T], encode: Callable[[T], bytes],
               decode: Callable[[bytes], T]) -> T:  # fmt: skip
    """The value kept in `path` (read with `decode`), or `make()`'s, then kept there (written
    with `encode`). A file that cannot be read or decoded is made again; one that cannot be
    written only costs making it again next time."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        return decode(path.read_bytes())
    value = make()
    keep(path, encode(value))
    return value


def keep(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all (best effort: a read-only folder is skipped)."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        temporary.replace(path)

"""The publication: built once per data version; context, labels and caches complete."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from ckpld.config import Settings
from ckpld.errors import DataInvalidError
from ckpld.lru import LRU
from ckpld.model.report import Report
from ckpld.model.sources import Dataset
from ckpld.model.validation import validate
from ckpld.publish.publication import Publication, publish
from ckpld.store.bulk import Bulk
from tests.conftest import ROOT
from tests.terms import value_of


@pytest.fixture(scope="module")
def publication(settings: Settings) -> Publication:
    return publish(settings)


def used_terms(dataset: Dataset) -> tuple[set[str], set[str]]:
    predicates = {q.predicate.value for q in dataset.quads}
    classes = {
        q.object.value
        for q in dataset.quads
        if q.predicate.value.endswith("22-rdf-syntax-ns#type")
        and isinstance(q.object, ox.NamedNode)
    }
    return predicates, classes


def expand(term: str, context: dict[str, str | dict[str, str]]) -> str:
    prefix, _, local = term.partition(":")
    namespace = context[prefix]
    assert isinstance(namespace, str)
    return namespace + local


def test_the_context_has_a_short_key_for_every_term_in_use(
    publication: Publication, dataset: Dataset
) -> None:
    context = publication.context
    mapped = {
        expand(v if isinstance(v, str) else v["@id"], context)
        for k, v in context.items()
        if not k.startswith("@")
        and (not isinstance(v, str) or ":" in v)
        and (isinstance(v, dict) or not v.startswith("http"))
    }
    predicates, classes = used_terms(dataset)
    predicates.discard("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")  # "type"
    assert sorted(predicates - mapped) == []
    assert sorted(classes - mapped) == []


def test_every_term_in_use_has_labels_in_both_languages(
    publication: Publication, dataset: Dataset
) -> None:
    predicates, classes = used_terms(dataset)
    missing = [
        t for t in sorted(predicates | classes) if set(publication.labels.get(t, {})) < {"pl", "en"}
    ]
    assert missing == []


def test_version_follows_the_content_not_the_files(
    settings: Settings, publication: Publication, dataset: Dataset
) -> None:
    quads = list(dataset.quads)
    assert Bulk.of(quads, {}).digest == publication.version
    assert Bulk.of(quads[::-1], {}).digest == publication.version
    last = quads[-1]
    changed = [*quads[:-1], ox.Quad(last.subject, last.predicate, ox.Literal("x"), last.graph_name)]
    assert Bulk.of(changed, {}).digest != publication.version


def test_modified_comes_from_the_setting_or_the_files(settings: Settings) -> None:
    fixed = publish(replace(settings, modified="2026-03-01T12:00:00", validate_on_start=False))
    assert fixed.modified == datetime(2026, 3, 1, 12, tzinfo=UTC)
    newest = max((ROOT / "data").glob("*.ttl"), key=lambda p: p.stat().st_mtime)
    from_files = publish(replace(settings, validate_on_start=False))
    assert from_files.modified.timestamp() >= int(newest.stat().st_mtime) - 1


def test_dataset_description_counts_from_the_store(publication: Publication) -> None:
    answer = publication.store.query(
        "SELECT ?n WHERE { GRAPH ?g { ?d <http://rdfs.org/ns/void#triples> ?n ; a "
        "<http://rdfs.org/ns/void#Dataset> ; <http://purl.org/dc/terms/publisher> ?p } }"
    )
    counts = {int(value_of(row[0])) for row in answer.rows}
    assert publication.statistics.triples in counts


def test_lru_keeps_the_newest_entries() -> None:
    cache: LRU[int] = LRU(2)
    made: list[int] = []

    def make(value: int) -> Callable[[], int]:
        def build() -> int:
            made.append(value)
            return value

        return build

    assert cache.get(("a",), make(1)) == 1
    assert cache.get(("b",), make(2)) == 2
    assert cache.get(("a",), make(9)) == 1  # hit, and now most recent
    assert cache.get(("c",), make(3)) == 3  # evicts b
    assert cache.get(("b",), make(4)) == 4
    assert made == [1, 2, 3, 4]
    nothing: LRU[int] = LRU(0)
    assert nothing.get(("a",), make(5)) == 5 and nothing.get(("a",), make(6)) == 6


def test_context_file_is_plain_json() -> None:
    document = json.loads((ROOT / "ontology" / "jsonld-context.json").read_text(encoding="utf-8"))
    assert set(document) == {"@context"}


def test_unchanged_data_is_not_validated_twice(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ckpld.publish import publication as module

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    own = replace(settings, data_dir=data, source_dir=data / "source", cache_dir=tmp_path / "cache")
    calls: list[int] = []
    real = validate  # the function ckpld.publish.publication calls

    def counting(*args: Any, **kwargs: Any) -> Report:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "validate", counting)
    publish(own)
    publish(own)
    assert len(calls) == 1  # the second start trusted the first verdict
    page = data / "page.ttl"
    page.write_text(page.read_text(encoding="utf-8") + '\n<id/x> <https://schema.org/name> "x" .\n')
    with pytest.raises(DataInvalidError):  # changed data is validated again (and fails)
        publish(own)
    assert len(calls) == 2
    with pytest.raises(DataInvalidError):  # failures are never remembered
        publish(own)
    assert len(calls) == 3


def test_lru_keeps_within_a_byte_budget() -> None:
    cache: LRU[bytes] = LRU(100, max_bytes=10, weigh=len)
    for key in "abc":
        cache.put((key,), b"xxxx")  # 4 bytes each: the third pushes out the first
    assert cache.peek(("a",)) is None and cache.peek(("b",)) == b"xxxx" and cache.bytes == 8
    cache.put(("b",), b"xx")  # replaced: counted once, at its new weight
    assert cache.bytes == 6
    cache.put(("huge",), b"x" * 11)  # heavier than the whole budget: not kept, nothing dropped
    assert cache.peek(("huge",)) is None and cache.bytes == 6


def test_lru_makes_a_value_once_for_requests_that_want_it_at_once() -> None:
    cache: LRU[str] = LRU(10)
    made: list[str] = []
    started = threading.Event()

    def slow() -> str:
        made.append("x")
        started.set()
        time.sleep(0.3)
        return "value"

    got: list[str] = []
    first = threading.Thread(target=lambda: got.append(cache.get(("k",), slow)))
    first.start()
    started.wait(5)
    others = [
        threading.Thread(target=lambda: got.append(cache.get(("k",), slow))) for _ in range(3)
    ]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join()
    assert got == ["value"] * 4 and made == ["x"]  # made once, waited for by the others


def test_lru_a_failed_making_lets_the_next_request_try() -> None:
    cache: LRU[str] = LRU(10)

    def fail() -> str:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        cache.get(("k",), fail)
    assert cache.get(("k",), lambda: "now") == "now"

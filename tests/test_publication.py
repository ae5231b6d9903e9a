"""The publication: built once per data version; context, labels and caches complete."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from ckpld.config import Settings
from ckpld.errors import DataInvalidError
from ckpld.model.report import Report
from ckpld.model.sources import Dataset, vocabulary_files
from ckpld.model.validation import validate
from ckpld.publish.publication import Publication, publish
from ckpld.publish.record import RECORD_FILE
from ckpld.publish.record import read as read_record
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


def test_dates_come_from_the_settings_the_record_or_the_files(
    settings: Settings, tmp_path: Path
) -> None:
    fixed = publish(
        replace(settings, modified="2026-03-01T12:00:00", issued="2025-01-01T00:00:00Z")
    )
    assert fixed.modified == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert fixed.issued == datetime(2025, 1, 1, tzinfo=UTC)
    recorded = publish(settings)  # the shipped data is in the shipped record
    entry = read_record(ROOT / "data" / RECORD_FILE)[-1]
    assert entry.version == recorded.version_id and recorded.modified == entry.date
    data = tmp_path / "data"  # a copy without its record: dated by its newest file
    shutil.copytree(ROOT / "data", data)
    (data / RECORD_FILE).unlink()
    os.utime(data / "page.ttl", (1_750_000_000, 1_750_000_000))
    os.utime(data / "enrichment.ttl", (1_760_000_000, 1_760_000_000))
    own = replace(
        settings,
        data_dir=data,
        source_dir=data / "source",
        dumps_dir=tmp_path / "dumps",
        cache_dir=tmp_path / "cache",
    )
    from_files = publish(own)
    # the vocabulary files are part of the data version (the shapes are not)
    vocabulary = max(int(f.path.stat().st_mtime) for f in vocabulary_files(own))
    newest = datetime.fromtimestamp(max(1_760_000_000, vocabulary), UTC)
    assert from_files.modified == from_files.issued == newest


def test_dataset_description_counts_from_the_store(publication: Publication) -> None:
    answer = publication.store.query(
        "SELECT ?n WHERE { GRAPH ?g { ?d <http://rdfs.org/ns/void#triples> ?n ; a "
        "<http://rdfs.org/ns/void#Dataset> ; <http://purl.org/dc/terms/publisher> ?p } }"
    )
    counts = {int(value_of(row[0])) for row in answer.rows}
    assert publication.statistics.triples in counts


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

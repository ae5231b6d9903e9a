"""Releases: every dump is the served dataset, byte-identical when rebuilt, rebuilt when due."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from ckpld.config import Settings
from ckpld.publish.archive import Archive, compare_archives
from ckpld.publish.dumps import CATALOG_FILE, CURRENT, DATA_DUMPS, SUMS_FILE, VOID_FILE, Dump
from ckpld.publish.publication import Publication, publish
from ckpld.publish.release import dataset_quads
from ckpld.store.documents import graph_quads
from tests.conftest import ROOT

RDFLIB = {
    "turtle": "turtle",
    "ntriples": "nt",
    "jsonld": "json-ld",
    "trig": "trig",
    "nquads": "nquads",
}


@pytest.fixture(scope="module")
def released(settings: Settings) -> Publication:
    pub = publish(settings)
    pub.release()
    return pub


def dump_bytes(pub: Publication, suffix: str) -> bytes:
    assert pub.manifest is not None and pub.manifest.folder is not None
    body = (pub.manifest.folder / f"{pub.settings.dataset_id}.{suffix}").read_bytes()
    return gzip.decompress(body) if suffix.endswith(".gz") else body


@pytest.mark.parametrize("dump", DATA_DUMPS, ids=lambda d: d.suffix)
def test_every_dump_is_the_served_dataset(released: Publication, dump: Dump) -> None:
    served = dataset_quads(released.store)
    body = dump_bytes(released, dump.suffix)
    assert dump.format.rdf is not None
    parsed = list(ox.parse(body, format=dump.format.rdf))
    if dump.format.kind.name == "DATASET":  # named graphs kept
        assert set(parsed) == set(served)
    else:
        assert {ox.Triple(q.subject, q.predicate, q.object) for q in parsed} == {
            ox.Triple(q.subject, q.predicate, q.object) for q in served
        }
    # rdflib (the other parser harvesters use) reads it too, without fetching anything
    graph = rdflib.Dataset(default_union=True)
    graph.parse(data=body, format=RDFLIB[dump.format.name])
    triples = {(q.subject, q.predicate, q.object) for q in served}
    assert len(set(graph.triples((None, None, None)))) == len(triples)


def test_catalogue_and_void_files_match_the_store(released: Publication) -> None:
    assert released.manifest is not None and released.manifest.folder is not None
    folder = released.manifest.folder
    base = released.settings.base_iri
    catalog = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse((folder / CATALOG_FILE).read_bytes(), format=ox.RdfFormat.TURTLE)
    }
    assert catalog == set(released.catalogue) and len(catalog) > 100
    # The SPARQL store holds the same statements (Oxigraph writes xsd:nonNegativeInteger as
    # xsd:integer, oxigraph/oxigraph#526: compare values).
    in_store = graph_quads(released.store, base + "graph/catalog")
    assert len(in_store) == len(catalog)
    void = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse((folder / VOID_FILE).read_bytes(), format=ox.RdfFormat.TURTLE)
    }
    version = ox.Triple(
        ox.NamedNode(released.settings.dataset_iri),
        ox.NamedNode("http://www.w3.org/2002/07/owl#versionInfo"),
        ox.Literal(released.version_id),
    )
    assert version in void  # the version, recorded in the release's VoID file
    # the dumps hold the data alone: the VoID description and the catalogue are files of their own
    dumped = ox.parse(dump_bytes(released, "trig"), format=ox.RdfFormat.TRIG)
    assert not any(q.subject == version.subject for q in dumped)


def test_checksum_file_verifies_with_sha256sum(released: Publication) -> None:
    assert released.manifest is not None and released.manifest.folder is not None
    check = subprocess.run(
        ["sha256sum", "--check", "--strict", SUMS_FILE],
        cwd=released.manifest.folder,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == len(released.manifest.files) - 1  # all but itself


def test_builds_are_byte_identical_across_processes(tmp_path: Path) -> None:
    # Two `ckpld build` runs, with different hash seeds (set order differs), give the same bytes.
    outs = []
    for seed in ("1", "2"):
        environment = {k: v for k, v in os.environ.items() if not k.startswith("CKPLD_")}
        environment["CKPLD_CACHE_DIR"] = str(tmp_path / f"cache-{seed}")
        environment["CKPLD_RELEASES_DIR"] = str(tmp_path / f"releases-{seed}")
        environment["PYTHONHASHSEED"] = seed
        out = tmp_path / seed
        done = subprocess.run(
            [sys.executable, "-m", "ckpld", "build", "--out", str(out)],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[-1].startswith("ckpld: release ")
        outs.append(out / CURRENT)
    names = sorted(p.name for p in outs[0].iterdir())
    assert names == sorted(p.name for p in outs[1].iterdir()) and len(names) == 9
    for name in names:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    # and so is the archive of every release, rebuilt from git history each time
    archived = sorted(Archive(tmp_path / "releases-1").names())
    assert archived and archived == sorted(Archive(tmp_path / "releases-2").names())
    assert compare_archives(tmp_path / "releases-1", tmp_path / "releases-2", archived) == []


def test_start_up_reuses_an_up_to_date_release(settings: Settings, tmp_path: Path) -> None:
    own = replace(settings, dumps_dir=tmp_path, validate_on_start=False)
    first = publish(own).release()
    again = publish(own).release()
    assert again.folder == first.folder  # nothing rebuilt
    retitled = publish(replace(own, title_en="Another title")).release()
    assert retitled.folder != first.folder and retitled.key != first.key
    assert first.folder is not None and first.folder.exists()  # the previous release is kept


def test_modified_survives_touching_unchanged_files(settings: Settings, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    own = replace(
        settings,
        data_dir=data,
        source_dir=data / "source",
        dumps_dir=tmp_path / "dumps",
        validate_on_start=False,
    )
    first = publish(own)
    first.release()
    later = first.modified.timestamp() + 86400
    for path in data.glob("*.ttl"):
        os.utime(path, (later, later))
    assert publish(own).modified == first.modified  # same data: same version, same date
    page = data / "page.ttl"
    page.write_text(page.read_text(encoding="utf-8") + "\n# a comment changes no triple\n")
    os.utime(page, (later, later))
    assert publish(own).modified == first.modified

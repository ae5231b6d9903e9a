"""The cookbook's queries name the base IRI, so that they run unchanged on other engines."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from ckpld.config import Settings
from ckpld.publish.cookbook import read_cookbook
from ckpld.publish.publication import Publication
from tests.conftest import ROOT

SHIPPED = "https://dane.ckpodgorza.pl/"
BASE_LINE = re.compile(r"^BASE <([^>]*)>$", re.MULTILINE)


def test_every_file_names_the_shipped_base() -> None:
    for path in sorted((ROOT / "queries").glob("*.rq")):
        assert BASE_LINE.findall(path.read_text(encoding="utf-8")) == [SHIPPED], path.name


def test_a_server_with_another_base_serves_its_own() -> None:
    shipped = read_cookbook(ROOT / "queries", SHIPPED)
    other = read_cookbook(ROOT / "queries", "http://mirror.example/ckp/")
    assert shipped.keys() == other.keys() and len(shipped) > 10
    for name, recipe in other.items():
        assert BASE_LINE.findall(recipe.text) == ["http://mirror.example/ckp/"]
        assert recipe.text.replace("http://mirror.example/ckp/", SHIPPED) == shipped[name].text
        assert recipe.question_en == shipped[name].question_en


def test_a_query_without_a_base_line_gets_one_after_its_comments(tmp_path: Path) -> None:
    (tmp_path / "mine.rq").write_text(
        "# pl: Pytanie?\n# en: Question?\nPREFIX ckp: <def/ckp#>\nSELECT * WHERE { ?s a ckp:X }\n",
        encoding="utf-8",
    )
    (recipe,) = read_cookbook(tmp_path, SHIPPED).values()
    assert recipe.text.splitlines()[2] == f"BASE <{SHIPPED}>"
    assert recipe.text.splitlines()[3] == "PREFIX ckp: <def/ckp#>"


@pytest.fixture(scope="module")
def dump(released: Publication) -> rdflib.Dataset:
    """The TriG dump, read by rdflib with its default graph the union of the named graphs."""
    assert released.manifest is not None and released.manifest.folder is not None
    trig = released.manifest.folder / f"{released.settings.dataset_id}.trig"
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(trig, format="trig")
    return dataset


@pytest.fixture(scope="module")
def released(settings: Settings) -> Publication:
    from ckpld.publish.publication import publish

    pub = publish(settings)
    pub.release()
    return pub


def _value(term: object) -> str:
    assert isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal), term
    return term.value


def _rows(rows: object) -> list[tuple[str, ...]]:
    return [tuple("" if v is None else str(v) for v in row) for row in rows]  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "queries").glob("*.rq")))
def test_each_query_gives_rdflib_over_the_dump_the_endpoint_s_answer(
    released: Publication, dump: rdflib.Dataset, name: str
) -> None:
    text = (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")  # the file, unchanged
    theirs = _rows(dump.query(text))
    ours = released.store.query(released.cookbook[name].text)
    if ours.kind == "graph":  # CONSTRUCT: the same statements
        graph = dump.query(text).graph
        assert graph is not None
        assert {tuple(str(x) for x in t) for t in graph} == {
            (_value(t.subject), t.predicate.value, _value(t.object)) for t in ours.triples
        }, name
        return
    mine = _rows([[None if t is None else _value(t) for t in row] for row in ours.rows])
    assert theirs, name  # rdflib does not silently find nothing
    ordered = "ORDER BY" in text.upper()
    assert (theirs if ordered else sorted(theirs)) == (mine if ordered else sorted(mine)), name

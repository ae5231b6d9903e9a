"""Source files: which file makes which graph, parsing with positions, archived texts."""

from __future__ import annotations

import socket
from pathlib import Path

import pyoxigraph as ox
import pytest

from ckpld.config import Settings
from ckpld.errors import DataSyntaxError, SourceError
from ckpld.model.sources import Role, archived_text, data_files, load, read_shapes, vocabulary_files
from tests.conftest import ROOT
from tests.terms import value_of


def test_each_data_file_is_a_named_graph(settings: Settings) -> None:
    graphs = {f.path.name: f.graph for f in data_files(settings)}
    assert graphs == {
        "enrichment.ttl": settings.graph_iri("enrichment"),
        "page.ttl": settings.graph_iri("page"),
    }


def test_vocabulary_is_every_ontology_file_but_the_shapes(settings: Settings) -> None:
    files = {f.path.name for f in vocabulary_files(settings)}
    assert files == {"ckp.ttl", "concepts.ttl"}
    assert {f.graph for f in vocabulary_files(settings)} == {settings.graph_iri("vocabulary")}


def test_roles_come_from_graph_names(settings: Settings) -> None:
    dataset = load(settings)
    assert dataset.graphs(Role.SOURCE) == [settings.graph_iri("page")]
    assert dataset.graphs(Role.ENRICHMENT) == [settings.graph_iri("enrichment")]
    assert dataset.graphs(Role.VOCABULARY) == [settings.graph_iri("vocabulary")]


def test_dataset_files_keep_their_own_graphs(settings: Settings, tmp_path: Path) -> None:
    trig = tmp_path / "extra.trig"
    trig.write_text(
        '<graph/other> { <id/x> <id/p> "in a graph" }\n<id/x> <id/p> "default" .\n',
        encoding="utf-8",
    )
    quads = load(settings, [trig]).quads
    graphs = {value_of(q.graph_name) for q in quads if value_of(q.subject).endswith("/id/x")}
    assert graphs == {settings.graph_iri("other"), settings.graph_iri("extra")}


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        ("turtle.ttl", '@prefix s: <https://schema.org/> .\n\n<a> s:name "open\n', 3),
        ("triples.nt", "<http://a> <http://b> <http://c> .\n<http://a> <http://b> .\n", 2),
        (
            "page.rdf",
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
            '22-rdf-syntax-ns#">\n<rdf:Description rdf:about="x">\n</rdf:RDF>\n',
            4,
        ),
    ],
)
def test_syntax_errors_say_file_and_line(
    settings: Settings, tmp_path: Path, name: str, content: str, line: int
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataSyntaxError) as caught:
        load(settings, [path])
    assert caught.value.line == line
    assert str(caught.value.path).endswith(name)
    assert caught.value.detail.startswith(f"{caught.value.path}:{line}:")


def test_json_ld_remote_contexts_are_never_fetched(settings: Settings, tmp_path: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    data = tmp_path / "remote.jsonld"
    data.write_text(
        f'{{"@context": "http://127.0.0.1:{port}/context.jsonld", '
        f'"@id": "http://example.org/a", "name": "A"}}',
        encoding="utf-8",
    )
    with pytest.raises(DataSyntaxError, match="remote context"):
        load(settings, [data])
    with pytest.raises(TimeoutError):
        listener.accept()  # nobody came to fetch it
    listener.close()


def test_unreadable_inputs(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file or folder"):
        load(settings, [tmp_path / "absent.ttl"])
    other = tmp_path / "notes.txt"
    other.write_text("hello", encoding="utf-8")
    with pytest.raises(SourceError, match="unknown suffix"):
        load(settings, [other])
    latin = tmp_path / "latin.ttl"
    latin.write_bytes('<http://a> <http://b> "zażółć" .'.encode("iso-8859-2"))
    with pytest.raises((SourceError, DataSyntaxError)):
        load(settings, [latin])


def test_missing_ontology_or_shapes(tmp_path: Path) -> None:
    settings = Settings.from_mapping(
        {"ontology_dir": str(tmp_path / "none"), "shapes": str(tmp_path / "none.ttl")}, ROOT
    )
    with pytest.raises(SourceError, match="setting ontology_dir"):
        load(settings)
    with pytest.raises(SourceError, match="setting shapes"):
        read_shapes(settings)


def test_archived_text_is_only_read_from_the_source_folder(settings: Settings) -> None:
    base = settings.base_iri
    text = archived_text(settings, base + "source/instytucje-partnerskie.txt")
    assert text is not None and text.startswith("Instytucje partnerskie")
    for iri in [
        base + "source/../page.ttl",
        base + "source/absent.txt",
        base + "source/",
        "https://elsewhere.example/source/instytucje-partnerskie.txt",
        base + "source/.hidden",
    ]:
        assert archived_text(settings, iri) is None, iri


def test_shapes_get_the_ckp_prefix_from_the_base(settings: Settings) -> None:
    shapes = read_shapes(settings)
    declared = {str(o) for o in shapes.objects(None, None) if str(o).endswith("def/ckp#")}
    assert declared == {settings.base_iri + "def/ckp#"}


def test_triples_union_keeps_each_triple_once(settings: Settings) -> None:
    dataset = load(settings)
    triples = dataset.triples()
    assert len(triples) == len(set(triples))
    assert all(isinstance(t, ox.Triple) for t in triples)


def test_a_missing_data_folder_names_its_setting(tmp_path: Path) -> None:
    settings = Settings.from_mapping({}, tmp_path)  # nothing here: no data/
    with pytest.raises(SourceError, match="setting data_dir") as caught:
        data_files(settings)
    assert "CKPLD_DATA_DIR" in caught.value.detail
    with pytest.raises(SourceError, match=r"no such file or folder$"):  # a path given by hand
        data_files(settings, [tmp_path / "nothing.ttl"])

"""The dataset's source files: which file makes which named graph; parsing with positions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from xml.etree import ElementTree

import pyoxigraph as ox
import rdflib

from ckpld.config import Settings
from ckpld.errors import DataSyntaxError, SourceError
from ckpld.rdf.formats import Format, Kind, by_suffix
from ckpld.rdf.rdflib_terms import to_rdflib

VOCABULARY = "vocabulary"
ENRICHMENT = "enrichment"


class Role(Enum):
    """What a named graph holds; the dataset rules differ by role."""

    SOURCE = "source"  # facts stated by a source page, each node with its quotes
    ENRICHMENT = "enrichment"  # identifiers, native names, translations, inferences, with evidence
    VOCABULARY = "vocabulary"  # ckpld's own terms and code lists


@dataclass(frozen=True)
class SourceFile:
    """One file of the dataset and the named graph its triples go into (quads keep their own)."""

    path: Path
    format: Format
    graph: str


@dataclass(frozen=True)
class Dataset:
    """The parsed dataset: its files and all their quads, each in a named graph."""

    settings: Settings
    files: tuple[SourceFile, ...]
    quads: tuple[ox.Quad, ...]

    def graphs(self, role: Role | None = None) -> list[str]:
        """IRIs of the named graphs present, optionally only those of one role, sorted."""
        names = {q.graph_name.value for q in self.quads if isinstance(q.graph_name, ox.NamedNode)}
        return sorted(g for g in names if role is None or self.role(g) is role)

    def role(self, graph: str) -> Role:
        """The role of a named graph, from its name (see docs/data.md, "named graphs")."""
        if graph == self.settings.graph_iri(VOCABULARY):
            return Role.VOCABULARY
        if graph == self.settings.graph_iri(ENRICHMENT):
            return Role.ENRICHMENT
        return Role.SOURCE

    def triples(self) -> list[ox.Triple]:
        """The union of all graphs as triples (duplicates across graphs kept once)."""
        return list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in self.quads))


def data_files(settings: Settings, paths: Sequence[Path] = ()) -> list[SourceFile]:
    """The data files: the given files and folders, or every RDF file in `settings.data_dir`."""
    found: list[Path] = []
    for path in paths or [settings.data_dir]:
        if path.is_dir():
            found.extend(p for p in sorted(path.iterdir()) if p.is_file() and _format(p))
        elif path.is_file():
            if _format(path) is None:
                raise SourceError(f"{path}: not an RDF file ckpld can read (unknown suffix)")
            found.append(path)
        elif paths:
            raise SourceError(f"{path}: no such file or folder")
        else:
            raise SourceError(
                f"{path}: no such folder (setting data_dir: where the data files are; "
                "CKPLD_DATA_DIR, or data_dir in ckpld.toml)"
            )
    return [_source(settings, p, p.stem) for p in found]


def vocabulary_files(settings: Settings) -> list[SourceFile]:
    """The vocabulary files: every RDF file in `settings.ontology_dir` except the shapes."""
    folder = settings.ontology_dir
    if not folder.is_dir():
        raise SourceError(f"{folder}: no such folder (setting ontology_dir)")
    shapes = settings.shapes.resolve()
    return [
        _source(settings, p, VOCABULARY)
        for p in sorted(folder.iterdir())
        if p.is_file() and _format(p) and p.resolve() != shapes
    ]


def all_files(settings: Settings, paths: Sequence[Path] = ()) -> list[SourceFile]:
    """The data files (or `paths`), then the vocabulary files."""
    return [*data_files(settings, paths), *vocabulary_files(settings)]


def load(settings: Settings, paths: Sequence[Path] = ()) -> Dataset:
    """Parse the data files (or `paths`) and the vocabulary into one dataset.

    Raises:
        SourceError: a file or folder is missing or unreadable.
        DataSyntaxError: a file does not parse (the error says where).
    """
    files = all_files(settings, paths)
    quads: list[ox.Quad] = []
    for source in files:
        quads.extend(parse(source, settings.base_iri))
    return Dataset(settings, tuple(files), tuple(quads))


def load_into(
    store: ox.Store, files: Sequence[SourceFile], base_iri: str, bulk: bool = False
) -> None:
    """Parse `files` straight into `store`, each file's triples in its named graph: Oxigraph's
    parser end to end, with no Python object per statement (what `load` makes, at scale).
    `bulk`: Oxigraph's bulk loader (for a new store on disk: not transactional, much faster).

    Raises:
        SourceError: a file is unreadable.
        DataSyntaxError: a file does not parse (the error says where).
    """
    for source in files:
        assert source.format.rdf is not None
        if source.format.kind is Kind.DATASET:  # its quads keep their graphs: `parse` sorts it
            store.extend(parse(source, base_iri))
            continue
        try:
            (store.bulk_load if bulk else store.load)(
                path=source.path,
                format=source.format.rdf,
                base_iri=base_iri,
                to_graph=ox.NamedNode(source.graph),
            )
        except SyntaxError:
            parse(source, base_iri)  # raises the error with its position
            raise
        except (OSError, UnicodeDecodeError) as err:
            raise SourceError(f"{_shown(source.path)}: cannot read: {err}") from err


def parse(source: SourceFile, base_iri: str) -> list[ox.Quad]:
    """The quads of one file; triples outside a named graph go into `source.graph`."""
    graph = ox.NamedNode(source.graph)
    assert source.format.rdf is not None
    try:
        with source.path.open("rb") as handle:
            parsed = ox.parse(handle, source.format.rdf, base_iri=base_iri, rename_blank_nodes=True)
            return [_in_graph(item, graph) for item in parsed]
    except SyntaxError as err:
        line, column = _position(err)
        if line is None and source.format.rdf == ox.RdfFormat.RDF_XML:
            line, column = _xml_position(source.path)
        message = err.msg.split(": ", 1)[-1] if err.lineno else str(err)
        raise DataSyntaxError(_shown(source.path), line, column, message) from err
    except (OSError, UnicodeDecodeError) as err:
        raise SourceError(f"{_shown(source.path)}: cannot read: {err}") from err


def read_shapes(settings: Settings) -> rdflib.Graph:
    """The SHACL shapes as an rdflib graph, with the `ckp` SPARQL prefix declared from the base."""
    fmt = _format(settings.shapes)
    if fmt is None or not settings.shapes.is_file():
        raise SourceError(f"{settings.shapes}: no such shapes file (setting shapes)")
    quads = parse(SourceFile(settings.shapes, fmt, settings.graph_iri("shapes")), settings.base_iri)
    graph = to_rdflib(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    declaration = rdflib.BNode()
    graph.add((rdflib.URIRef(settings.base_iri + "def/shapes"), sh.declare, declaration))
    graph.add((declaration, sh.prefix, rdflib.Literal("ckp")))
    namespace = rdflib.Literal(settings.base_iri + "def/ckp#", datatype=rdflib.XSD.anyURI)
    graph.add((declaration, sh.namespace, namespace))
    return graph


def archived_text(settings: Settings, iri: str) -> str | None:
    """The text of the archived source published at `iri` ({base}source/…), or None if absent."""
    prefix = settings.base_iri + "source/"
    name = iri[len(prefix) :] if iri.startswith(prefix) else ""
    path = settings.source_dir / name
    if not name or "/" in name or name.startswith("."):
        return None
    try:
        if not path.is_file():
            return None
    except OSError:  # a name too long for the file system
        return None
    return path.read_text(encoding="utf-8")


def _source(settings: Settings, path: Path, graph_name: str) -> SourceFile:
    fmt = _format(path)
    assert fmt is not None
    return SourceFile(path, fmt, settings.graph_iri(graph_name))


def _format(path: Path) -> Format | None:
    fmt = by_suffix(path.suffix.lstrip("."))
    return fmt if fmt and fmt.kind in (Kind.GRAPH, Kind.DATASET) else None


def _in_graph(item: ox.Quad | ox.Triple, graph: ox.NamedNode) -> ox.Quad:
    if isinstance(item, ox.Quad) and not isinstance(item.graph_name, ox.DefaultGraph):
        return item
    return ox.Quad(item.subject, item.predicate, item.object, graph)


def _position(err: SyntaxError) -> tuple[int | None, int | None]:
    return (err.lineno, err.offset) if err.lineno else (None, None)


def _xml_position(path: Path) -> tuple[int | None, int | None]:
    """Where an XML file stops being well-formed (pyoxigraph does not say), if it does."""
    try:
        ElementTree.parse(path)
    except ElementTree.ParseError as err:
        line, column = err.position
        return line, column + 1
    return None, None


def _shown(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path

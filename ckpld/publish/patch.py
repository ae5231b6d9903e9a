"""What changed between two releases: statements added and removed per graph, as an RDF Patch.

RDF Patch (https://afs.github.io/rdf-patch/) is a line format: headers (`H id <…> .`,
`H prev <…> .`), then one transaction (`TX .` … `TC .`) of deletions (`D s p o g .`) and additions
(`A s p o g .`), each term written as in N-Quads. Applying a release's patch to the previous
release's statements gives this release's statements. Both sides are compared as sets of quads
(the data has no blank nodes, so a statement is the same statement in every release), and lines
are sorted, so the same two releases always give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ckpld.errors import DataSyntaxError

PATCH_FILE = "changes.rdfp"
PATCH_MEDIA_TYPE = "application/rdf-patch"


@dataclass(frozen=True)
class Difference:
    """Statements in the new release and not the old (`added`), and the reverse (`removed`),
    each sorted by its N-Quads line."""

    added: tuple[ox.Quad, ...]
    removed: tuple[ox.Quad, ...]

    def counts(self) -> dict[str, tuple[int, int]]:
        """(added, removed) per graph IRI (`""` for the default graph), graphs sorted."""
        found: dict[str, list[int]] = {}
        for index, quads in enumerate((self.added, self.removed)):
            for quad in quads:
                graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
                found.setdefault(graph, [0, 0])[index] += 1
        return {graph: (n[0], n[1]) for graph, n in sorted(found.items())}

    @property
    def empty(self) -> bool:
        """Whether nothing changed."""
        return not self.added and not self.removed


def difference(old: Iterable[ox.Quad], new: Iterable[ox.Quad]) -> Difference:
    """What turns the statements `old` into `new`."""
    before, after = set(old), set(new)
    return Difference(_sorted(after - before), _sorted(before - after))


def rdf_patch(change: Difference, patch_id: str, previous: str | None) -> bytes:
    """`change` as an RDF Patch whose id is `patch_id`, following the patch `previous`."""
    lines = [f"H id {ox.NamedNode(patch_id)} ."]
    if previous is not None:
        lines.append(f"H prev {ox.NamedNode(previous)} .")
    lines.append("TX .")
    lines.extend(f"D {quad} ." for quad in change.removed)
    lines.extend(f"A {quad} ." for quad in change.added)
    lines.append("TC .")
    return ("\n".join(lines) + "\n").encode()


def read_patch(body: bytes, path: Path) -> Difference:
    """The additions and deletions of an RDF Patch written by `rdf_patch` (read from `path`).

    Raises:
        DataSyntaxError: a line is not a header, a transaction mark, an addition or a deletion.
    """
    added: list[ox.Quad] = []
    removed: list[ox.Quad] = []
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DataSyntaxError(path, None, None, f"not UTF-8 (byte {err.start})") from err
    for number, line in enumerate(text.splitlines(), 1):
        code, _, rest = line.partition(" ")
        if code in ("H", "TX", "TC", "TA") or not line:
            continue
        if code not in ("A", "D"):
            raise DataSyntaxError(path, number, 1, f"unknown RDF Patch row {code!r}")
        try:
            quads = list(ox.parse(rest.encode(), format=ox.RdfFormat.N_QUADS))
        except SyntaxError as err:
            raise DataSyntaxError(path, number, None, str(err)) from err
        (added if code == "A" else removed).extend(quads)
    return Difference(_sorted(added), _sorted(removed))


def _sorted(quads: Iterable[ox.Quad]) -> tuple[ox.Quad, ...]:
    return tuple(sorted(quads, key=str))

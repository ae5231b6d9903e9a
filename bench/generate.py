"""Synthetic data of ckpld's own model at any size: the shipped data, copied with new IRIs.

Copy 0 is the shipped data itself; copy k renames every thing under `{base}id/` (but the source
page, the code lists and the evidence records, which all copies share) by appending `-k` to its
path, hash parts kept (`…/encc/ckp-3#interval`); CKP itself and the places are shared too, as
the partners of one publisher in the same cities would be. Every copy is as valid as the
original, so the server validates and serves the synthetic data as it would the real one.

    python bench/generate.py TRIPLES OUT_DIR
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://dane.ckpodgorza.pl/"
SHARED = (
    "id/source/",
    "id/scheme/",
    "id/evidence/",
    "id/place/",
    "id/organization/centrum-kultury-podgorza",
)
FILES = ("page.ttl", "enrichment.ttl")


def _renamed(term: ox.NamedNode, copy: int) -> ox.NamedNode:
    value = term.value
    if (
        copy == 0
        or not value.startswith(BASE + "id/")
        or value.startswith(tuple(BASE + s for s in SHARED))
    ):
        return term
    path, hash_, part = value.partition("#")
    return ox.NamedNode(f"{path}-{copy}{hash_}{part}")


def _copy(triples: list[ox.Quad], copy: int) -> list[str]:
    lines = []
    for q in triples:
        s = _renamed(q.subject, copy) if isinstance(q.subject, ox.NamedNode) else q.subject
        o = _renamed(q.object, copy) if isinstance(q.object, ox.NamedNode) else q.object
        lines.append(f"{s} {q.predicate} {o} .\n")
    return lines


def generate(triples: int, out: Path) -> int:
    """Write about `triples` statements (whole copies of the data) into `out`; return the count
    (the data itself at least)."""
    parsed = {
        name: list(ox.parse(path=ROOT / "data" / name, format=ox.RdfFormat.TURTLE, base_iri=BASE))
        for name in FILES
    }
    # Copy 0 is the data; each further copy adds its own things only (shared ones exist once).
    first = sum(len(q) for q in parsed.values())
    extra = sum(len(set(_copy(q, 1)) - set(_copy(q, 0))) for q in parsed.values())
    copies = 1 + max(0, round((triples - first) / extra))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copytree(ROOT / "data" / "source", out / "source")
    written = 0
    for name, quads in parsed.items():
        seen: set[str] = set()
        with open(out / name.replace(".ttl", ".nt"), "w", encoding="utf-8") as handle:
            for copy in range(copies):
                for line in _copy(quads, copy):
                    if line not in seen:  # shared things are written once
                        seen.add(line)
                        handle.write(line)
                        written += 1
    return written


if __name__ == "__main__":
    count = generate(int(float(sys.argv[1])), Path(sys.argv[2]))
    print(f"{count} triples in {sys.argv[2]}")

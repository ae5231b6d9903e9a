"""Mapping between the server's URL paths and the canonical IRIs of the data (Cool URIs, 303 style).

Things are `{base}id/...`; their documents are `{base}doc/...`. A server at any address answers for
the same paths, so `http://127.0.0.1:8000/id/x` stands for `{base}id/x`. Vocabulary terms are hash
IRIs of one document (`{base}def/ckp#Term`), named graphs are their own documents
(`{base}graph/page`), as are the archived source pages (`{base}source/…`).
"""

from __future__ import annotations

from ckpld.rdf.formats import FORMATS

THING = "id/"
DOCUMENT = "doc/"
_SUFFIXES = {f.suffix for f in FORMATS if f.suffix}


def iri_of_path(base: str, path: str) -> str:
    """The canonical IRI a server path stands for: `/id/x` → `{base}id/x`."""
    return base + path.lstrip("/")


def local_path(base: str, iri: str) -> str | None:
    """The server path of a canonical IRI (fragment kept), or None if the IRI is not ours."""
    return "/" + iri[len(base) :] if iri.startswith(base) else None


def document_of(base: str, iri: str) -> str:
    """The canonical IRI of the document describing `iri`: `{base}id/x#y` → `{base}doc/x`."""
    iri = iri.split("#", 1)[0]
    if iri.startswith(base + THING):
        return base + DOCUMENT + iri[len(base + THING) :]
    return iri


def thing_of_document(base: str, document: str) -> str:
    """The IRI a document is about: `{base}doc/x` → `{base}id/x`; others describe themselves."""
    if document.startswith(base + DOCUMENT):
        return base + THING + document[len(base + DOCUMENT) :]
    return document


def split_suffix(path: str) -> tuple[str, str | None]:
    """Split a format suffix off a path: `/doc/x.ttl` → (`/doc/x`, `ttl`)."""
    stem, dot, suffix = path.rpartition(".")
    if dot and "/" not in suffix and suffix in _SUFFIXES and not stem.endswith("/"):
        return stem, suffix
    return path, None

"""Citing the dataset: its reference for reference managers (CSL-JSON, BibTeX, RIS), and a
release's DataCite metadata. See `ckpld.publish.citation`."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, request

from ckpld.errors import NotFoundError
from ckpld.publish.archive import Archive
from ckpld.publish.citation import (
    DATACITE_MEDIA_TYPE,
    MEDIA_TYPES,
    Cited,
    apa,
    bibtex,
    csl_json,
    datacite,
    reference,
    ris,
)
from ckpld.publish.publication import Publication
from ckpld.publish.record import Named
from ckpld.web.conneg import language
from ckpld.web.views.base import archived_entry, publication
from ckpld.web.views.representation import Representation, respond

bp = Blueprint("citation", __name__)


def _apa_text(cited: Cited, lang: str) -> bytes:
    return (apa(cited, lang) + "\n").encode()


WRITERS: dict[str, Callable[[Cited, str], bytes]] = {
    "json": csl_json,
    "bib": bibtex,
    "ris": ris,
    "txt": _apa_text,  # APA, plain text
}


@bp.get("/citation.<suffix>")
def dataset_citation(suffix: str) -> Response:
    """How to cite the dataset as served now (its current release, when archived)."""
    pub = publication()
    return _reference(pub, None, suffix, "")


@bp.get("/releases/<name>/citation.<suffix>")
def release_citation(name: str, suffix: str) -> Response:
    """How to cite one release."""
    pub = publication()
    return _reference(pub, archived_entry(pub, name), suffix, name)


@bp.get("/releases/<name>/datacite.json")
def release_datacite(name: str) -> Response:
    """DataCite metadata of one release (what a repository needs to mint its DOI)."""
    pub = publication()
    entry = archived_entry(pub, name)

    def make() -> Representation:
        manifest = Archive(pub.settings.releases_dir).manifest(name)
        files = manifest.files if manifest else ()
        data = [f for f in files if f.name.startswith(pub.settings.dataset_id + ".")]
        body = datacite(
            reference(pub, entry),
            dict.fromkeys(f.media_type for f in data),
            [f"{f.size} B ({f.name})" for f in data],
        )
        tag = f"{pub.etag_base}-datacite-{name}"
        return Representation(body, DATACITE_MEDIA_TYPE, tag, entry.date)

    rep = pub.cache.get(("datacite", name), make)
    return respond(rep, request, pub.settings.cache_max_age)


def _reference(pub: Publication, entry: Named | None, suffix: str, name: str) -> Response:
    if suffix not in WRITERS:
        raise NotFoundError(
            f"citations come as .txt (APA), .json (CSL-JSON), .bib (BibTeX) or .ris (RIS), "
            f"not .{suffix}"
        )
    lang = language(request.headers.get("Accept-Language"), request.args.get("lang"))

    def make() -> Representation:
        cited = reference(pub, entry)
        body = WRITERS[suffix](cited, lang)
        tag = f"{pub.etag_base}-cite-{name}-{len(pub.releases.archived)}-{suffix}-{lang}"
        media = MEDIA_TYPES[suffix] + ("; charset=utf-8" if suffix != "json" else "")
        return Representation(body, media, tag, cited.date, ("Accept-Language",))

    rep = pub.cache.get(("citation", name, suffix, lang), make)
    return respond(rep, request, pub.settings.cache_max_age)

"""The release archive on the web: /releases/ lists every release, /releases/{name}/ shows one
(its files, what changed, how to cite it), and its files are served for good (immutable)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request, send_file

from ckpld.errors import NotAcceptableError, NotFoundError
from ckpld.publish.archive import Archive, release_url
from ckpld.publish.catalog import version_iri
from ckpld.publish.dumps import MANIFEST_FILE
from ckpld.publish.patch import PATCH_FILE
from ckpld.publish.publication import Publication
from ckpld.publish.record import Named
from ckpld.rdf.formats import HTML, Format, named
from ckpld.web.conneg import LANGUAGES, language, negotiate
from ckpld.web.pages.citing import citation_block
from ckpld.web.views.base import archived_entry, publication
from ckpld.web.views.representation import Representation, media_type, respond

bp = Blueprint("releases", __name__)

IMMUTABLE = "public, max-age=31536000, immutable"  # an archived file never changes
_JSON = named("json")


@bp.get("/releases/")
def index() -> Response:
    """Every release, newest first: an HTML page, or JSON."""
    pub = publication()
    chosen = _chosen("the list of releases")
    lang, kept = _language(chosen)

    def make() -> Representation:
        known = pub.releases
        listed = [_summary(pub, e) for e in reversed(known.entries)]
        if chosen is HTML:
            body = render_template("releases.html", lang=lang, releases=listed).encode()
            vary: tuple[str, ...] = ("Accept", "Accept-Language")
        else:
            document = {"dataset": pub.settings.dataset_iri, "releases": listed}
            body = _json(document)
            vary = ("Accept",)
        return Representation(
            body,
            media_type(chosen) if chosen is HTML else "application/json",
            f"{pub.etag_base}-releases-{len(known.archived)}-{chosen.name}-{lang}{kept}",
            pub.modified,
            vary,
            ('</catalog>; rel="describedby"; type="text/turtle"',),
        )

    key = ("releases", chosen.name, lang, kept)
    return respond(pub.cache.get(key, make), request, pub.settings.cache_max_age)


@bp.get("/releases/<name>/")
def release(name: str) -> Response:
    """One release: its page (files, changes, citation), or JSON (its manifest and changes)."""
    pub = publication()
    entry = archived_entry(pub, name)
    chosen = _chosen(f"release {name}")
    lang, kept = _language(chosen)

    def make() -> Representation:
        archive = Archive(pub.settings.releases_dir)
        manifest = archive.manifest(name)
        if manifest is None:
            raise NotFoundError(f"release {name} is no longer complete in this server's archive")
        summary = _summary(pub, entry)
        changes = archive.changes(name)
        if chosen is HTML:
            body = render_template(
                "release.html",
                lang=lang,
                release=summary,
                files=manifest.files,
                changes=changes,
                newer=_neighbour(pub, entry, 1),
                older=_neighbour(pub, entry, -1),
                citation=citation_block(pub, entry, lang),
            ).encode()
            vary: tuple[str, ...] = ("Accept", "Accept-Language")
        else:
            files = [
                {"name": f.name, "mediaType": f.media_type, "size": f.size, "sha256": f.sha256}
                for f in manifest.files
            ]
            body = _json({**summary, "files": files, "changes": changes})
            vary = ("Accept",)
        return Representation(
            body,
            media_type(chosen) if chosen is HTML else "application/json",
            f"{pub.etag_base}-release-{name}-{len(pub.releases.entries)}-{chosen.name}-{lang}{kept}",
            entry.date,
            vary,
            (f'<{version_iri(pub.settings, name)}>; rel="describes"',),
        )

    key = ("release", name, chosen.name, lang, kept)
    return respond(pub.cache.get(key, make), request, pub.settings.cache_max_age)


@bp.get("/releases/<name>/<file>")
def release_file(name: str, file: str) -> Response:
    """A file of an archived release: never changes, so caches may keep it for good."""
    pub = publication()
    entry = archived_entry(pub, name)
    manifest = Archive(pub.settings.releases_dir).manifest(name)
    described = manifest.file(file) if manifest else None
    if manifest is None or manifest.folder is None:
        raise NotFoundError(f"release {name} is no longer complete in this server's archive")
    if file == MANIFEST_FILE:
        media, etag = "application/json", None
    elif described is None:
        raise NotFoundError(
            f"release {name} has no file {file}; its files are at /releases/{name}/"
        )
    else:
        media, etag = described.media_type, described.sha256
    response = send_file(
        manifest.folder / file,
        mimetype=media,
        conditional=True,
        etag=etag or True,
        last_modified=entry.date,
        max_age=31536000,
    )
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["Accept-Ranges"] = "bytes"
    response.headers["Link"] = (
        f'</releases/{name}/catalog.ttl>; rel="describedby"; type="text/turtle"'
    )
    return response


def _chosen(what: str) -> Format:
    chosen = negotiate(request.headers.get("Accept"), (HTML, _JSON))
    if chosen is None:
        raise NotAcceptableError(f"{what} is available as text/html, application/json")
    return chosen


def _language(chosen: Format) -> tuple[str, str]:
    if chosen is not HTML:
        return "", ""
    lang = language(request.headers.get("Accept-Language"), request.args.get("lang"))
    return lang, "-l" if request.args.get("lang") in LANGUAGES else ""


def _summary(pub: Publication, entry: Named) -> dict[str, object]:
    """What a list of releases says about one."""
    settings = pub.settings
    archived = entry.name in pub.releases.archived
    earlier = [e for e in pub.releases.entries if e.number == entry.number - 1]
    url = release_url(settings, entry.name)
    return {
        "name": entry.name,
        "number": entry.number,
        "date": entry.date.isoformat(),
        "version": entry.version,
        "url": url,
        "dataset": version_iri(settings, entry.name),
        "previous": earlier[0].name if earlier else None,
        "archived": archived,
        "current": entry.version == pub.version_id and entry.number == len(pub.releases.entries),
        "changes": url + PATCH_FILE if archived else None,
    }


def _neighbour(pub: Publication, entry: Named, step: int) -> str | None:
    number = entry.number + step
    found = [e.name for e in pub.releases.entries if e.number == number]
    return found[0] if found else None


def _json(document: object) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()

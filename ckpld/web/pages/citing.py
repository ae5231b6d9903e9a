"""The "Cite" section of the landing page and of a release's page."""

from __future__ import annotations

from markupsafe import Markup

from ckpld.publish.citation import apa, reference
from ckpld.publish.publication import Publication
from ckpld.publish.record import Named


def citation_block(pub: Publication, entry: Named | None, lang: str) -> dict[str, object]:
    """What a page's "Cite" section shows: the APA reference (HTML, by citeproc-py) and where
    its files are (the release's, or the dataset's as served now)."""
    cited = reference(pub, entry)
    current = entry or pub.releases.current(pub.version_id)
    return {
        "apa": Markup(apa(cited, lang, html=True)),
        "files": f"/releases/{current.name}/" if current else "/",
        "release": entry is not None,
    }

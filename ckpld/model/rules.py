"""Dataset rules: checks beyond the SHACL shapes, run by Oxigraph over the named graphs.

SHACL sees one graph, the union. These rules see which named graph a triple is in (a source page's
facts need quotes; enrichment needs evidence), compare every quote with the archived text of its
page, and make the checks that would cost pySHACL a SPARQL parse per node. Each rule has an IRI
under {base}def/shapes# and is reported like a SHACL shape.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
import rdflib

from ckpld.model.report import Finding
from ckpld.model.sources import Dataset, Role, archived_text
from ckpld.rdf.rdflib_terms import rdflib_term

COMPONENT = "def/shapes#DatasetRuleComponent"

_PREFIXES = """
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX ckp: <def/ckp#>
"""


@dataclass(frozen=True)
class Rule:
    """A SPARQL check run once per named graph of a role; `?graph` is bound to that graph.

    Absence is tested with MINUS (or OPTIONAL and !BOUND) rather than FILTER NOT EXISTS:
    Oxigraph evaluates those as one hash join, FILTER NOT EXISTS as a pattern per row, which
    made validation grow with the square of the data.

    The query selects `?this` (the focus node) and optionally `?path` and `?value`.
    """

    name: str
    role: Role
    query: str
    message_en: str
    message_pl: str
    severity: str = "Violation"


RULES: tuple[Rule, ...] = (
    Rule(
        "SourceNodeQuote",
        Role.SOURCE,
        """SELECT DISTINCT ?graph ?this WHERE {
            GRAPH ?graph { ?this ?p ?o }
            MINUS {
                VALUES ?exempt { oa:SpecificResource oa:TextQuoteSelector schema:WebPage }
                ?this a ?exempt }
            MINUS { GRAPH ?graph { ?this prov:wasDerivedFrom ?quote .
                                   ?quote a oa:SpecificResource } }
        }""",
        "A node described in a source page's graph must point (prov:wasDerivedFrom) to a quote "
        "of that page in the same graph.",
        "Węzeł opisany w grafie strony źródłowej musi wskazywać (prov:wasDerivedFrom) cytat z tej "
        "strony w tym samym grafie.",
    ),
    Rule(
        "EnrichmentEvidence",
        Role.ENRICHMENT,
        """SELECT DISTINCT ?graph ?this ?path ?value WHERE {
            GRAPH ?graph { ?this ?path ?value }
            FILTER (?path != prov:wasDerivedFrom)
            FILTER NOT EXISTS { GRAPH ?graph { ?this a ckp:Evidence } }
            FILTER NOT EXISTS { GRAPH ?graph { ?this prov:wasDerivedFrom ?evidence .
                                               ?evidence a ckp:Evidence ;
                                                   ckp:supportsProperty ?path } }
        }""",
        "A statement in the enrichment graph needs evidence: its subject must point "
        "(prov:wasDerivedFrom) to a ckp:Evidence, in the same graph, whose ckp:supportsProperty "
        "lists this property.",
        "Stwierdzenie w grafie wzbogaceń wymaga dowodu: jego podmiot musi wskazywać "
        "(prov:wasDerivedFrom) dowód ckp:Evidence w tym samym grafie, którego "
        "ckp:supportsProperty wymienia tę właściwość.",
    ),
    Rule(
        "IdentifiersInEnrichment",
        Role.SOURCE,
        """SELECT ?graph ?this ?path ?value WHERE {
            VALUES ?path { schema:sameAs skos:exactMatch }
            GRAPH ?graph { ?this ?path ?value }
        }""",
        "External identifiers are not stated by the source page: put them in the enrichment "
        "graph, with their evidence.",
        "Identyfikatory zewnętrzne nie pochodzą ze strony źródłowej: należą do grafu wzbogaceń, "
        "razem z dowodem.",
    ),
    Rule(
        "StatedOnce",
        Role.ENRICHMENT,
        """SELECT DISTINCT ?graph ?this ?path ?value WHERE {
            GRAPH ?graph { ?this ?path ?value }
            GRAPH ?other { ?this ?path ?value }
            FILTER (?other != ?graph)
        }""",
        "This statement is already in another graph: state each fact once (what the page says "
        "belongs in the page's graph only).",
        "To stwierdzenie jest już w innym grafie: każdy fakt podaje się raz (to, co mówi strona, "
        "należy tylko do grafu strony).",
    ),
    Rule(
        "NameAsOnPageInQuote",
        Role.SOURCE,
        """SELECT ?graph ?this ?path ?value WHERE {
            BIND (ckp:nameAsOnPage AS ?path)
            GRAPH ?graph { ?this ?path ?value }
            OPTIONAL {
                ?this prov:wasDerivedFrom ?quote . ?quote oa:hasSelector ?selector .
                ?selector oa:exact ?exact .
                FILTER (CONTAINS(?exact, STR(?value)))
            }
            FILTER (!BOUND(?exact))
        }""",
        "A name as printed (ckp:nameAsOnPage) must be part of a quote the node is derived from.",
        "Nazwa w brzmieniu ze strony (ckp:nameAsOnPage) musi być fragmentem cytatu, z którego "
        "pochodzi węzeł.",
    ),
    Rule(
        "PartnerOfBacked",
        Role.SOURCE,
        """SELECT ?graph ?this ?path ?value WHERE {
            BIND (ckp:partnerOf AS ?path)
            GRAPH ?graph { ?this ?path ?value }
            MINUS {
                ?value ckp:partnerOf ?this .
                ?partnership a ckp:Partnership ; ckp:partner ?this , ?value .
            }
        }""",
        "ckp:partnerOf needs the inverse statement and a ckp:Partnership with both partners.",
        "ckp:partnerOf wymaga odwrotnego stwierdzenia i węzła ckp:Partnership z oboma partnerami.",
    ),
    Rule(
        "QuoteUsed",
        Role.SOURCE,
        """SELECT ?graph ?this WHERE {
            GRAPH ?graph { ?this a oa:SpecificResource }
            FILTER NOT EXISTS { ?node prov:wasDerivedFrom ?this }
        }""",
        "This quote supports no node: link it with prov:wasDerivedFrom or remove it.",
        "Ten cytat nie jest źródłem żadnego węzła: połącz go przez prov:wasDerivedFrom lub usuń.",
        severity="Warning",
    ),
)

QUOTE_RULE = "QuoteInArchivedText"
_QUOTES = """SELECT ?graph ?this ?selector ?exact ?source ?archive WHERE {
    GRAPH ?graph { ?this a oa:SpecificResource ; oa:hasSelector ?selector ; oa:hasSource ?source .
                   ?selector oa:exact ?exact . }
    OPTIONAL { ?source schema:archivedAt ?archive }
}"""


def check_rules(dataset: Dataset, store: ox.Store | None = None) -> list[Finding]:
    """Every finding of the dataset rules and of the quote check, in a stable order.

    Args:
        dataset: The data.
        store: An Oxigraph store holding exactly `dataset.quads` (made when not given).
    """
    base = dataset.settings.base_iri
    if store is None:
        store = ox.Store()
        store.extend(dataset.quads)
    findings: list[Finding] = []
    for rule in RULES:
        for graph in dataset.graphs(rule.role):
            for row in _select(store, base, rule.query, graph):
                findings.append(_rule_finding(base, rule, row))
    for graph in dataset.graphs(Role.SOURCE):
        findings.extend(_quote_findings(dataset, store, graph))
    return findings


def _select(store: ox.Store, base: str, query: str, graph: str) -> list[ox.QuerySolution]:
    answer = store.query(
        _PREFIXES + query,
        base_iri=base,
        use_default_graph_as_union=True,
        substitutions={ox.Variable("graph"): ox.NamedNode(graph)},
    )
    assert isinstance(answer, ox.QuerySolutions)
    return sorted(answer, key=lambda row: (str(row["this"]), str(_get(row, "value"))))


def _quote_findings(dataset: Dataset, store: ox.Store, graph: str) -> list[Finding]:
    base = dataset.settings.base_iri
    findings = []
    texts: dict[str, str | None] = {}
    for row in _select(store, base, _QUOTES, graph):
        archive = _get(row, "archive")
        if archive is None:
            continue  # the source page shape already requires schema:archivedAt
        if archive.value not in texts:
            texts[archive.value] = archived_text(dataset.settings, archive.value)
        text = texts[archive.value]
        exact = row["exact"]
        if text is None:
            message = (
                f"The archived text of the source page, {archive.value}, is missing "
                f"(expected in the folder of setting source_dir).",
                f"Brak zarchiwizowanego tekstu strony źródłowej, {archive.value} "
                f"(powinien być w folderze z ustawienia source_dir).",
            )
        elif exact.value not in text:
            message = (
                "This quote is not an exact part of the archived page text.",
                "Ten cytat nie jest dokładnym fragmentem zarchiwizowanego tekstu strony.",
            )
        else:
            continue
        findings.append(
            Finding(
                "Violation",
                rdflib_term(row["this"]),
                rdflib.URIRef("http://www.w3.org/ns/oa#exact"),
                rdflib_term(exact),
                rdflib.URIRef(base + "def/shapes#" + QUOTE_RULE),
                rdflib.URIRef(base + COMPONENT),
                (("en", message[0]), ("pl", message[1])),
            )
        )
    return findings


def _rule_finding(base: str, rule: Rule, row: ox.QuerySolution) -> Finding:
    path, value = _get(row, "path"), _get(row, "value")
    return Finding(
        rule.severity,
        rdflib_term(row["this"]),
        rdflib_term(path) if path is not None else None,
        rdflib_term(value) if value is not None else None,
        rdflib.URIRef(base + "def/shapes#" + rule.name),
        rdflib.URIRef(base + COMPONENT),
        (("en", rule.message_en), ("pl", rule.message_pl)),
    )


def _get(row: ox.QuerySolution, name: str) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
    try:
        term = row[name]
    except KeyError:
        return None
    if term is None or isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return term
    raise TypeError(f"unexpected term {term!r}")

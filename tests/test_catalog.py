"""The DCAT-AP catalogue: valid against the official shapes, right where the shapes are silent."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib import RDF, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDFS, SKOS, XSD

from ckpld.config import MAX_IDENTIFIER, Settings
from ckpld.publish.dumps import CATALOG_FILE
from ckpld.publish.publication import Publication, publish
from tests.conftest import ROOT, shared_path
from tests.terms import as_literal

SH = Namespace("http://www.w3.org/ns/shacl#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; not in rdflib's DCAT
EU = "http://publications.europa.eu/resource/authority/"
SHAPES = "conformance/dcat-ap/3.0.1/html/shacl/"

# Warnings of the recommended shapes that remain, by property, each explained in
# docs/harvesting.md.
EXPLAINED_WARNINGS = {
    "http://purl.org/dc/terms/type",  # agent and licence types: no ADMS type fits, none invented
    "http://www.w3.org/ns/dcat#bbox",  # no geometry for the countries in the data
    "http://www.w3.org/ns/dcat#centroid",
}


@pytest.fixture(scope="module")
def released(settings: Settings) -> Publication:
    pub = publish(settings)
    pub.release()
    return pub


@pytest.fixture(scope="module")
def catalog(released: Publication) -> rdflib.Graph:
    assert released.manifest is not None and released.manifest.folder is not None
    return rdflib.Graph().parse(released.manifest.folder / CATALOG_FILE, format="turtle")


def shapes(relative: str) -> rdflib.Graph:
    """A shapes file of ../shared, with dangling `sh:property` references dropped (upstream
    defect SEMICeu/DCAT-AP #448, see shared/conformance/dcat-ap/README.md)."""
    graph = rdflib.Graph().parse(shared_path(relative), format="turtle")
    for node, _, shape in list(graph.triples((None, SH.property, None))):
        if (shape, None, None) not in graph:
            graph.remove((node, SH.property, shape))
    return graph


def results(data: rdflib.Graph, shapes_graph: rdflib.Graph) -> list[tuple[str, str, str]]:
    """(severity, focus node, path) of every validation result."""
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes_graph, inference="none")
    assert isinstance(report, rdflib.Graph)
    return sorted(
        (
            str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
            str(report.value(r, SH.focusNode)),
            str(report.value(r, SH.resultPath)),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    )


@pytest.mark.parametrize(
    "relative",
    [
        SHAPES + "shapes.ttl",
        SHAPES + "range.ttl",
        "conformance/dcat-ap/3.0.1/shacl/dcat-ap-SHACL.ttl",
    ],
)
def test_no_violation_of_the_dcat_ap_shapes(catalog: rdflib.Graph, relative: str) -> None:
    assert results(catalog, shapes(relative)) == []


@pytest.fixture(scope="module")
def versioned(history: Settings) -> rdflib.Graph:
    """The living catalogue of a dataset with three archived releases (tests/history.py)."""
    pub = publish(history)
    pub.release()
    pub.store.close()
    assert pub.manifest is not None and pub.manifest.folder is not None
    return rdflib.Graph().parse(pub.manifest.folder / CATALOG_FILE, format="turtle")


@pytest.mark.parametrize(
    "relative",
    [
        SHAPES + "shapes.ttl",
        SHAPES + "range.ttl",
        "conformance/dcat-ap/3.0.1/shacl/dcat-ap-SHACL.ttl",
    ],
)
def test_versions_keep_the_catalogues_valid(
    versioned: rdflib.Graph, history: Settings, relative: str
) -> None:
    # the living catalogue, with every version described, and each release's own catalogue
    has_version = URIRef("http://www.w3.org/ns/dcat#hasVersion")  # DCAT 3
    versions = set(versioned.objects(URIRef(history.dataset_iri), has_version))
    assert len(versions) == 3
    assert results(versioned, shapes(relative)) == []
    own = rdflib.Graph().parse(history.releases_dir / "2025.03.01" / CATALOG_FILE)
    assert results(own, shapes(relative)) == []


def test_recommended_shapes_leave_only_explained_warnings(catalog: rdflib.Graph) -> None:
    found = results(catalog, shapes(SHAPES + "shapes_recommended.ttl"))
    assert {severity for severity, _, _ in found} <= {"Warning"}
    assert {path for _, _, path in found} <= EXPLAINED_WARNINGS
    readme = (ROOT / "docs" / "harvesting.md").read_text(encoding="utf-8")
    for path in EXPLAINED_WARNINGS:
        name = path.replace(str(DCTERMS), "dct:").replace(str(DCAT), "dcat:")
        assert f"`{name}`" in readme, f"warning on {name} is not explained in docs/harvesting.md"


def test_the_shapes_do_catch_a_broken_catalogue(
    catalog: rdflib.Graph, released: Publication
) -> None:
    # The checks above can fail: without its titles the dataset violates the mandatory shapes.
    broken = rdflib.Graph() + catalog
    broken.remove((URIRef(released.settings.dataset_iri), DCTERMS.title, None))
    assert ("Violation", released.settings.dataset_iri, str(DCTERMS.title)) in results(
        broken, shapes(SHAPES + "shapes.ttl")
    )


def test_code_lists_fail_only_where_the_data_is_outside_the_eu_tables(
    catalog: rdflib.Graph, released: Publication
) -> None:
    # The controlled-vocabulary shapes (not required; they need the EU tables) object only to:
    # CKP (not an EU corporate body), countries the data has no verified EU IRI for, and the
    # SPDX algorithm IRI (the shape expects https, SPDX's namespace is http).
    found = results(catalog, shapes(SHAPES + "mdr-vocabularies.shape.ttl"))
    outside = {p for p in expected_places(released.settings) if not p.startswith(EU)}
    assert len(outside) == 3  # Belgium, China, Ukraine: by GeoNames
    expected_focus = {
        released.settings.publisher_iri,
        str(SPDX.checksumAlgorithm_sha256),
        *outside,
    }
    violations = {focus for severity, focus, _ in found if severity == "Violation"}
    assert violations - {f for f in violations if f.endswith("#checksum")} <= expected_focus


def test_texts_in_polish_and_english(catalog: rdflib.Graph) -> None:
    subjects = [
        *catalog.subjects(RDF.type, DCAT.Catalog),
        *catalog.subjects(RDF.type, DCAT.Dataset),
        *catalog.subjects(RDF.type, DCAT.Distribution),
        *catalog.subjects(RDF.type, DCAT.DataService),
    ]
    assert len(subjects) == 1 + 1 + 5 + 2
    for node in subjects:
        for prop in (DCTERMS.title, DCTERMS.description):
            languages = {as_literal(o).language for o in catalog.objects(node, prop)}
            assert languages == {"pl", "en"}, (node, prop)
    dataset = next(catalog.subjects(RDF.type, DCAT.Dataset))
    keywords = {as_literal(o).language for o in catalog.objects(dataset, DCAT.keyword)}
    assert keywords == {"pl", "en"}


def test_dates_identifier_licences_formats(catalog: rdflib.Graph, released: Publication) -> None:
    dated = 0
    for prop in (DCTERMS.issued, DCTERMS.modified):
        for _, value in catalog.subject_objects(prop):
            assert isinstance(value, Literal) and value.datatype == XSD.dateTime
            dated += 1
    assert dated == 2 * (1 + 1 + 5)  # catalogue, dataset, distributions
    dataset = URIRef(released.settings.dataset_iri)
    (identifier,) = catalog.objects(dataset, DCTERMS.identifier)
    assert isinstance(identifier, Literal), identifier
    assert str(identifier) == released.settings.dataset_id and len(identifier) <= MAX_IDENTIFIER
    assert str(catalog.value(dataset, DCAT_VERSION)) == released.version_id
    for distribution in catalog.objects(dataset, DCAT.distribution):
        licence = catalog.value(distribution, DCTERMS.license)
        assert licence == URIRef(EU + "licence/CC_BY_4_0")
        file_type = catalog.value(distribution, DCTERMS["format"])
        assert str(file_type).startswith(EU + "file-type/")
        assert (file_type, SKOS.inScheme, URIRef(EU + "file-type")) in catalog
        media = str(catalog.value(distribution, DCAT.mediaType))
        assert media.startswith("https://www.iana.org/assignments/media-types/")


def test_distributions_describe_the_files(catalog: rdflib.Graph, released: Publication) -> None:
    assert released.manifest is not None and released.manifest.folder is not None
    folder = released.manifest.folder
    base = released.settings.base_iri
    for distribution in catalog.subjects(RDF.type, DCAT.Distribution):
        url = str(catalog.value(distribution, DCAT.downloadURL))
        assert url == str(catalog.value(distribution, DCAT.accessURL))
        body = (folder / url.removeprefix(base + "dumps/")).read_bytes()
        size = as_literal(catalog.value(distribution, DCAT.byteSize))
        assert int(size) == len(body)
        assert size.datatype == XSD.nonNegativeInteger
        checksum = catalog.value(distribution, SPDX.checksum)
        value = as_literal(catalog.value(checksum, SPDX.checksumValue))
        assert str(value) == hashlib.sha256(body).hexdigest()
        assert value.datatype == XSD.hexBinary
        assert catalog.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256


def test_dataset_coverage_publisher_contact(catalog: rdflib.Graph, released: Publication) -> None:
    settings = released.settings
    dataset = URIRef(settings.dataset_iri)
    period = catalog.value(dataset, DCTERMS.temporal)
    assert catalog.value(period, DCAT.startDate) == Literal("2018", datatype=XSD.gYear)
    assert catalog.value(period, DCAT.endDate) == Literal("2020", datatype=XSD.gYear)
    spatial = {str(o) for o in catalog.objects(dataset, DCTERMS.spatial)}
    assert spatial == expected_places(settings)
    assert {EU + "country/POL", EU + "country/LTU", EU + "country/HRV"} <= spatial
    assert "https://sws.geonames.org/690791/" in spatial  # Ukraine: no verified EU IRI
    for place in spatial:
        assert (URIRef(place), RDF.type, DCTERMS.Location) in catalog
    assert catalog.value(dataset, DCAT.theme) == URIRef(EU + "data-theme/EDUC")
    publisher = catalog.value(dataset, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in catalog
    assert Literal("Centrum Kultury Podgórza", lang="pl") in set(
        catalog.objects(publisher, FOAF.name)
    )
    contact = catalog.value(dataset, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in catalog
    assert catalog.value(contact, VCARD.hasURL) == URIRef(settings.contact_url)
    assert catalog.value(contact, VCARD.hasEmail) is None  # none set, none invented
    standards = set(catalog.objects(dataset, DCTERMS.conformsTo))
    assert URIRef(settings.base_iri + "def/shapes") in standards
    assert (
        URIRef("https://schema.org/") in standards
        and URIRef("http://www.w3.org/ns/org#") in standards
    )
    provenance = catalog.value(dataset, DCTERMS.provenance)
    assert (provenance, RDF.type, DCTERMS.ProvenanceStatement) in catalog
    page = URIRef("https://www.ckpodgorza.pl/wspolpraca-miedzynarodowa")
    assert page in set(catalog.objects(provenance, rdflib.RDFS.seeAlso))


def expected_places(settings: Settings) -> set[str]:
    """Each country in the data files by its best verified identifier there: the EU table's,
    else GeoNames', else the data's own IRI."""
    data = rdflib.Graph()
    for path in sorted((ROOT / "data").glob("*.ttl")):
        data.parse(path, format="turtle", publicID=settings.base_iri)
    found = set()
    for country in data.subjects(RDF.type, URIRef("https://schema.org/Country")):
        links = [str(o) for o in data.objects(country, SKOS.exactMatch)]
        same = [str(o) for o in data.objects(country, URIRef("https://schema.org/sameAs"))]
        eu = [o for o in links if o.startswith(EU + "country/")]
        geonames = [o for o in same if o.startswith("https://sws.geonames.org/")]
        found.add((eu or geonames or [str(country)])[0])
    return found


def test_access_rights_frequency_version_and_rights(
    catalog: rdflib.Graph, released: Publication
) -> None:
    dataset = URIRef(released.settings.dataset_iri)
    access = catalog.value(dataset, DCTERMS.accessRights)
    assert access == URIRef(EU + "access-right/PUBLIC")
    assert (access, RDF.type, DCTERMS.RightsStatement) in catalog
    assert (access, SKOS.inScheme, URIRef(EU + "access-right")) in catalog
    frequency = catalog.value(dataset, DCTERMS.accrualPeriodicity)
    assert frequency == URIRef(EU + "frequency/" + released.settings.update_frequency)
    assert (frequency, RDF.type, DCTERMS.Frequency) in catalog
    assert catalog.value(dataset, OWL.versionInfo) == catalog.value(dataset, DCAT_VERSION)
    rights = {catalog.value(d, DCTERMS.rights) for d in catalog.objects(dataset, DCAT.distribution)}
    assert len(rights) == 1 and None not in rights
    (statement,) = rights
    assert (statement, RDF.type, DCTERMS.RightsStatement) in catalog
    labels = {as_literal(o).language: str(o) for o in catalog.objects(statement, RDFS.label)}
    assert set(labels) == {"pl", "en"} and all("CC BY 4.0" in text for text in labels.values())


def test_services(catalog: rdflib.Graph, released: Publication) -> None:
    base = released.settings.base_iri
    endpoints = {}
    for service in catalog.subjects(RDF.type, DCAT.DataService):
        assert catalog.value(service, DCAT.servesDataset) == URIRef(released.settings.dataset_iri)
        endpoints[str(catalog.value(service, DCAT.endpointURL))] = str(
            catalog.value(service, DCAT.endpointDescription)
        )
    assert endpoints == {base + "sparql": base + "sparql", base: base + ".well-known/void"}


@pytest.fixture
def changed_data(tmp_path: Path) -> Iterator[Path]:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    page = data / "page.ttl"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            '"2020-09"^^xsd:gYearMonth', '"2021-09"^^xsd:gYearMonth'
        ),
        encoding="utf-8",
    )
    yield data


def test_the_catalogue_follows_the_data(
    settings: Settings, changed_data: Path, tmp_path: Path
) -> None:
    changed = replace(
        settings,
        data_dir=changed_data,
        source_dir=changed_data / "source",
        dumps_dir=tmp_path / "dumps",
        validate_on_start=False,
        contact_email="dane@example.org",
        issued="2025-01-02T03:04:05",
    )
    pub = publish(changed)
    pub.release()
    assert pub.manifest is not None and pub.manifest.folder is not None
    graph = rdflib.Graph().parse(pub.manifest.folder / CATALOG_FILE, format="turtle")
    dataset = URIRef(changed.dataset_iri)
    period = graph.value(dataset, DCTERMS.temporal)
    assert graph.value(period, DCAT.endDate) == Literal("2021", datatype=XSD.gYear)
    contact = graph.value(dataset, DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:dane@example.org")
    issued = graph.value(dataset, DCTERMS.issued)
    assert issued == Literal("2025-01-02T03:04:05+00:00", datatype=XSD.dateTime)

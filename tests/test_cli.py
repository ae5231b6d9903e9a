"""The `ckpld` command: exit codes, one-line errors, output formats, and the installed script."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from ckpld.cli import cli
from ckpld.config import Settings
from ckpld.model.validation import known_valid, verdict_key
from ckpld.publish.publication import publish
from tests.conftest import ROOT


def run(*args: str, stdin: str | bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of data/ to break."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def test_validate_shipped_data_exits_0_with_a_summary(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CKPLD_CACHE_DIR", str(tmp_path))
    code, out, _ = run("validate")
    assert code == 0
    assert "the data conforms (0 findings)" in out
    assert "graph:page" in out and "ckp:Partnership 6" in out
    # The verdict is remembered: the server starts on this data without validating again.
    version = publish(replace(settings, validate_on_start=False)).version
    assert known_valid(tmp_path, verdict_key(version, settings.shapes))
    assert [p.name for p in (tmp_path / "validated").iterdir()] == [
        verdict_key(version, settings.shapes)
    ]


def test_validate_invalid_data_exits_1_naming_the_problem(
    monkeypatch: pytest.MonkeyPatch, data_copy: Path
) -> None:
    monkeypatch.chdir(ROOT)
    page = data_copy / "page.ttl"
    text = page.read_text(encoding="utf-8")
    page.write_text(
        text.replace(
            'schema:startDate "2019"^^xsd:gYear ;\n    prov:wasDerivedFrom '
            "quote:new-partners-2019 , quote:centrum-kultury-travno",
            "prov:wasDerivedFrom quote:new-partners-2019 , quote:centrum-kultury-travno",
            1,
        ),
        encoding="utf-8",
    )
    code, out, _ = run("validate", str(data_copy))
    assert code == 1
    assert "Violation: partnership:centrum-kultury-travno" in out
    assert "rule:    ckps:PartnershipShape (sh:OrConstraintComponent)" in out
    assert "the data does NOT conform" in out


def test_validate_reports_in_json_turtle_and_polish(
    monkeypatch: pytest.MonkeyPatch, data_copy: Path
) -> None:
    monkeypatch.chdir(ROOT)
    page = data_copy / "page.ttl"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            'schema:foundingDate "1994"^^xsd:gYear',
            'schema:foundingDate "1994-01-01"^^xsd:dateTime',
        ),
        encoding="utf-8",
    )
    code, out, _ = run("validate", "--format", "json", str(data_copy))
    assert code == 1
    document = json.loads(out)
    assert document["conforms"] is False
    assert any(f["shape"].endswith("#FoundingDatePrecision>") for f in document["findings"])

    code, out, _ = run("validate", "--format", "turtle", str(data_copy))
    graph = rdflib.Graph().parse(data=out, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert code == 1 and (None, sh.conforms, rdflib.Literal(False)) in graph

    code, out, _ = run("validate", "--lang", "pl", str(data_copy))
    assert code == 1 and "zachowuje dokładność źródła" in out


def test_syntax_error_exits_2_with_file_and_line(
    monkeypatch: pytest.MonkeyPatch, data_copy: Path
) -> None:
    monkeypatch.chdir(ROOT)
    page = data_copy / "page.ttl"
    lines = page.read_text(encoding="utf-8").splitlines()
    where = next(i for i, line in enumerate(lines) if line.startswith("quote:encc-founded"))
    lines[where] = lines[where].replace("a oa:SpecificResource ;", "a oa:SpecificResource ;; ]")
    page.write_text("\n".join(lines), encoding="utf-8")
    code, out, err = run("validate", str(data_copy))
    assert code == 2
    assert out == ""
    assert err.startswith(f"ckpld: error: {page}:{where + 1}:")
    assert err.count("\n") == 1, "one line, no traceback"


def test_missing_path_exits_2_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, _, err = run("validate", "no/such/file.ttl")
    assert code == 2
    assert err == "ckpld: error: no/such/file.ttl: no such file or folder\n"


def test_bad_base_iri_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, _, err = run("--base-iri", "ftp://example.org/", "validate")
    assert code == 2
    assert "base_iri must be an absolute http(s) IRI" in err


def test_query_prints_a_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = run("query", "queries/lithuanian-partners.rq")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["partner", "name"]
    assert "organization:dom-kultury-polskiej-w-wilnie" in out
    assert lines[-1] == "(2 rows)"


def test_query_from_stdin_as_csv_json_and_tsv(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    query = (ROOT / "queries" / "partners-by-year.rq").read_text(encoding="utf-8")
    code, out, _ = run("query", "--format", "csv", "-", stdin=query)
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [
        ["year", "lettersOfIntent", "joined"],
        ["2018", "4", "0"],
        ["2019", "0", "2"],
    ]

    code, out, _ = run("query", "--format", "json", "-", stdin=query)
    document = json.loads(out)
    assert document["head"]["vars"] == ["year", "lettersOfIntent", "joined"]
    assert document["results"]["bindings"][1]["year"] == {
        "type": "literal",
        "value": "2019",
        "datatype": "http://www.w3.org/2001/XMLSchema#gYear",
    }

    code, out, _ = run("query", "--format", "tsv", "-", stdin=query)
    assert out.splitlines()[0] == "?year\t?lettersOfIntent\t?joined"
    parsed = ox.parse_query_results(out.encode(), format=ox.QueryResultsFormat.TSV)
    assert isinstance(parsed, ox.QuerySolutions)
    assert len(list(parsed)) == 2


def test_construct_query_in_an_rdf_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = run("query", "--format", "ntriples", "queries/schema-org-membership.rq")
    assert code == 0
    assert len(rdflib.Graph().parse(data=out, format="nt")) == 7


def test_select_in_an_rdf_format_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, _, err = run("query", "--format", "turtle", "queries/partners.rq")
    assert code == 2
    assert err == "ckpld: error: a solutions result needs a SPARQL results format, not turtle\n"


def test_bad_query_exits_2_with_position(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("query", "-", stdin="SELECT ?x WHERE { ?x ?y }")
    assert code == 2 and out == ""
    assert err.startswith("ckpld: error: SPARQL syntax error at 1:") and err.count("\n") == 1


def test_query_file_not_utf8_exits_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(ROOT)
    bad = tmp_path / "bad.rq"
    bad.write_bytes('SELECT * WHERE { ?s ?p "zażółć" }'.encode("iso-8859-2"))
    code, _, err = run("query", str(bad))
    assert code == 2 and "not UTF-8 text" in err


def test_update_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, _, err = run("query", "-", stdin="INSERT DATA { <a> <b> <c> }")
    assert code == 2 and err.startswith("ckpld: error:")


def test_build_writes_a_release_and_says_where(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = run("build", "--out", str(tmp_path / "dumps"))
    assert code == 0
    last = out.splitlines()[-1]
    assert last.startswith("ckpld: release ") and "9 files" not in last and "8 files" in last
    assert (tmp_path / "dumps" / "current" / "SHA256SUMS").exists()


def test_build_into_an_unwritable_place_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    (tmp_path / "a-file").write_text("")
    code, _, err = run("build", "--out", str(tmp_path / "a-file" / "dumps"))
    assert code == 2
    assert err.startswith("ckpld: error: cannot write the dumps to") and err.count("\n") == 1


def test_build_refuses_invalid_data(
    monkeypatch: pytest.MonkeyPatch, data_copy: Path, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    page = data_copy / "page.ttl"
    page.write_text(
        page.read_text(encoding="utf-8").replace("oa:exact", "oa:prefix"), encoding="utf-8"
    )
    monkeypatch.setenv("CKPLD_DATA_DIR", str(data_copy))
    monkeypatch.setenv("CKPLD_SOURCE_DIR", str(data_copy / "source"))
    code, _, err = run("build", "--out", str(tmp_path / "dumps"))
    assert code == 1 and "does not validate" in err
    assert not (tmp_path / "dumps" / "current").exists()


def test_installed_script_and_module_run() -> None:
    script = Path(sys.executable).parent / "ckpld"
    for command in ([str(script)], [sys.executable, "-m", "ckpld"]):
        done = subprocess.run(
            [*command, "validate"], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        assert "the data conforms" in done.stdout
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith("ckpld, version ")


def test_load_into_an_unreachable_store_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tests.e2e.conftest import free_port

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CKPLD_CACHE_DIR", str(tmp_path / "cache"))
    url = f"http://127.0.0.1:{free_port()}/update"
    code, _, err = run("load", "--into", url, "--out", str(tmp_path / "dumps"))
    assert code == 2
    assert err.startswith("ckpld: error: cannot reach the store at") and err.count("\n") == 1


def test_serving_an_unreachable_remote_store_exits_2(tmp_path: Path) -> None:
    from tests.e2e.conftest import free_port

    environment = {
        "PATH": "/usr/bin:/bin",
        "CKPLD_STORE": "remote",
        "CKPLD_STORE_URL": f"http://127.0.0.1:{free_port()}/sparql",
        "CKPLD_DUMPS_DIR": str(tmp_path / "dumps"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "ckpld", "serve", "--port", str(free_port())],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "cannot be reached" in done.stderr and "Traceback" not in done.stderr

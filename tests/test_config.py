"""Settings: defaults, then a TOML file, then CKPLD_* variables, then flags; bad values refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from ckpld.config import Settings, help_table
from ckpld.errors import ConfigError
from tests.conftest import ROOT


def test_defaults_resolve_paths_against_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.load(env={})
    assert settings.base_iri == "https://dane.ckpodgorza.pl/"
    assert settings.data_dir == tmp_path / "data"
    assert settings.shapes == tmp_path / "ontology" / "shapes.ttl"


def test_precedence_file_then_environment_then_flags(tmp_path: Path) -> None:
    config = tmp_path / "conf" / "ckpld.toml"
    config.parent.mkdir()
    config.write_text(
        'base_iri = "https://file.example/"\ndata_dir = "facts"\nqueries_dir = "q"\n',
        encoding="utf-8",
    )
    env = {"CKPLD_BASE_IRI": "https://env.example/", "CKPLD_QUERIES_DIR": "/abs/q"}
    settings = Settings.load(config, env=env)
    assert settings.base_iri == "https://env.example/"
    # relative paths resolve against the config file's folder, not the working folder
    assert settings.data_dir == config.parent / "facts"
    assert settings.queries_dir == Path("/abs/q")
    flagged = Settings.load(
        config, env=env, overrides={"base_iri": "https://flag.example/", "data_dir": None}
    )
    assert flagged.base_iri == "https://flag.example/"
    assert flagged.data_dir == config.parent / "facts"


def test_config_file_from_environment(tmp_path: Path) -> None:
    config = tmp_path / "elsewhere.toml"
    config.write_text('base_iri = "https://elsewhere.example/"\n', encoding="utf-8")
    assert Settings.load(env={"CKPLD_CONFIG": str(config)}).base_iri == "https://elsewhere.example/"


def test_config_file_in_the_working_folder_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ckpld.toml").write_text('base_iri = "https://here.example/"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert Settings.load(env={}).base_iri == "https://here.example/"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        pytest.param({"base_iri": "dane.ckpodgorza.pl/"}, "absolute http(s) IRI", id="relative"),
        pytest.param({"base_iri": "ftp://example.org/"}, "absolute http(s) IRI", id="ftp"),
        pytest.param({"base_iri": "https://example.org"}, "end with '/'", id="no-slash"),
        pytest.param({"base_iri": "https://example.org/#x/"}, "no query or fragment", id="hash"),
        pytest.param({"base_iri": 42}, "must be a string", id="number"),
        pytest.param({"data_dir": ""}, "must be a path", id="empty-path"),
        pytest.param({"port": "http"}, "must be a whole number", id="port-word"),
        pytest.param({"port": 70000}, "between 1 and 65535", id="port-range"),
        pytest.param({"workers": 0}, "between 1 and 256", id="no-workers"),
        pytest.param({"workers": True}, "must be a whole number", id="workers-bool"),
        pytest.param({"validate_on_start": "maybe"}, "must be a true or false", id="bool-word"),
        pytest.param({"dataset_id": "Partners 2018"}, "must be a slug", id="slug"),
        pytest.param({"license": "CC-BY"}, "absolute http(s) IRI", id="licence"),
        pytest.param({"modified": "last week"}, "ISO 8601", id="modified"),
        pytest.param({"issued": "2026-13-01"}, "ISO 8601", id="issued"),
        pytest.param({"dataset_id": "a" * 37}, "at most 36 characters", id="identifier-length"),
        pytest.param({"contact_email": "ckp at example"}, "not an e-mail address", id="email"),
        pytest.param({"contact_url": "www.ckpodgorza.pl"}, "absolute http(s) IRI", id="contact"),
        pytest.param({"colour": "blue"}, "unknown setting(s): colour", id="unknown"),
        pytest.param({"update_frequency": "weekly"}, "must be one of DAILY", id="frequency"),
        pytest.param({"creator": "id/x> <y"}, "creator must be an IRI", id="creator"),
    ],
)
def test_bad_values_are_refused(values: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings.from_mapping(values, Path("."))


def test_bad_files_and_variables_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config file"):
        Settings.load(tmp_path / "absent.toml", env={})
    broken = tmp_path / "broken.toml"
    broken.write_text("base_iri = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken\.toml"):
        Settings.load(broken, env={})
    with pytest.raises(ConfigError, match="CKPLD_COLOUR"):
        Settings.load(env={"CKPLD_COLOUR": "blue"})


def test_numbers_and_switches_from_the_environment() -> None:
    env = {"CKPLD_PORT": "8080", "CKPLD_VALIDATE_ON_START": "no", "CKPLD_CACHE_MAX_AGE": "0"}
    settings = Settings.load(env=env)
    assert (settings.port, settings.validate_on_start, settings.cache_max_age) == (8080, False, 0)


def test_graph_names_follow_the_base() -> None:
    settings = Settings.from_mapping({"base_iri": "http://x.example/ld/"}, Path("."))
    assert settings.graph_iri("page") == "http://x.example/ld/graph/page"
    assert settings.dataset_iri == "http://x.example/ld/id/dataset/instytucje-partnerskie"
    assert settings.publisher_iri == "http://x.example/ld/id/organization/centrum-kultury-podgorza"


def test_every_setting_is_documented() -> None:
    readme = (Path(__file__).parent.parent / "docs" / "operations.md").read_text(encoding="utf-8")
    for name, _default, help_text in help_table():
        assert help_text
        assert f"`{name}`" in readme, f"setting {name} missing from docs/operations.md"
        assert f"CKPLD_{name.upper()}" in readme


def test_the_archived_pages_are_looked_for_beside_the_data(tmp_path: Path) -> None:
    beside = Settings.from_mapping({"data_dir": "/srv/ckp/data"}, tmp_path)
    assert beside.source_dir == Path("/srv/ckp/data/source")
    chosen = Settings.from_mapping({"data_dir": "d", "source_dir": "pages"}, tmp_path)
    assert chosen.source_dir == tmp_path / "pages"
    assert Settings.from_mapping({}, tmp_path).source_dir == tmp_path / "data" / "source"


def test_a_checkout_reads_its_own_folders_and_an_installation_the_wheels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ckpld import config

    carried = tmp_path / "resources"  # as the wheel lays out ckpld/resources/
    for inside in config.PACKAGED.values():
        (carried / inside).parent.mkdir(parents=True, exist_ok=True)
        if inside.endswith(".ttl"):
            (carried / inside).touch()
        else:
            (carried / inside).mkdir(exist_ok=True)
    monkeypatch.setattr(config, "RESOURCES", carried)
    here = Settings.from_mapping({}, ROOT)
    assert here.ontology_dir == ROOT / "ontology" and here.queries_dir == ROOT / "queries"
    elsewhere = Settings.from_mapping({}, tmp_path / "work")  # no such folders there
    for name, inside in config.PACKAGED.items():
        assert getattr(elsewhere, name) == carried / inside, name
    given = Settings.from_mapping({"queries_dir": "mine"}, tmp_path / "work")
    assert given.queries_dir == tmp_path / "work" / "mine"  # a setting given is kept as it is

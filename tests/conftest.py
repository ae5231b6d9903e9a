"""Shared fixtures: settings on the shipped data, the parsed dataset, its store and its report."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings as hypothesis_settings

from ckpld.config import Settings
from ckpld.model.report import Report
from ckpld.model.sources import Dataset, load, read_shapes
from ckpld.model.validation import validate
from ckpld.publish.history import archive_missing
from ckpld.store.local import LocalStore
from ckpld.web.app import create_app
from tests.oxigraph_server import OxigraphServer
from tests.virtuoso import Virtuoso

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CKPLD_SHARED_DIR") or ROOT.parent / "shared")

# Property-based tests (hypothesis). Under CI=true the examples are derandomized (the same ones on
# every run, no example database), so a CI failure reproduces anywhere; elsewhere each run draws
# new ones and remembers failures in .hypothesis/. HYPOTHESIS_PROFILE picks a profile ("thorough":
# ten times the examples).
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True, database=None)
hypothesis_settings.register_profile("thorough", deadline=None, max_examples=1000)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
)


def shared_path(relative: str) -> Path:
    """A file of ../shared (or $CKPLD_SHARED_DIR): material that is not ours to commit.

    Under CI=true its absence fails the test; elsewhere the test is skipped, the one case where
    a test may skip (see docs/development.md).
    """
    path = SHARED / relative
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared material missing under CI: {path}")
        pytest.skip(f"shared material not present: {path}")
    return path


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Default settings, paths resolved against the repository root; dumps, cache and on-disk
    store in fresh folders; no per-client SPARQL limit (every test client is one address)."""
    values = {
        "sparql_rate_limit": 0,
        "dumps_dir": tmp_path_factory.mktemp("dumps"),
        "releases_dir": tmp_path_factory.mktemp("releases"),
        "cache_dir": tmp_path_factory.mktemp("cache"),
        "store_path": tmp_path_factory.mktemp("store"),
    }
    return Settings.from_mapping(values, ROOT)


@pytest.fixture(scope="session", autouse=True)
def _record_untouched() -> Iterator[None]:
    """No test writes the repository's release record (a build on changed data must run on a
    copy of the data folder)."""
    path = ROOT / "data" / "releases.json"
    before = path.read_bytes()
    yield
    assert path.read_bytes() == before, (
        "a test changed data/releases.json: after editing the data, run `ckpld build` (it "
        "records the new version) before the tests"
    )


@pytest.fixture(scope="session", autouse=True)
def _no_archive_in_the_repository() -> Iterator[None]:
    """No test archives releases in the repository's default archive folder."""
    path = ROOT / "releases"
    before = sorted(p.name for p in path.iterdir()) if path.is_dir() else None
    yield
    after = sorted(p.name for p in path.iterdir()) if path.is_dir() else None
    assert after == before, "a test archived releases in the repository's releases/ folder"


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Commands run in a test remember verdicts, build stores and archive releases in fresh
    folders, not in the repository (a test may set its own)."""
    monkeypatch.setenv("CKPLD_CACHE_DIR", str(tmp_path_factory.mktemp("cli-cache")))
    monkeypatch.setenv("CKPLD_STORE_PATH", str(tmp_path_factory.mktemp("cli-store")))
    monkeypatch.setenv("CKPLD_RELEASES_DIR", str(tmp_path_factory.mktemp("cli-releases")))


@pytest.fixture(scope="session")
def history(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a git repository with three releases of edited data (tests/history.py),
    every one archived (rebuilt from its history). Tests must not change it: copy first."""
    from tests.history import make_history

    own = make_history(tmp_path_factory.mktemp("history"), settings)
    archive_missing(own, None, history=True, log=lambda _: None, strict=True)
    return own


@pytest.fixture(scope="session")
def history_app(history: Settings) -> Flask:
    """The application on the three-release history (read-only: tests must not change it)."""
    return create_app(history)


@pytest.fixture
def history_client(history_app: Flask) -> FlaskClient:
    """A test client of `history_app`."""
    return history_app.test_client()


@pytest.fixture(scope="session")
def dataset(settings: Settings) -> Dataset:
    """The shipped data and vocabulary, parsed."""
    return load(settings)


@pytest.fixture(scope="session")
def shapes(settings: Settings) -> rdflib.Graph:
    """The shipped SHACL shapes."""
    return read_shapes(settings)


@pytest.fixture(scope="session")
def report(dataset: Dataset, shapes: rdflib.Graph) -> Report:
    """The validation report of the shipped data."""
    return validate(dataset, shapes)


@pytest.fixture(scope="session")
def store(settings: Settings, dataset: Dataset) -> LocalStore:
    """The shipped data in the embedded store."""
    return LocalStore(settings.base_iri, dataset.quads)


@pytest.fixture(scope="session")
def app(settings: Settings) -> Flask:
    """The application on the shipped data, built once (read-only: tests must not change it)."""
    return create_app(settings)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of `app`."""
    return app.test_client()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A real Virtuoso on 127.0.0.1 holding the shipped dataset, loaded with `ckpld load`."""
    server = Virtuoso()
    try:
        server.wait_until_ready()
        server.load({"CKPLD_CACHE_DIR": str(tmp_path_factory.mktemp("load-cache"))})
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A real Oxigraph server on 127.0.0.1 holding the shipped dataset, loaded with `ckpld load`
    over the Graph Store Protocol."""
    server = OxigraphServer()
    try:
        server.wait_until_ready()
        server.load({"CKPLD_CACHE_DIR": str(tmp_path_factory.mktemp("load-cache"))}, "gsp")
        yield server
    finally:
        server.stop()


def iri(settings: Settings, relative: str) -> ox.NamedNode:
    """A node of the data, from its IRI relative to the base."""
    return ox.NamedNode(settings.base_iri + relative)


# Fixtures that start a program `make test` installs: a test that uses one (directly or through
# another fixture) is marked `external`; every test in tests/e2e/ is marked `e2e` (it starts a
# real server). `make check` leaves both out.
EXTERNAL_FIXTURES = frozenset({"virtuoso", "oxigraph"})
E2E = Path(__file__).parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if EXTERNAL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.external)
        if E2E in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def data_copy(settings: Settings, folder: Path, moment: int | None = None) -> Settings:
    """`settings` on a copy of the shipped data folder (release record included) in `folder`,
    with its own cache and dumps: a clone, dated `moment` (a Unix time) when given."""
    import shutil
    from dataclasses import replace

    data = folder / "data"
    shutil.copytree(ROOT / "data", data)
    if moment is not None:
        for path in data.rglob("*"):
            os.utime(path, (moment, moment))
    return replace(
        settings,
        data_dir=data,
        source_dir=data / "source",
        cache_dir=folder / "cache",
        dumps_dir=folder / "dumps",
        releases_dir=folder / "releases",
    )

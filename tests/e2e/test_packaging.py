"""ckpld as a user installs it: the wheel, built from this checkout, installed into a fresh
virtual environment, serves the shipped data from another working folder, with the vocabulary,
the cookbook and the browser assets it carries; without data it says which setting to set."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT
from tests.e2e.conftest import serving


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The python of a fresh virtual environment holding ckpld's wheel and its dependencies."""
    folder = tmp_path_factory.mktemp("wheel")
    build = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(folder)]
    subprocess.run([*build, str(ROOT)], check=True, timeout=600)
    (wheel,) = folder.glob("ckpld-*.whl")
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, str(wheel)], check=True, timeout=900)
    yield venv / "bin" / "python"


def test_the_installed_wheel_serves_the_data_from_anywhere(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"  # no ontology/, queries/ or node_modules/ here
    elsewhere.mkdir()
    env = {"CKPLD_DATA_DIR": str(ROOT / "data"), "CKPLD_SPARQL_RATE_LIMIT": "0"}
    with serving("--workers", "1", cwd=elsewhere, env=env, python=str(installed)) as server:
        home = requests.get(server.url + "/", headers={"Accept": "text/html"}, timeout=30)
        assert home.status_code == 200
        assert 'class="land"' in home.text  # the map's outlines, from the wheel's assets
        vocabulary = requests.get(server.url + "/def/ckp.ttl", timeout=30)
        assert vocabulary.status_code == 200 and "ckp:Partnership" in vocabulary.text
        recipe = requests.get(
            server.url + "/queries/partners",
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert recipe.status_code == 200 and len(recipe.json()["results"]["bindings"]) >= 6
        for name in ("yasgui.min.js", "yasgui.min.css"):
            asset = requests.get(server.url + f"/assets/yasgui/{name}", timeout=30)
            assert asset.status_code == 200 and len(asset.content) > 10_000, name
        source = requests.get(server.url + "/source/instytucje-partnerskie.txt", timeout=30)
        assert source.status_code == 200  # data_dir's source/ folder, found beside the data


def test_without_data_the_installed_ckpld_names_the_setting(
    installed: Path, tmp_path: Path
) -> None:
    done = subprocess.run(
        [str(installed), "-m", "ckpld", "validate"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "data_dir" in lines[0] and "CKPLD_DATA_DIR" in lines[0], lines

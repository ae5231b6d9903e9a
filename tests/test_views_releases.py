"""ckpld.web.views.releases: /releases/, a release's page, its files (immutable)."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from ckpld.config import Settings
from ckpld.web.app import create_app
from tests.history import NAMES

JSON = {"Accept": "application/json"}


@pytest.fixture
def client(history_client: FlaskClient) -> FlaskClient:
    return history_client


def test_the_list_has_every_release_newest_first(client: FlaskClient, history: Settings) -> None:
    listed = client.get("/releases/", headers=JSON)
    assert listed.status_code == 200 and listed.mimetype == "application/json"
    releases = listed.json["releases"]  # type: ignore[index]
    assert [r["name"] for r in releases] == list(reversed(NAMES))
    newest = releases[0]
    assert newest["current"] and newest["archived"] and newest["previous"] == NAMES[1]
    assert newest["url"] == f"{history.base_iri}releases/{NAMES[2]}/"
    assert newest["dataset"] == f"{history.dataset_iri}/{NAMES[2]}"
    assert releases[-1]["previous"] is None and not releases[-1]["current"]
    page = client.get("/releases/?lang=pl")
    assert page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "<h1>Wydania</h1>" in text
    assert text.index(f'href="/releases/{NAMES[2]}/') < text.index(f'href="/releases/{NAMES[0]}/')
    assert "15 czerwca 2026, 08:45 UTC" in text  # the record's date, as Polish writes it


def test_a_release_page_says_what_changed_in_the_reader_s_language(client: FlaskClient) -> None:
    english = client.get(f"/releases/{NAMES[1]}/", headers={"Accept-Language": "en"})
    assert english.status_code == 200
    text = english.get_data(as_text=True)
    assert "Added: Test Partner (organisation)" in text
    assert f'rel="prev" href="/releases/{NAMES[0]}/' in text
    assert f'rel="next" href="/releases/{NAMES[2]}/' in text
    polish = client.get(f"/releases/{NAMES[1]}/?lang=pl").get_data(as_text=True)
    assert "Dodano: Test Partner (organizacja)" in polish and "Co się zmieniło" in polish
    described = client.get(f"/releases/{NAMES[1]}/", headers=JSON).json
    assert described["changes"]["notes"][0]["kind"] == "added"  # type: ignore[index]
    assert {f["name"] for f in described["files"]} >= {"changes.rdfp", "catalog.ttl"}  # type: ignore[index]


def test_a_release_s_files_are_served_as_archived_and_cached_for_good(
    client: FlaskClient, history: Settings
) -> None:
    path = history.releases_dir / NAMES[0] / "changes.rdfp"
    url = f"/releases/{NAMES[0]}/changes.rdfp"
    with client.get(url) as got:
        assert got.status_code == 200 and got.data == path.read_bytes()
        assert got.mimetype == "application/rdf-patch"
        assert got.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        etag = hashlib.sha256(path.read_bytes()).hexdigest()
        assert got.headers["ETag"] == f'"{etag}"'
    with client.get(url, headers={"If-None-Match": f'"{etag}"'}) as again:
        assert again.status_code == 304
    with client.get(url, headers={"Range": "bytes=0-9"}) as part:
        assert part.status_code == 206 and part.data == path.read_bytes()[:10]


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/releases/1999-01-01/", "no release is called 1999-01-01"),
        ("/releases/nonsense/", "the releases are listed at /releases/"),
        (f"/releases/{NAMES[0]}/passwd", f"release {NAMES[0]} has no file passwd"),
        (f"/releases/{NAMES[0]}/..%2F..%2Fmanifest.json", "was not found"),  # no route
        ("/releases/1999-01-01/manifest.json", "no release is called"),
    ],
)
def test_what_is_not_there_is_a_clear_404(client: FlaskClient, path: str, says: str) -> None:
    with client.get(path, headers=JSON) as answer:
        assert answer.status_code == 404
        assert says in answer.get_data(as_text=True)


def test_a_release_this_server_lacks_says_how_to_make_it(history: Settings, tmp_path: Path) -> None:
    own = replace(history, releases_dir=tmp_path / "archive", dumps_dir=tmp_path / "dumps")
    shutil.copytree(history.releases_dir / NAMES[0], own.releases_dir / NAMES[0])
    client = create_app(own).test_client()
    listed = client.get("/releases/", headers=JSON).json["releases"]  # type: ignore[index]
    assert [r["archived"] for r in listed] == [False, False, True]
    answer = client.get(f"/releases/{NAMES[1]}/")
    assert answer.status_code == 404
    assert "ckpld releases rebuild" in answer.get_data(as_text=True)


def test_the_list_comes_as_html_or_json_only(client: FlaskClient) -> None:
    assert client.get("/releases/", headers={"Accept": "text/turtle"}).status_code == 406
    assert client.get(f"/releases/{NAMES[0]}/", headers={"Accept": "image/png"}).status_code == 406

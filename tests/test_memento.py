"""ckpld.web.memento and its views: TimeGates, TimeMaps and mementos (RFC 7089)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from memento_client import MementoClient

from ckpld.config import Settings
from ckpld.errors import NotFoundError
from ckpld.publish.record import Named
from ckpld.web.app import create_app
from ckpld.web.memento import BadDatetimeError, Places, accept_datetime, choose, in_force, timemap
from tests.history import ADDED, DATES, NAMES, RENAMED

R = [Named(n, i, f"{i:016x}", d) for i, (n, d) in enumerate(zip(NAMES, DATES, strict=True), 1)]


@pytest.fixture
def client(history_client: FlaskClient) -> FlaskClient:
    return history_client


def test_accept_datetime_is_an_http_date_or_now() -> None:
    assert accept_datetime("Sat, 01 Mar 2025 12:00:00 GMT") == datetime(2025, 3, 1, 12, tzinfo=UTC)
    assert abs((accept_datetime(None) - datetime.now(UTC)).total_seconds()) < 5
    for bad in ("garbage", "2025-03-01", "", "Sat, 01 Mar 2025 12:00:00"):
        with pytest.raises(BadDatetimeError):
            accept_datetime(bad)


def test_the_release_in_force_is_the_last_one_made_by_then() -> None:
    assert in_force(R, datetime(2024, 1, 1, tzinfo=UTC)) is None
    assert in_force(R, DATES[0]) == R[0]  # from the second it was made
    assert in_force(R, datetime(2025, 12, 31, tzinfo=UTC)) == R[1]
    assert in_force(R, datetime(2030, 1, 1, tzinfo=UTC)) == R[2]


def test_a_thing_is_found_only_in_the_releases_that_describe_it() -> None:
    assert choose(R, R[1:], datetime(2026, 1, 1, tzinfo=UTC), "x") == R[1]
    with pytest.raises(
        NotFoundError, match=r"did not exist yet .* published from release 2025\.03\.01"
    ):
        choose(R, R[1:], datetime(2024, 6, 1, tzinfo=UTC), "x")
    with pytest.raises(NotFoundError, match=r"before the first release, 2024\.01\.10"):
        choose(R, R, datetime(2023, 6, 1, tzinfo=UTC), "x")
    with pytest.raises(
        NotFoundError,
        match=r"not published in release 2025.03.01.*last release before was 2024.01.10 .*; it "
        r"is published again from release 2026.06.15",
    ):
        choose(R, [R[0], R[2]], datetime(2025, 6, 1, tzinfo=UTC), "x")
    with pytest.raises(NotFoundError, match="no release has ever published x"):
        choose(R, [], datetime(2025, 6, 1, tzinfo=UTC), "x")


def test_the_timemap_is_link_format_as_a_memento_client_reads_it() -> None:
    places = Places.of("http://example.org/", "organization/x")
    body = timemap(places, "http://example.org/", R).decode()
    links = MementoClient.parse_link_header(body)  # the client's own parser
    assert links["http://example.org/id/organization/x"]["rel"] == ["original"]
    assert links["http://example.org/timegate/id/organization/x"]["rel"] == ["timegate"]
    first = links["http://example.org/releases/2024.01.10/doc/organization/x"]
    assert first["rel"] == ["first", "memento"]
    assert first["datetime"] == ["Wed, 10 Jan 2024 09:30:00 GMT"]
    assert links["http://example.org/releases/2026.06.15/doc/organization/x"]["rel"] == [
        "last",
        "memento",
    ]
    assert links["http://example.org/timemap/id/organization/x"]["from"] == [
        "Wed, 10 Jan 2024 09:30:00 GMT"
    ]


def test_the_timegate_redirects_to_the_release_in_force(
    client: FlaskClient, history: Settings
) -> None:
    base = history.base_iri
    path = ADDED.removeprefix("id/")
    answer = client.get(
        f"/timegate/id/{path}", headers={"Accept-Datetime": "Sun, 01 Jun 2025 00:00:00 GMT"}
    )
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"{base}releases/{NAMES[1]}/doc/{path}"
    assert answer.headers["Vary"] == "Accept-Datetime"
    links = MementoClient.parse_link_header(answer.headers["Link"])
    assert links[f"{base}id/{path}"]["rel"] == ["original"]
    assert links[f"{base}timemap/id/{path}"]["rel"] == ["timemap"]
    memento = links[f"{base}releases/{NAMES[1]}/doc/{path}"]
    assert memento["rel"] == ["first", "prev", "memento"] or "memento" in memento["rel"]
    now = client.get(f"/timegate/id/{path}")  # no Accept-Datetime: now
    assert now.headers["Location"] == f"{base}releases/{NAMES[2]}/doc/{path}"


def test_before_a_thing_existed_the_timegate_says_from_when(client: FlaskClient) -> None:
    path = ADDED.removeprefix("id/")
    answer = client.get(
        f"/timegate/id/{path}", headers={"Accept-Datetime": "Sat, 01 Jun 2024 00:00:00 GMT"}
    )
    assert answer.status_code == 404
    assert f"published from release {NAMES[1]}" in answer.get_data(as_text=True)
    bad = client.get(f"/timegate/id/{path}", headers={"Accept-Datetime": "yesterday"})
    assert bad.status_code == 400 and "HTTP date" in bad.get_data(as_text=True)


def test_a_memento_is_the_document_as_that_release_had_it(
    client: FlaskClient, history: Settings
) -> None:
    path = RENAMED.removeprefix("id/")
    old = client.get(f"/releases/{NAMES[1]}/doc/{path}.nt").get_data(as_text=True)
    new = client.get(f"/releases/{NAMES[2]}/doc/{path}.nt").get_data(as_text=True)
    assert '"Centrum Kultury Travno"@pl' in old and "w Zagrzebiu" not in old
    assert '"Centrum Kultury Travno w Zagrzebiu"@pl' in new
    answer = client.get(f"/releases/{NAMES[1]}/doc/{path}", headers={"Accept": "text/turtle"})
    assert answer.headers["Memento-Datetime"] == "Sat, 01 Mar 2025 12:00:00 GMT"
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    links = MementoClient.parse_link_header(answer.headers["Link"])
    assert links[f"{history.base_iri}id/{path}"]["rel"] == ["original"]
    assert links[f"{history.base_iri}timegate/id/{path}"]["rel"] == ["timegate"]
    page = client.get(f"/releases/{NAMES[1]}/doc/{path}.html?lang=en").get_data(as_text=True)
    assert f"As release {NAMES[1]} had it" in page


def test_a_release_that_does_not_describe_a_thing_has_no_memento_of_it(client: FlaskClient) -> None:
    path = ADDED.removeprefix("id/")
    answer = client.get(f"/releases/{NAMES[0]}/doc/{path}")
    assert answer.status_code == 404
    assert f"release {NAMES[0]} does not describe" in answer.get_data(as_text=True)
    assert client.get("/timemap/id/organization/never").status_code == 404


def test_the_original_points_at_its_timegate_and_timemap(
    client: FlaskClient, history: Settings
) -> None:
    path = RENAMED.removeprefix("id/")
    for url in (f"/id/{path}", f"/doc/{path}"):
        links = MementoClient.parse_link_header(client.get(url).headers["Link"])
        assert links[f"{history.base_iri}timegate/id/{path}"]["rel"] == ["timegate"]
        assert links[f"{history.base_iri}timemap/id/{path}"]["rel"] == ["timemap"]


def test_without_a_release_nothing_points_at_a_timegate(
    client: FlaskClient, settings: Settings
) -> None:
    plain = create_app(settings).test_client()  # the shipped data, its archive empty
    assert "timegate" not in plain.get("/id/organization/encc").headers.get("Link", "")


def test_a_client_s_host_header_never_makes_a_memento_link(
    client: FlaskClient, history: Settings
) -> None:
    # An answer any client could shape would be kept by caches for everyone: the TimeGate's
    # links and redirect are made from the base IRI, whatever Host the request names.
    path = RENAMED.removeprefix("id/")
    for url in (f"/timegate/id/{path}", f"/timemap/id/{path}", f"/releases/{NAMES[1]}/doc/{path}"):
        answer = client.get(url, headers={"Host": "evil.example"})
        assert answer.status_code in (200, 302)
        said = " ".join(
            [
                answer.headers.get("Link", ""),
                answer.headers.get("Location", ""),
                answer.get_data(as_text=True),  # the TimeMap's links are its body
            ]
        )
        assert "evil.example" not in said and history.base_iri in said

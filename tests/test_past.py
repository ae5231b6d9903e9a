"""ckpld.publish.past: archived releases loaded as publications, a few at a time."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ckpld.config import Settings
from ckpld.errors import BusyError, NotFoundError
from ckpld.publish.past import Pasts, described, load
from ckpld.publish.publication import Publication, publish
from ckpld.publish.record import Named
from ckpld.store.documents import internal_query
from tests.history import ADDED, NAMES


@pytest.fixture(scope="module")
def pub(history: Settings) -> Publication:
    found = publish(history)
    found.release()
    return found


def entries(pub: Publication) -> list[Named]:
    return list(pub.releases.entries)


def test_a_past_release_is_its_own_data_dates_and_version(pub: Publication) -> None:
    first = entries(pub)[0]
    past = load(pub, first)
    try:
        assert past.version_id == first.version and past.modified == first.date
        assert past.past == first
        ask = f"ASK {{ <{pub.settings.base_iri}{ADDED}> ?p ?o }}"
        assert internal_query(past.store, ask).boolean is False  # not yet in the first
        assert internal_query(pub.store, ask).boolean is True
        graphs = internal_query(past.store, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")
        names = {row[0].value for row in graphs.rows if isinstance(row[0], ox.NamedNode)}
        assert pub.settings.graph_iri("metadata") in names  # its VoID, as on the server
        assert pub.settings.graph_iri("catalog") in names
    finally:
        past.store.close()


def test_what_each_release_describes(pub: Publication) -> None:
    first, second, _ = entries(pub)
    iri = pub.settings.base_iri + ADDED
    assert iri not in described(pub, first) and iri in described(pub, second)
    assert pub.settings.dataset_iri in described(pub, first)  # in its VoID


def test_the_newest_release_of_the_data_served_is_the_publication_itself(
    pub: Publication,
) -> None:
    with Pasts().hold(pub, entries(pub)[-1]) as found:
        assert found is pub


def test_only_releases_no_request_uses_are_let_go(pub: Publication) -> None:
    first, second, _ = entries(pub)
    pasts = Pasts(keep=1)
    try:
        with pasts.hold(pub, first) as one:
            with pasts.hold(pub, second):
                pass
            assert pasts.loaded() == [NAMES[0], NAMES[1]]  # the first is in use: kept
            assert internal_query(one.store, "ASK { ?s ?p ?o }").boolean
        assert pasts.loaded() == [NAMES[1]]  # then the least recently used goes
    finally:
        pasts.close()
    assert pasts.loaded() == []


def test_a_release_the_archive_lacks_is_not_found(pub: Publication) -> None:
    ghost = Named("1999.01.01", 99, "0" * 16, entries(pub)[0].date)
    with pytest.raises(NotFoundError, match="is not in the archive"):
        load(pub, ghost)


def test_at_most_so_many_releases_are_held_at_once(pub: Publication) -> None:
    first, second, _ = entries(pub)
    pasts = Pasts(keep=0, most=1)
    try:
        with pasts.hold(pub, first):
            with pytest.raises(BusyError) as busy, pasts.hold(pub, second):
                pass
            assert busy.value.retry_after == 1
        with pasts.hold(pub, second):  # the first let go: room again
            assert pasts.loaded() == [NAMES[1]]
        assert pasts.loaded() == []
    finally:
        pasts.close()

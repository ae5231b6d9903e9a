"""Loading a validated dataset into a remote store: SPARQL 1.1 Update or Graph Store Protocol.

Each named graph is replaced as a whole: `DROP SILENT GRAPH` then `INSERT DATA` in chunks (Update),
or one `PUT` of the graph as N-Triples (Graph Store Protocol). Loading is not atomic for readers of
the store: load into a store nobody reads yet, or accept that queries during the load may see a
graph half-written (a ckpld front keeps serving the version it started with until restarted).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox
import requests

from ckpld.errors import UpstreamError

CHUNK = 2000  # triples per INSERT DATA request: small enough for every engine's request limits
PROTOCOLS = ("update", "gsp")
TIMEOUT = (5.0, 600.0)


@dataclass(frozen=True)
class Target:
    """Where to load, and how.

    Attributes:
        url: The SPARQL Update endpoint ("update") or the Graph Store endpoint ("gsp").
        protocol: "update" or "gsp".
        user: User name, if the endpoint wants one.
        password: Its password.
        digest: HTTP Digest authentication (Virtuoso) instead of Basic.
    """

    url: str
    protocol: str = "update"
    user: str | None = None
    password: str | None = None
    digest: bool = False


def load_into(target: Target, graphs: Mapping[str, Sequence[ox.Triple]]) -> int:
    """Replace each named graph of `graphs` in the store at `target`; return the triples sent.

    Raises:
        UpstreamError: the store cannot be reached or refuses a request (the message says which
            graph; graphs before it are loaded, it and those after it may not be).
    """
    session = requests.Session()
    if target.user is not None:
        password = target.password or ""
        session.auth = (
            requests.auth.HTTPDigestAuth(target.user, password)
            if target.digest
            else (target.user, password)
        )
    sent = 0
    with session:
        for graph, triples in graphs.items():
            if target.protocol == "gsp":
                body = "".join(f"{t} .\n" for t in triples).encode()
                _send(
                    session,
                    "PUT",
                    target.url,
                    graph,
                    params={"graph": graph},
                    data=body,
                    headers={"Content-Type": "application/n-triples"},
                )
            else:
                name = ox.NamedNode(graph)
                _send(
                    session, "POST", target.url, graph, data={"update": f"DROP SILENT GRAPH {name}"}
                )
                for chunk in _chunks(triples):
                    statements = "".join(f"{t} .\n" for t in chunk)
                    update = f"INSERT DATA {{ GRAPH {name} {{\n{statements}}} }}"
                    _send(session, "POST", target.url, graph, data={"update": update})
            sent += len(triples)
    return sent


def _chunks(triples: Sequence[ox.Triple]) -> Iterator[list[ox.Triple]]:
    iterator = iter(triples)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def _send(session: requests.Session, method: str, url: str, graph: str, **kwargs: object) -> None:
    try:
        response = session.request(method, url, timeout=TIMEOUT, **kwargs)  # type: ignore[arg-type]
    except requests.RequestException as err:
        raise UpstreamError(f"cannot reach the store at {url}: {err.__class__.__name__}") from err
    if response.status_code >= 300:
        reason = " ".join(response.text.split())[:300]
        raise UpstreamError(
            f"the store refused graph {graph} ({response.status_code} {response.reason}): {reason}"
        )

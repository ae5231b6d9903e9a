"""Health for whoever runs ckpld behind a load balancer: /healthz (alive) and /readyz (ready)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ckpld.errors import CkpldError
from ckpld.web.views.base import publication

bp = Blueprint("health", __name__)

READY_TIMEOUT = 2.0  # seconds the store may take to answer the readiness probe


@bp.get("/healthz")
def healthz() -> Response:
    """The process answers; with the data version it serves (cheap: no store access)."""
    pub = publication()
    return _no_store(
        jsonify(
            status="ok",
            version=pub.version_id,
            modified=pub.modified.isoformat(),
            triples=pub.statistics.triples,
        )
    )


@bp.get("/readyz")
def readyz() -> Response:
    """The store answers a query: 200 when requests can be served, else 503 with the reason."""
    pub = publication()
    try:
        pub.store.query("ASK { ?s ?p ?o }", timeout=READY_TIMEOUT)
    except CkpldError as err:
        response = jsonify(status="unavailable", version=pub.version_id, detail=err.detail)
        response.status_code = 503
        return _no_store(response)
    return _no_store(jsonify(status="ready", version=pub.version_id))


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"  # never kept by ckpld's cache or a proxy
    return response

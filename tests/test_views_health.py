"""Health and readiness endpoints."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ckpld.errors import UpstreamError


def test_healthz_says_which_data_is_served(client: FlaskClient, app: Flask) -> None:
    response = client.get("/healthz")
    pub = app.extensions["ckpld"]
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.json == {
        "status": "ok",
        "version": pub.version_id,
        "modified": pub.modified.isoformat(),
        "triples": pub.statistics.triples,
    }


def test_readyz_asks_the_store(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready = client.get("/readyz").json
    assert ready is not None and ready["status"] == "ready"
    store = app.extensions["ckpld"].store

    def down(*args: object, **kwargs: object) -> None:
        raise UpstreamError("the SPARQL store does not answer")

    monkeypatch.setattr(store, "query", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json
    assert body is not None
    assert body["status"] == "unavailable"
    assert body["detail"] == "the SPARQL store does not answer"
    assert client.get("/healthz").status_code == 200  # alive all the same

"""gunicorn's production settings, and what a reload does with good and bad data."""

from __future__ import annotations

import dataclasses

import pytest

from ckpld.config import Settings
from ckpld.errors import DataInvalidError
from ckpld.web.access import AccessLog
from ckpld.web.server import _Gunicorn, options_for


def test_production_defaults(settings: Settings) -> None:
    options = options_for(settings)
    assert options["bind"].startswith("127.0.0.1:")  # only this machine, unless told otherwise
    assert options["timeout"] > settings.query_timeout  # a long query is not a hung worker
    assert options["max_requests"] == settings.max_requests > 0
    assert 0 < options["max_requests_jitter"] < options["max_requests"]
    assert options["logger_class"] is AccessLog and options["preload_app"] is True
    wide = options_for(dataclasses.replace(settings, host="0.0.0.0", max_requests=0))
    assert wide["bind"].startswith("0.0.0.0:") and wide["max_requests"] == 0


def test_reload_keeps_the_application_when_the_new_data_is_refused(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    served, fresh = object(), object()
    outcomes: list[object] = [DataInvalidError("ckps:GeoLatitude: 95 is out of range"), fresh]

    def rebuild() -> object:
        found = outcomes.pop(0)
        if isinstance(found, Exception):
            raise found
        return found

    server = _Gunicorn(served, options_for(settings), rebuild)
    server.reload()
    assert server.load() is served
    assert "reload refused (data does not validate)" in caplog.text
    assert "95 is out of range" in caplog.text
    server.reload()
    assert server.load() is fresh and server.wsgi() is fresh

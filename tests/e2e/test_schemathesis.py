"""schemathesis against a live server: every operation of /openapi.json, fuzzed within bounds.

Each operation of the description (ckpld.web.openapi) is one test. schemathesis sends the
description's examples, its coverage cases (boundary and invalid values of every parameter and
body, missing ones, and methods the path does not have), then `MAX_EXAMPLES` generated requests,
valid and invalid; generation is deterministic (derandomized, a fixed seed, no example database,
no constants read from the source), so every run sends the same requests. Every answer is
checked: no 5xx; a documented status; a documented media type; the documented headers (required
ones present, values matching their schemas); a body matching its schema (the JSON ones:
problem details, SPARQL JSON results, JSON-LD, the manifest, health); and for a method the path
does not have, a 405 that says which it has (`Allow`). Redirects are not followed: a 303 is the
answer checked. About 3,400 requests, half a minute on two cores.

Nothing is excluded. Some operations can only be fuzzed shallowly, and say so here:
- /static/{filename}, /assets/yasgui/{name}, /dumps/{name}, /source/{name}: a fixed set of
  files; generated names are 404s, the description's examples reach the real files (200, 206 for
  a `Range`).
- /sparql (GET, POST) and /queries/{name}: generated text is rarely a SPARQL query, so most
  answers are 400s (each checked); the examples are real SELECT, ASK and CONSTRUCT queries.
- /readyz: its 503 (the store does not answer) cannot happen against a healthy server.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
import requests
import schemathesis
from schemathesis import checks

from ckpld.web.openapi import description
from tests.e2e import schemathesis_hooks  # noqa: F401  (application/sparql-query bodies)
from tests.e2e.conftest import LiveServer, serving

if TYPE_CHECKING:  # an alias schemathesis defines for type checkers only
    from schemathesis.specs.openapi.schemas import OpenApiCase

pytestmark = pytest.mark.e2e

MAX_EXAMPLES = 20  # generated requests per operation, after its examples and coverage cases
SEED = 20260101

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        "analysis": {"constants": {"enabled": False}},  # they vary with set order: not repeatable
        "phases": {"stateful": {"enabled": False}},  # nothing is created: no links to follow
        "request-timeout": 30,
        "cache": {"enabled": False},  # no .schemathesis/ folder left in the work tree
    }
)
schema = schemathesis.openapi.from_dict(description(), config=CONFIG)

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.unsupported_method,
    checks.allow_header_conformance,
]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    """One server (two workers) on 127.0.0.1 for the module, stopped at the end."""
    # thousands of generated requests from one address: no per-client limit here
    with serving("--workers", "2", env={"CKPLD_SPARQL_RATE_LIMIT": "0"}) as live:
        yield live


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as opened:
        yield opened


def test_the_server_serves_the_description_fuzzed(server: LiveServer) -> None:
    response = requests.get(server.url + "/openapi.json", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == description()


@schema.parametrize()
def test_operation_conforms(
    case: OpenApiCase, server: LiveServer, session: requests.Session
) -> None:
    case.call_and_validate(
        base_url=server.url, session=session, checks=CHECKS, allow_redirects=False
    )

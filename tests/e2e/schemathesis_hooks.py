"""What schemathesis needs to know of ckpld beyond /openapi.json, for the tests and by hand.

A query sent as itself (`application/sparql-query`) is text: sent as schemathesis sends text.
For the command line: `SCHEMATHESIS_HOOKS=tests.e2e.schemathesis_hooks schemathesis run …`.
"""

from __future__ import annotations

import schemathesis

schemathesis.serializer.alias("application/sparql-query", "text/plain")

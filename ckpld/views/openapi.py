"""/openapi.json: the OpenAPI 3.1 description of the whole HTTP interface (ckpld.openapi)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, request

from ckpld.openapi import description
from ckpld.views.representation import Representation, respond
from ckpld.views.resource import publication

bp = Blueprint("openapi", __name__)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The description, as JSON; the same bytes for the life of the server."""
    pub = publication()
    rep = pub.cache.get(
        ("openapi",),
        lambda: Representation(
            json.dumps(description(), ensure_ascii=False, indent=1).encode(),
            "application/json",
            f"{pub.etag_base}-openapi",
            pub.modified,
        ),
    )
    return respond(rep, request, pub.settings.cache_max_age)

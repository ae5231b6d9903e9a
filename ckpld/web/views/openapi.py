"""/openapi.json: the OpenAPI 3.1 description of the whole HTTP interface (ckpld.web.openapi)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, request

from ckpld.web.openapi import description
from ckpld.web.views.base import publication
from ckpld.web.views.representation import Representation, respond

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

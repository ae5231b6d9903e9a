"""The ceiling without protections: Flask calling pyoxigraph in the worker itself, on the same
dataset (N-Quads dump in $BENCH_NQUADS), its data graphs merged in the default graph as ckpld
merges them. No query process, no deadline, no memory bound, no sandbox, no caches: the
distinct-query rows compare ckpld with it to show what those protections cost."""

import os

import pyoxigraph as ox
from flask import Flask, Response, request

BASE = "https://dane.ckpodgorza.pl/"
DATA_GRAPHS = ("page", "enrichment", "vocabulary")

store = ox.Store()
store.bulk_load(path=os.environ["BENCH_NQUADS"], format=ox.RdfFormat.N_QUADS)
listed = " ".join(f"<{BASE}graph/{name}>" for name in DATA_GRAPHS)
store.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {listed} }} GRAPH ?g {{ ?s ?p ?o }} }}")

app = Flask(__name__)


@app.get("/sparql")
def sparql() -> Response:
    answer = store.query(request.args["query"], base_iri=BASE)
    body = answer.serialize(format=ox.QueryResultsFormat.JSON)
    return Response(body, content_type="application/sparql-results+json")

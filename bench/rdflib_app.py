"""The comparison: rdflib-endpoint (FastAPI + rdflib) serving the same dataset (N-Quads dump in
$BENCH_NQUADS; the default graph is the union of the named graphs, as in ckpld)."""

import os

import rdflib
from rdflib_endpoint import SparqlEndpoint

dataset = rdflib.Dataset(default_union=True)
dataset.parse(os.environ["BENCH_NQUADS"], format="nquads")
app = SparqlEndpoint(graph=dataset, public_url="http://127.0.0.1/")

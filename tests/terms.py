"""Terms as a test expects them, checked: the type checker then knows what they are.

pyoxigraph types a quad's parts and a solution's values as unions (a subject may be a quoted
triple, a graph name the default graph, a value unbound); rdflib's `Graph.value` and
`Graph.objects` give any node, or None. A test that expects an IRI, a blank node or a literal
says so with these, and fails with the term it got otherwise.
"""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from rdflib.term import Node


def value_of(
    term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph | None,
) -> str:
    """The value of an IRI, a blank node or a literal: not a quoted triple, the default graph or
    an unbound variable."""
    assert isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal), term
    return term.value


def as_literal(node: Node | None) -> rdflib.Literal:
    """A node that must be a literal (as `Graph.value` gives it: any node, or None)."""
    assert isinstance(node, rdflib.Literal), node
    return node

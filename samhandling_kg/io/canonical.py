"""Blank-node labels that do not depend on the run: what makes ``export`` byte-identical.

rdflib's :func:`rdflib.compare.to_canonical_graph` (the reference) took 71 s for a 1,000-item
``rdf:List`` and 55 s for a 2,000-link blank-node chain, and recursed on long chains. Here the
blank nodes that form no cycle among themselves (lists, chains, nested ``[ ]``: all of real
data) are labelled in linear time by hashing, in two passes over a topological order:

* *down*: a node's own statements (with IRIs and literals) and the *down* hashes of the blank
  nodes it points to;
* *final*: its *down* hash and the *final* labels of the blank nodes pointing to it.

Two blank nodes with the same *final* hash have the same statements below them and the same
parents, so they are interchangeable: the first to be met gets the label, the next a counter
after it, and the nodes below each follow their own parent. The output is the same whichever
is met first. Graphs whose blank nodes form a cycle go to the reference, up to
:data:`MAX_CYCLIC_BLANK_NODES` blank nodes.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict, deque
from collections.abc import Iterable

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from samhandling_kg.core.errors import SamhandlingError

Triple = tuple[Node, Node, Node]

#: Blank nodes a graph with a blank-node cycle may hold: the reference's canonical labelling
#: is exponential in the worst case and recursive.
MAX_CYCLIC_BLANK_NODES = 2000


def _hash(*parts: Iterable[str] | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        for item in [part] if isinstance(part, str) else part:
            digest.update(item.encode("utf-8", "surrogatepass"))
            digest.update(b"\x00")
        digest.update(b"\x01")
    return digest.hexdigest()


def canonical_triples(graph: Graph) -> list[Triple]:
    """The triples of ``graph`` with every blank node relabelled canonically (see the module),
    sorted by their N-Triples form."""
    relabelled = _relabel_acyclic(graph)
    if relabelled is None:
        blank = {t for triple in graph for t in triple if isinstance(t, BNode)}
        if len(blank) > MAX_CYCLIC_BLANK_NODES:
            raise SamhandlingError(
                f"{len(blank)} blank nodes that refer to each other in a cycle are more than can be "
                f"labelled reproducibly (limit {MAX_CYCLIC_BLANK_NODES}); give them IRIs")
        try:
            relabelled = list(to_canonical_graph(graph))
        except RecursionError:
            raise SamhandlingError("blank nodes nested too deeply to be labelled reproducibly") from None
    return sorted(relabelled, key=lambda t: tuple(term.n3() for term in t))


def _relabel_acyclic(graph: Graph) -> list[Triple] | None:
    """The relabelled triples, or None when blank nodes form a cycle among themselves."""
    local: dict[BNode, list[str]] = defaultdict(list)  # statements with IRIs and literals
    children: dict[BNode, list[tuple[str, BNode]]] = defaultdict(list)
    parents: dict[BNode, list[tuple[str, BNode]]] = defaultdict(list)
    nodes: set[BNode] = set()
    for s, p, o in graph:
        s_blank, o_blank = isinstance(s, BNode), isinstance(o, BNode)
        if s_blank:
            nodes.add(s)  # type: ignore[arg-type]
        if o_blank:
            nodes.add(o)  # type: ignore[arg-type]
        if s_blank and o_blank:
            if s == o:
                return None
            children[s].append((p.n3(), o))  # type: ignore[index,arg-type]
            parents[o].append((p.n3(), s))  # type: ignore[index,arg-type]
        elif s_blank:
            local[s].append("o " + p.n3() + " " + o.n3())  # type: ignore[index]
        elif o_blank:
            local[o].append("s " + s.n3() + " " + p.n3())  # type: ignore[index]
    if not nodes:
        return list(graph)
    # Kahn's algorithm: parents before children; a cycle leaves nodes unplaced.
    waiting = {n: len(parents[n]) for n in nodes}
    queue = deque(n for n, count in waiting.items() if count == 0)
    order: list[BNode] = []
    while queue:
        node = queue.popleft()
        order.append(node)
        for _, child in children[node]:
            waiting[child] -= 1
            if waiting[child] == 0:
                queue.append(child)
    if len(order) != len(nodes):
        return None
    down: dict[BNode, str] = {}
    for node in reversed(order):
        down[node] = _hash("d", sorted(local[node]), sorted(p + " " + down[c] for p, c in children[node]))
    final: dict[BNode, str] = {}
    used: set[str] = set()
    for node in order:
        label = _hash("f", down[node], sorted(p + " " + final[s] for p, s in parents[node]))
        base, count = label, 0
        while label in used:  # interchangeable nodes: see the module
            count += 1
            label = _hash(base, str(count))
        used.add(label)
        final[node] = label
    mapping = {node: BNode("c" + label[:40]) for node, label in final.items()}
    return [tuple(mapping.get(t, t) if isinstance(t, BNode) else t for t in triple)  # type: ignore[misc]
            for triple in graph]

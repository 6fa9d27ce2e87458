"""Times of the issue-8 fixes against the code they replace, on the hostile inputs.

    python benchmarks/hostile_inputs.py [--size 1000]

Prints figures and ratios; asserts nothing (timings belong here, not in the tests):

* export's blank-node labelling (samhandling_kg.io.canonical) against rdflib's canonical labelling
  (the reference) on an rdf:List and a blank-node chain of SIZE items;
* reading a Turtle file of SIZE x 4 ``@prefix`` lines with the recording namespace manager
  against a plain rdflib parse.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable

import rdflib
from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph

from samhandling_kg.io.canonical import canonical_triples
from samhandling_kg.io.rdf import parse_bytes

EX = "https://example.org/"


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def rdf_list(size: int) -> Graph:
    items = " ".join(f'"{i}"' for i in range(size))
    return Graph().parse(data=f"<{EX}s> <{EX}p> ({items}) .", format="turtle")


def chain(size: int) -> Graph:
    graph = Graph()
    previous: URIRef | BNode = URIRef(EX + "s")
    for _ in range(size):
        node = BNode()
        graph.add((previous, URIRef(EX + "p"), node))
        previous = node
    return graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    args = parser.parse_args()
    print(f"python {platform.python_version()}, rdflib {rdflib.__version__}, size {args.size}")
    limit = sys.getrecursionlimit()
    for name, make in (("rdf:List", rdf_list), ("blank-node chain", chain)):
        graph = make(args.size)
        ours = timed(lambda: canonical_triples(graph))  # noqa: B023
        try:
            reference = timed(lambda: to_canonical_graph(graph))  # noqa: B023
            shown = f"{reference:.2f} s"
            ratio = f"{reference / ours:.0f}x"
        except RecursionError:
            shown, ratio = f"RecursionError (limit {limit})", "-"
        print(f"{name:18} canonical_triples {ours:.2f} s   rdflib to_canonical_graph {shown}   ratio {ratio}")
    text = "".join(f"@prefix p{i}: <{EX}{i}/> .\n" for i in range(args.size * 4)) + f'<{EX}a> <{EX}b> "c" .\n'
    ours = timed(lambda: parse_bytes(text.encode(), "prefixes.ttl", format="turtle"))
    plain = timed(lambda: Graph().parse(data=text, format="turtle"))
    print(f"{args.size * 4} @prefix lines   parse_bytes {ours:.2f} s   rdflib Graph.parse {plain:.2f} s   "
          f"ratio {plain / ours:.0f}x")


if __name__ == "__main__":
    main()

"""The linear blank-node labelling of ``export`` against rdflib's canonical labelling (the
reference, rdflib.compare.to_canonical_graph): the same graph up to isomorphism, the same
output whatever the blank nodes were called and in whatever order the triples came."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_canonical_graph

from samhandling_kg.io.canonical import canonical_triples

EX = "https://example.org/"


def _random_graph(rng: random.Random, cyclic: bool) -> Graph:
    blanks = [BNode() for _ in range(rng.randint(1, 12))]
    iris = [URIRef(f"{EX}{i}") for i in range(3)]
    predicates = [URIRef(f"{EX}p{i}") for i in range(2)]
    graph = Graph()
    for _ in range(rng.randint(1, 30)):
        s = rng.choice(blanks + iris)
        o_choices = blanks + iris + [Literal("x"), Literal("y", lang="nb")]
        o = rng.choice(o_choices)
        if not cyclic and isinstance(s, BNode) and isinstance(o, BNode) and blanks.index(o) <= blanks.index(s):
            continue  # edges only forward: no blank-node cycle
        graph.add((s, rng.choice(predicates), o))
    return graph


def _renamed(graph: Graph, rng: random.Random) -> Graph:
    triples = list(graph)
    rng.shuffle(triples)
    names: dict[BNode, BNode] = {}
    out = Graph()
    for triple in triples:
        out.add(tuple(names.setdefault(t, BNode()) if isinstance(t, BNode) else t for t in triple))  # type: ignore[arg-type]
    return out


@pytest.mark.parametrize("cyclic", [False, True])
@pytest.mark.parametrize("seed", range(60))
def test_same_graph_as_the_reference_and_independent_of_names(seed: int, cyclic: bool) -> None:
    rng = random.Random(seed)
    graph = _random_graph(rng, cyclic)
    labelled = canonical_triples(graph)
    as_graph = Graph()
    for triple in labelled:
        as_graph.add(triple)
    assert len(as_graph) == len(graph)  # no two blank nodes merged
    assert isomorphic(as_graph, to_canonical_graph(graph))
    assert canonical_triples(_renamed(graph, rng)) == labelled


def test_interchangeable_blank_nodes_stay_apart() -> None:
    graph = Graph()
    for _ in range(2):  # ex:s ex:p [ ex:q [ ex:r "1" ] ] twice
        a, b = BNode(), BNode()
        graph.add((URIRef(EX + "s"), URIRef(EX + "p"), a))
        graph.add((a, URIRef(EX + "q"), b))
        graph.add((b, URIRef(EX + "r"), Literal("1")))
    labelled = canonical_triples(graph)
    assert len(set(labelled)) == 6
    assert canonical_triples(_renamed(graph, random.Random(1))) == labelled


def test_long_chains_and_lists_in_linear_time_without_recursion() -> None:
    """The reference took 55 s for a 2,000-link chain and 71 s for a 1,000-item list; here a
    20,000-link chain is labelled (no timing assert: benchmarks time; this only must finish)."""
    graph = Graph()
    previous: URIRef | BNode = URIRef(EX + "s")
    for _ in range(20000):
        node = BNode()
        graph.add((previous, URIRef(EX + "p"), node))
        previous = node
    assert len(canonical_triples(graph)) == 20000


def test_export_of_the_same_data_is_the_same_in_another_process(tmp_path: Path) -> None:
    data = tmp_path / "chain.ttl"
    chain = "".join(f"_:b{i} ex:p _:b{i + 1} .\n" for i in range(1500))  # 55 s in the reference
    data.write_text("@prefix ex: <https://example.org/> .\nex:s ex:p _:b0 ;\n  ex:list ("
                    + " ".join(f'"{i}"' for i in range(300)) + ") .\n" + chain)
    outputs = set()
    for seed in ("1", "2"):
        proc = subprocess.run([sys.executable, "-c", "import sys; from samhandling_kg.cli import main; "
                               "sys.exit(main(sys.argv[1:]))", "export", "--format", "nt", "--data", str(data)],
                              capture_output=True, text=True, timeout=120, env={"PYTHONHASHSEED": seed, "PATH": ""})
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.count("_:c") > 600
        outputs.add(proc.stdout)
    assert len(outputs) == 1

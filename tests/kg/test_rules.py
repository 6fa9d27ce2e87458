"""``--infer`` in Oxigraph (samhandling_kg.kg.rules) against owlrl, the oracle: the same closure
(minus the noise ``materialise`` removes, and owlrl's fixed typing of the W3C vocabularies)
on the ontology, the examples and generated catalogues; the same answers to every question."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from catalogue_gen import write_catalogue
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import OWL, RDF, RDFS

from samhandling_kg.io.oxigraph import to_ox, to_rdflib
from samhandling_kg.kg.graph import load_knowledge_graph, materialise
from samhandling_kg.kg.questions import list_questions
from samhandling_kg.kg.rules import materialise_store
from samhandling_kg.stores.local import OxigraphStore, RdflibStore

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.ttl"))
W3C = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#",
       "http://www.w3.org/2001/XMLSchema#", "http://www.w3.org/2002/07/owl#")


def _vocabulary_typing(graph: Graph) -> Graph:
    """Without the triples owlrl adds about the W3C vocabularies whatever the data: each
    OWL 2 RL datatype typed rdfs:Datatype, each built-in annotation property typed
    owl:AnnotationProperty; and without owlrl's reports of inconsistencies (an error message
    written into the closure; the rules do not check consistency, validation does)."""
    out = Graph()
    errors = "http://www.daml.org/2002/03/agents/agent-ont#"
    for s, p, o in graph:
        if p == RDF.type and o in (RDFS.Datatype, OWL.AnnotationProperty) and str(s).startswith(W3C):
            continue
        if str(p).startswith(errors) or str(o).startswith(errors):
            continue
        out.add((s, p, o))
    return out


def closures(files: list[Path]) -> tuple[Graph, Graph]:
    graph = load_knowledge_graph(files)
    reference = _vocabulary_typing(materialise(graph))
    store = ox.Store()
    store.extend(ox.Quad(to_ox(s, "b"), to_ox(p), to_ox(o, "b")) for s, p, o in graph)  # type: ignore[arg-type]
    materialise_store(store)
    mine = Graph()
    for quad in store:
        mine.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return mine, reference


def assert_same_closure(files: list[Path]) -> None:
    mine, reference = closures(files)
    if to_isomorphic(mine) != to_isomorphic(reference):
        _, only_mine, only_reference = graph_diff(to_isomorphic(mine), to_isomorphic(reference))
        raise AssertionError(f"only rules: {sorted(only_mine)[:20]}\nonly owlrl: {sorted(only_reference)[:20]}")
    assert len(mine) > len(load_knowledge_graph(files))  # something was inferred


def test_ontology_alone() -> None:
    assert_same_closure([])


def test_examples() -> None:
    assert_same_closure(EXAMPLES)


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_catalogue(tmp_path: Path, seed: int) -> None:
    assert_same_closure([write_catalogue(tmp_path / "c.ttl", 40, seed=seed, defective=0.5)])


def test_every_question_answers_alike_with_infer() -> None:
    reference = RdflibStore(load_knowledge_graph(EXAMPLES, infer=True))
    store = OxigraphStore.with_knowledge_graph(EXAMPLES, infer=True)
    asked = 0
    for question in list_questions():
        terms = question.bindings({})
        expected = reference.query(question.query, terms, source=question.id)
        got = store.query(question.query, terms, source=question.id)
        assert got.as_set() == expected.as_set(), question.id
        asked += 1
    assert asked >= 10


def test_a_subclass_instance_gets_the_superclass_and_inverse() -> None:
    store = ox.Store()
    sam = "https://w3id.org/samhandling#"
    text = (f"<{sam}A> <{RDFS.subClassOf}> <{sam}B> . <https://example.org/x> a <{sam}A> .\n"
            f"<{sam}p> <{OWL.inverseOf}> <{sam}q> . <https://example.org/x> <{sam}p> <https://example.org/y> .")
    store.load(text, ox.RdfFormat.TURTLE)
    materialise_store(store)
    assert ox.Quad(ox.NamedNode("https://example.org/x"), ox.NamedNode(str(RDF.type)),
                   ox.NamedNode(sam + "B")) in store
    assert ox.Quad(ox.NamedNode("https://example.org/y"), ox.NamedNode(sam + "q"),
                   ox.NamedNode("https://example.org/x")) in store
    assert URIRef(sam)  # the namespace used above

"""OWL 2 RL entailments as SPARQL rules, iterated to a fixpoint inside Oxigraph.

owlrl (the reference, :func:`samhandling_kg.kg.graph.materialise`) takes minutes on a catalogue of
10,000 records. The rules here are the OWL 2 RL rules the ontology's axioms make fire (W3C OWL 2
Profiles, section 4.3), each a SPARQL ``INSERT … WHERE``, run in rounds until a round adds
nothing:

* instances: ``cax-sco``, ``cax-eqc1/2`` (classes), ``cls-uni`` (union classes), ``prp-dom``,
  ``prp-rng`` (domain and range), ``prp-spo1``, ``prp-eqp1/2`` (sub- and equivalent
  properties), ``prp-inv1/2`` (inverses), ``prp-trp`` (transitive), ``prp-symp`` (symmetric),
  ``prp-spo2`` (property chains, one rule per chain of the data);
* schema: ``cls-thing``, ``cls-nothing1``, ``scm-cls``, ``scm-sco``, ``scm-eqc1/2``, ``scm-op``, ``scm-dp``, ``scm-spo``,
  ``scm-eqp1/2``, ``scm-dom1/2``, ``scm-rng1/2``, ``scm-uni``; ``scm-cls`` for restrictions as
  owlrl does it (reflexive subclass and equivalence only).

Not included: ``cls-avf`` (the ontology's one ``owl:allValuesFrom``, organisational forms
supported by technical forms only, types the target of a wrong link; validation reports such
data instead, ``samsh:SupportedByDirection``), ``owl:sameAs`` and the equality rules (``eq-*``, and ``prp-fp``/``prp-ifp`` that
derive sameAs), consistency checks (``cax-dw``, ``prp-irp`` …), datatype reasoning. The test
tests/kg/test_rules.py compares the closure with owlrl's on the ontology, the examples and
generated catalogues and names every difference.
"""

from __future__ import annotations

import time

import pyoxigraph as ox

from samhandling_kg.core import limits
from samhandling_kg.core.errors import SamhandlingError, localised
from samhandling_kg.io.oxigraph import solutions, term

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"

_PREFIXES = f"PREFIX rdf: <{RDF}>\nPREFIX rdfs: <{RDFS}>\nPREFIX owl: <{OWL}>\n"

#: The fixed rules: (name, INSERT … WHERE …).
RULES: tuple[tuple[str, str], ...] = tuple((name, _PREFIXES + text) for name, text in (
    ("cax-sco", "INSERT { ?x a ?c2 } WHERE { ?c1 rdfs:subClassOf ?c2 . ?x a ?c1 }"),
    ("cax-eqc", "INSERT { ?x a ?c2 } WHERE { { ?c1 owl:equivalentClass ?c2 } UNION "
                "{ ?c2 owl:equivalentClass ?c1 } ?x a ?c1 }"),
    ("cls-uni", "INSERT { ?x a ?c } WHERE { ?c owl:unionOf ?list . ?list rdf:rest*/rdf:first ?member . "
                "?x a ?member }"),
    ("prp-dom", "INSERT { ?x a ?c } WHERE { ?p rdfs:domain ?c . ?x ?p ?y }"),
    ("prp-rng", "INSERT { ?y a ?c } WHERE { ?p rdfs:range ?c . ?x ?p ?y FILTER (!isLiteral(?y)) }"),
    ("prp-spo1", "INSERT { ?x ?p2 ?y } WHERE { ?p1 rdfs:subPropertyOf ?p2 . ?x ?p1 ?y "
                 "FILTER (?p1 != ?p2) }"),
    ("prp-eqp", "INSERT { ?x ?p2 ?y } WHERE { { ?p1 owl:equivalentProperty ?p2 } UNION "
                "{ ?p2 owl:equivalentProperty ?p1 } ?x ?p1 ?y FILTER (?p1 != ?p2) }"),
    ("prp-inv", "INSERT { ?y ?q ?x } WHERE { { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } "
                "?x ?p ?y FILTER (!isLiteral(?y)) }"),
    ("prp-trp", "INSERT { ?x ?p ?z } WHERE { ?p a owl:TransitiveProperty . ?x ?p ?y . ?y ?p ?z }"),
    ("prp-symp", "INSERT { ?y ?p ?x } WHERE { ?p a owl:SymmetricProperty . ?x ?p ?y "
                 "FILTER (!isLiteral(?y)) }"),
    ("cls-thing", "INSERT DATA { owl:Thing a owl:Class . owl:Nothing a owl:Class }"),
    ("scm-cls", "INSERT { ?c rdfs:subClassOf ?c , owl:Thing . ?c owl:equivalentClass ?c . "
                "owl:Nothing rdfs:subClassOf ?c } WHERE { ?c a owl:Class }"),
    # owlrl makes a restriction a class of its own, reflexively, without typing it owl:Class
    # (sam:OrganisationalForm ⊑ ∀ sam:supportedBy . sam:TechnicalForm); the oracle decides.
    ("scm-cls-restriction", "INSERT { ?c rdfs:subClassOf ?c . ?c owl:equivalentClass ?c } "
                            "WHERE { ?c a owl:Restriction }"),
    ("scm-sco", "INSERT { ?a rdfs:subClassOf ?c } WHERE { ?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?c }"),
    ("scm-eqc1", "INSERT { ?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?a } "
                 "WHERE { ?a owl:equivalentClass ?b }"),
    ("scm-eqc2", "INSERT { ?a owl:equivalentClass ?b } WHERE { ?a rdfs:subClassOf ?b . "
                 "?b rdfs:subClassOf ?a }"),
    ("scm-op", "INSERT { ?p rdfs:subPropertyOf ?p . ?p owl:equivalentProperty ?p } "
               "WHERE { { ?p a owl:ObjectProperty } UNION { ?p a owl:DatatypeProperty } }"),
    ("scm-spo", "INSERT { ?a rdfs:subPropertyOf ?c } WHERE { ?a rdfs:subPropertyOf ?b . "
                "?b rdfs:subPropertyOf ?c }"),
    ("scm-eqp1", "INSERT { ?a rdfs:subPropertyOf ?b . ?b rdfs:subPropertyOf ?a } "
                 "WHERE { ?a owl:equivalentProperty ?b }"),
    ("scm-eqp2", "INSERT { ?a owl:equivalentProperty ?b } WHERE { ?a rdfs:subPropertyOf ?b . "
                 "?b rdfs:subPropertyOf ?a }"),
    ("scm-dom1", "INSERT { ?p rdfs:domain ?c2 } WHERE { ?p rdfs:domain ?c1 . ?c1 rdfs:subClassOf ?c2 }"),
    ("scm-dom2", "INSERT { ?p1 rdfs:domain ?c } WHERE { ?p2 rdfs:domain ?c . ?p1 rdfs:subPropertyOf ?p2 }"),
    ("scm-rng1", "INSERT { ?p rdfs:range ?c2 } WHERE { ?p rdfs:range ?c1 . ?c1 rdfs:subClassOf ?c2 }"),
    ("scm-rng2", "INSERT { ?p1 rdfs:range ?c } WHERE { ?p2 rdfs:range ?c . ?p1 rdfs:subPropertyOf ?p2 }"),
    ("scm-uni", "INSERT { ?member rdfs:subClassOf ?c } WHERE { ?c owl:unionOf ?list . "
                "?list rdf:rest*/rdf:first ?member }"),
))

_CHAINS = _PREFIXES + """SELECT ?p ?chain WHERE { ?p owl:propertyChainAxiom ?chain }"""


def _chain_rules(store: ox.Store) -> list[tuple[str, str]]:
    """``prp-spo2`` for each property chain in the store: one rule per chain."""
    rules = []
    for row in solutions(store.query(_CHAINS)):
        steps: list[str] = []
        node = row["chain"]
        for _ in range(100):  # a chain longer than this is not one anybody wrote
            first = next(iter(store.quads_for_pattern(node, ox.NamedNode(RDF + "first"), None)), None)
            if first is None:
                break
            steps.append(term(first.object).value)
            rest = next(iter(store.quads_for_pattern(node, ox.NamedNode(RDF + "rest"), None)), None)
            if rest is None or rest.object == ox.NamedNode(RDF + "nil"):
                break
            node = rest.object
        if len(steps) < 1 or not isinstance(row["p"], ox.NamedNode):
            continue
        body = " . ".join(f"?u{i} <{step}> ?u{i + 1}" for i, step in enumerate(steps))
        rules.append((f"prp-spo2 {row['p'].value}",
                      f"INSERT {{ ?u0 <{row['p'].value}> ?u{len(steps)} }} WHERE {{ {body} }}"))
    return rules


def materialise_store(store: ox.Store, *, max_rounds: int = 100) -> int:
    """Add to the default graph of ``store`` the entailments of the rules above until a round
    adds nothing; return the number of triples added. Literal subjects never arise (SPARQL
    cannot write them), and no ``x owl:sameAs x`` is derived: the noise
    :func:`samhandling_kg.kg.graph.materialise` removes from owlrl's closure."""
    before = len(store)
    rules = list(RULES) + _chain_rules(store)
    size = before
    seconds, most = limits.INFER_SECONDS.value(), limits.INFER_TRIPLES.value()
    deadline = time.monotonic() + seconds
    for _ in range(max_rounds):
        for _name, text in rules:
            store.update(text)
        now = len(store)
        if now == size:
            return now - before
        if now - before > most or time.monotonic() > deadline:  # checked once a round
            if now - before > most:
                raise localised(SamhandlingError, limits.INFERENCE_DERIVED, limit=limits.INFER_TRIPLES.described(most))
            raise localised(SamhandlingError, limits.INFERENCE_RAN, limit=limits.INFER_SECONDS.described(seconds))
        size = now
    raise RuntimeError(f"no fixpoint after {max_rounds} rounds")

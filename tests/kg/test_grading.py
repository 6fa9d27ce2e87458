"""The grading rule of docs/model.md ("Evidence: one grading rule"), held against the data.

``sam:Stated`` means: one passage of the source text the project holds (the seed page, kept in
``shared/seed/`` beside the checkout, not shipped with the package) says the link, the passage is recorded verbatim as ``sam:sourcePassage``, and the link's evidence
quotes or closely paraphrases it without adding an inference. Everything else is
``sam:Derived``, and its evidence says what the project added. :func:`grading_findings` states
the rule as code; the tests run it on the ontology (no findings) and on broken variants (each
breaks one clause and is caught).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from samhandling_kg import materialise, ontology_graph

SAM = Namespace("https://w3id.org/samhandling#")  # open: the test names terms freely

ROOT = Path(__file__).resolve().parents[2]
SEED_FILES = [p for folder in (ROOT.parent / "shared" / "seed", ROOT.parent.parent / "shared" / "seed")
              for p in sorted(folder.glob("*.txt"))]
SAMSRC = "https://w3id.org/samhandling/source/"
SEED = URIRef(SAMSRC + "oversikt-digitale-samhandlingsformer")
ERROR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
GRADED = (SAM.SupportLink, SAM.CharacteristicLink, SAM.NeedCharacteristicLink)
#: Words an evidence text uses to say that a part is the project's, not the source's.
PROJECT_MARKERS = ("prosjekt", "slutning", "lesning")
#: Share of a passage's content words a Stated evidence text must repeat (a close paraphrase).
CLOSENESS = 0.5


def normalise(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED_FILES:
        pytest.skip("the seed text (shared/seed/*.txt) is not beside this checkout")
    return normalise(SEED_FILES[0].read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology_graph()


def _stems(text: str) -> set[str]:
    # Content words by their first five letters: enough to meet inflected forms
    # ("tilgjengelig"/"tilgjengelige", "dokumenter"/"dokumentene") without a stemmer.
    return {w[:5] for w in re.findall(r"[a-zæøå]+", text.lower()) if len(w) >= 5}


def closeness(evidence: str, passage: str) -> float:
    words = _stems(passage)
    return len(words & _stems(evidence)) / len(words) if words else 0.0


def _nb(graph: Graph, subject: URIRef, prop: URIRef) -> str:
    return next((str(o) for o in graph.objects(subject, prop)
                 if isinstance(o, Literal) and o.language == "nb"), "")


def grading_findings(graph: Graph, seed_text: str | None) -> list[str]:
    """Every breach of the grading rule in ``graph``, one line each (empty when it holds).
    Without ``seed_text`` the passages are not looked up; every other clause is checked."""
    findings = []
    referred = set(graph.objects(SEED, DCTERMS.references))
    for subject, passage in graph.subject_objects(SAM.sourcePassage):
        if not isinstance(passage, Literal) or passage.language != "nb":
            findings.append(f"{subject}: a source passage must be a @nb literal: {passage!r}")
        elif seed_text is not None and normalise(str(passage)) not in seed_text:
            findings.append(f"{subject}: passage not found in the seed: {str(passage)[:60]}")
    for cls in GRADED:
        for item in sorted(set(graph.subjects(RDF.type, cls)), key=str):
            statuses = set(graph.objects(item, SAM.evidenceStatus))
            if len(statuses) != 1 or not statuses <= {SAM.Stated, SAM.Derived}:
                findings.append(f"{item}: needs exactly one status, Stated or Derived: {sorted(statuses)}")
                continue
            sources = set(graph.objects(item, DCTERMS.source))
            if sources & referred:
                findings.append(f"{item}: cites a document the seed only refers to: {sorted(sources & referred)}")
            evidence = _nb(graph, item, SAM.evidence)
            if not evidence:
                findings.append(f"{item}: no evidence in nb")
                continue
            passages = [str(p) for p in graph.objects(item, SAM.sourcePassage)]
            if SAM.Stated in statuses:
                if SEED not in sources:
                    findings.append(f"{item}: Stated, but the seed is not its dct:source")
                if not passages:
                    findings.append(f"{item}: Stated without a sam:sourcePassage")
                elif max(closeness(evidence, p) for p in passages) < CLOSENESS:
                    findings.append(f"{item}: Stated, but its evidence does not quote or closely "
                                    "paraphrase its passage")
                if any(marker in evidence.lower() for marker in PROJECT_MARKERS):
                    findings.append(f"{item}: Stated, but its evidence names the project's own part")
            elif not any(marker in evidence.lower() for marker in PROJECT_MARKERS):
                findings.append(f"{item}: Derived, but its evidence does not say what the project added")
    return sorted(findings)


# --- the data keeps the rule ----------------------------------------------------------------


def test_every_graded_item_keeps_the_rule(onto: Graph, seed_text: str) -> None:
    assert grading_findings(onto, seed_text) == []


def test_every_graded_item_keeps_the_rule_where_the_seed_is_absent(onto: Graph) -> None:
    # The clauses that need no seed text run everywhere (the seed is not part of the package).
    assert grading_findings(onto, None) == []


def test_every_kind_of_graded_item_has_stated_and_derived_members(onto: Graph) -> None:
    # The characteristic links and the needs' characteristics use both grades; the support
    # links are all Derived (test_ontology.py says why).
    for cls in (SAM.CharacteristicLink, SAM.NeedCharacteristicLink):
        statuses = {onto.value(i, SAM.evidenceStatus) for i in onto.subjects(RDF.type, cls)}
        assert statuses == {SAM.Stated, SAM.Derived}, cls


def test_every_characteristic_of_every_need_says_where_it_comes_from(onto: Graph) -> None:
    for need in onto.subjects(RDF.type, SAM.Need):
        plain = set(onto.objects(need, SAM.hasCharacteristic))
        qualified = {onto.value(link, SAM.characteristic) for link in onto.objects(need, SAM.qualifiedCharacteristic)}
        assert plain == qualified and plain, need
        for link in onto.objects(need, SAM.qualifiedCharacteristic):
            assert {e.language for e in onto.objects(link, SAM.evidence)} == {"nb", "nn", "en"}, link


@pytest.mark.parametrize(("item", "old", "new"), [
    ("Support_ChangeAndShare_DataSharing", SAM.Stated, SAM.Derived),
    ("RequiredFor_ReceiverKnown_SendAndReceive", SAM.Stated, SAM.Derived),
    ("Favours_RealTimeStructuredData_DataSharing", SAM.Stated, SAM.Derived),
    ("Favours_OutsideOwnSystems_PortalAccess", SAM.Stated, SAM.Derived),
])
def test_the_over_graded_items_are_corrected(item: str, old: URIRef, new: URIRef, onto: Graph) -> None:
    assert onto.value(SAM[item], SAM.evidenceStatus) == new != old


def test_documents_only_referred_to_are_named_not_cited(onto: Graph) -> None:
    referred = {URIRef(SAMSRC + "steg2-vedlegg-m-2022"), URIRef(SAMSRC + "hitr-1212-2018")}
    assert set(onto.objects(SEED, DCTERMS.references)) == referred
    assert not [s for s, o in onto.subject_objects(DCTERMS.source) if o in referred]
    assert {o for o in onto.objects(None, SAM.referredToBySource)} == referred


# --- the rule can fail ------------------------------------------------------------------------


def _variant(onto: Graph) -> Graph:
    graph = Graph()
    graph += onto
    return graph


def test_a_passage_the_seed_does_not_hold_is_found(onto: Graph, seed_text: str) -> None:
    graph = _variant(onto)
    link = SAM.Favours_ReceiverKnown_SendAndReceive
    graph.set((link, SAM.sourcePassage, Literal("Benyttes alltid når mottakeren er kjent.", lang="nb")))
    assert any("passage not found in the seed" in f for f in grading_findings(graph, seed_text))


def test_stated_without_a_passage_is_found(onto: Graph, seed_text: str) -> None:
    graph = _variant(onto)
    graph.remove((SAM.Favours_ReceiverKnown_SendAndReceive, SAM.sourcePassage, None))
    assert grading_findings(graph, seed_text) == [f"{SAM.Favours_ReceiverKnown_SendAndReceive}: Stated without a sam:sourcePassage"]


def test_stated_evidence_far_from_its_passage_is_found(onto: Graph, seed_text: str) -> None:
    graph = _variant(onto)
    link = SAM.Favours_ApprovedDocumentNeeded_DocumentSharing
    graph.remove((link, SAM.evidence, None))
    graph.add((link, SAM.evidence, Literal("Kilden nevner IHE XDS som standard for formen.", lang="nb")))
    assert any("does not quote or closely paraphrase" in f for f in grading_findings(graph, seed_text))


def test_upgrading_an_inference_to_stated_is_found(onto: Graph, seed_text: str) -> None:
    # The old grade of ChangeAndShare - DataSharing: the evidence says the project joins two passages.
    graph = _variant(onto)
    graph.set((SAM.Support_ChangeAndShare_DataSharing, SAM.evidenceStatus, SAM.Stated))
    assert any("names the project's own part" in f for f in grading_findings(graph, seed_text))


def test_derived_evidence_that_does_not_say_so_is_found(onto: Graph, seed_text: str) -> None:
    graph = _variant(onto)
    link = SAM.RulesOut_ReaderUnknown_SendAndReceive
    graph.remove((link, SAM.evidence, None))
    graph.add((link, SAM.evidence, Literal("Sende og motta krever en kjent mottaker.", lang="nb")))
    assert any("Derived, but its evidence does not say" in f for f in grading_findings(graph, seed_text))


def test_citing_a_document_only_referred_to_is_found(onto: Graph, seed_text: str) -> None:
    graph = _variant(onto)
    graph.add((SAM.Favours_ReceiverKnown_SendAndReceive, DCTERMS.source, URIRef(SAMSRC + "steg2-vedlegg-m-2022")))
    assert any("only refers to" in f for f in grading_findings(graph, seed_text))


def test_closeness_measures_shared_content_words() -> None:
    passage = "Benyttes når avsender og mottaker er kjent."
    assert closeness("Kilden sier at sende og motta brukes når avsender og mottaker er kjent.", passage) >= CLOSENESS
    assert closeness("Kilden nevner en portal med innlogging.", passage) == 0.0


# --- the two statuses are different individuals -------------------------------------------------


def test_the_statuses_are_declared_all_different(onto: Graph) -> None:
    (node,) = onto.subjects(RDF.type, OWL.AllDifferent)
    members = list(onto.items(onto.value(node, OWL.distinctMembers)))
    assert members == [SAM.Stated, SAM.Derived]


def test_a_link_carrying_both_statuses_is_inconsistent(onto: Graph) -> None:
    graph = _variant(onto)
    graph.add((SAM.Favours_ReceiverKnown_SendAndReceive, SAM.evidenceStatus, SAM.Derived))
    closure = materialise(graph)
    # sam:evidenceStatus is functional, so the reasoner makes the two statuses the same
    # individual, which owl:AllDifferent forbids: owlrl reports the clash.
    assert (SAM.Stated, OWL.sameAs, SAM.Derived) in closure
    errors = [str(o) for o in closure.objects(None, ERROR)]
    assert any("Stated" in e and "Derived" in e for e in errors), errors
    assert not list(materialise(onto).objects(None, ERROR))


# --- the terms issue 19 added speak nb, nn and en --------------------------------------------------

NEW_TERMS = ("sourcePassage", "referredToBySource", "excludes", "NeedCharacteristicLink",
             "qualifiedCharacteristic", "characteristic", "HeldByOtherOrganisations",
             "Favours_HeldByOtherOrganisations_DocumentSharing")


@pytest.mark.parametrize("term", NEW_TERMS)
def test_new_terms_have_label_and_definition_in_three_languages(term: str, onto: Graph) -> None:
    from rdflib.namespace import RDFS, SKOS

    node = SAM[term]
    labels = {o.language for p in (RDFS.label, SKOS.prefLabel) for o in onto.objects(node, p)}
    assert labels == {"nb", "nn", "en"}, term
    texts = {o.language for p in (SKOS.definition, SAM.evidence) for o in onto.objects(node, p)}
    assert texts == {"nb", "nn", "en"}, term


def test_every_needs_characteristic_link_has_label_and_evidence_in_three_languages(onto: Graph) -> None:
    from rdflib.namespace import RDFS

    links = list(onto.subjects(RDF.type, SAM.NeedCharacteristicLink))
    assert len(links) == len(list(onto.subject_objects(SAM.hasCharacteristic))) >= 20
    for link in links:
        assert {o.language for o in onto.objects(link, RDFS.label)} == {"nb", "nn", "en"}, link
        assert {o.language for o in onto.objects(link, SAM.evidence)} == {"nb", "nn", "en"}, link

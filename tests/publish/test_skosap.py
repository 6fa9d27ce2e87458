"""`samhandling export --profile skos-ap-no`: a SKOS-AP-NO-Begrep (v2) concept collection that
passes the project's own check and the Digdir-like check (shapes/skos-ap-no/), each broken
variant of it failing on the rule it breaks; a real publisher (the source's owner today, or one
given by organisation number) with a contact point that reaches someone; self-composed and
derived definitions told apart; byte-stable output."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from samhandling_kg import SAM, load_knowledge_graph, ontology_graph
from samhandling_kg.cli import main
from samhandling_kg.publish.publisher import publisher_iri
from samhandling_kg.publish.skos_ap_no import (
    CHECKS,
    COLLECTION,
    DERIVED_FROM_SOURCE,
    EUVOC,
    ORG,
    SELF_COMPOSED,
    SKOSNO,
    VCARD,
    XKOS,
    check,
    check_reference,
    code_lists,
    skos_ap_no,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from national_gen import CONCEPT_DEFECTS, concept_specs, with_concepts

DIRECTORATE = URIRef("https://data.brreg.no/enhetsregisteret/api/enheter/915933149")
HELSEDIREKTORATET = URIRef("https://data.brreg.no/enhetsregisteret/api/enheter/983544622")
PROJECT = URIRef("https://w3id.org/samhandling/organisation/samhandling-kg")
SEED = URIRef("https://w3id.org/samhandling/source/oversikt-digitale-samhandlingsformer")
FORMATS = {"turtle": "turtle", "json-ld": "json-ld", "nt": "nt", "xml": "xml"}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["export", "--profile", "skos-ap-no", *argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def exported() -> Graph:
    code, text, err = run("--format", "nt")
    assert code == 0, err
    return Graph().parse(data=text, format="nt")


def shapes_fired(graph: Graph) -> set[str]:
    return {f.shape.rsplit("#", 1)[-1] for f in check(graph)}


# --- the export passes --------------------------------------------------------------------


def test_export_passes_the_check(exported: Graph) -> None:
    assert check(exported) == []


def test_export_passes_the_digdir_like_check(exported: Graph) -> None:
    assert check(exported, profile="digdir-like") == []


def test_a_bare_digdir_like_run_finds_every_code_not_a_concept(exported: Graph) -> None:
    # Without the code lists Digdir's validator fetches, every status and every relationship
    # with source is "not a skos:Concept": one finding each, and nothing else (docs/model.md).
    findings = check(exported, profile="digdir-like", with_code_lists=False, lang="en")
    statuses = list(exported.objects(None, EUVOC.status))
    relationships = list(exported.objects(None, SKOSNO.relationshipWithSource))
    assert len(findings) == len(statuses) + len(relationships) > 0
    assert {f.message for f in findings} == {"The status is not a skos:Concept.",
                                             "The relationship with source is not a skos:Concept."}


def test_digdir_like_findings_are_counted_on_the_exports_own_nodes(exported: Graph) -> None:
    # The code-list values are skos:Concepts too, without terms or definitions: counted, they
    # would fail every concept rule. They are not nodes of the export.
    own = set(exported.subjects())
    assert not own & set(code_lists().subjects())
    broken = Graph()
    broken += exported
    broken.remove((SAM.SendAndReceive, DCTERMS.identifier, None))
    findings = check(broken, profile="digdir-like")
    assert [f.focus for f in findings] == [str(SAM.SendAndReceive)]


def test_the_ontology_as_it_is_fails_on_the_three_known_points() -> None:
    # The finding: every concept lacks an anyURI identifier, an org:Organization
    # publisher and a vCard contact point. The check must see exactly that.
    findings = check(ontology_graph())
    concepts = set(ontology_graph().subjects(RDF.type, SKOS.Concept))
    by_shape: dict[str, set[str]] = {}
    for f in findings:
        by_shape.setdefault(f.shape.rsplit("#", 1)[-1], set()).add(f.focus)
    assert set(by_shape) == {"ConceptIdentifier", "ConceptPublisher", "ConceptContactPoint"}
    for focus in by_shape.values():
        assert focus == {str(c) for c in concepts}


def test_every_concept_is_a_member_with_what_the_profile_asks(exported: Graph) -> None:
    onto = ontology_graph()
    kinds = (SAM.OrganisationalForm, SAM.TechnicalForm, SAM.Need, SAM.EIFLayer)
    concepts = {c for kind in kinds for c in onto.subjects(RDF.type, kind)}
    assert concepts == set(onto.subjects(RDF.type, SKOS.Concept)) - set(onto.subjects(RDF.type, SAM.Characteristic))
    assert len(concepts) == 8 + 16 + 4  # forms, needs, EIF layers
    assert set(exported.objects(COLLECTION, SKOS.member)) == concepts
    for concept in concepts:
        (identifier,) = exported.objects(concept, DCTERMS.identifier)
        assert identifier == Literal(str(concept), datatype=XSD.anyURI)
        assert {lit.language for lit in exported.objects(concept, SKOS.prefLabel)} == {"nb", "nn", "en"}
        notes = list(exported.objects(concept, EUVOC.xlDefinition))
        assert {exported.value(n, RDF.value).language for n in notes} >= {"nb", "en"}
        for note in notes:
            relationship = exported.value(note, SKOSNO.relationshipWithSource)
            sources = set(exported.objects(note, DCTERMS.source))
            if relationship == DERIVED_FROM_SOURCE:
                assert sources == set(onto.objects(concept, DCTERMS.source)) and SEED in sources
            else:
                assert relationship == SELF_COMPOSED and not sources
        assert not list(exported.objects(concept, SKOS.definition))  # one form of definition
        assert exported.value(concept, DCTERMS.publisher) == HELSEDIREKTORATET
        assert exported.value(concept, DCTERMS.creator) == PROJECT
        assert {s.language for s in exported.objects(concept, DCTERMS.subject)} == {"nb", "nn", "en"}
        assert (exported.value(concept, DCAT.contactPoint), RDF.type, VCARD.Organization) in exported
        assert exported.value(concept, DCTERMS.created).datatype == XSD.date
    for lang in ("nb", "nn", "en"):
        assert any(t.language == lang for t in exported.objects(COLLECTION, DCTERMS.title))
        assert any(t.language == lang for t in exported.objects(COLLECTION, DCTERMS.description))


def test_relations_follow_the_ontology(exported: Graph) -> None:
    onto = ontology_graph()
    # the need hierarchy as generic relations, both ways
    for narrower, broader in onto.subject_objects(SKOS.broader):
        assert (narrower, XKOS.specializes, broader) in exported
        assert (broader, XKOS.generalizes, narrower) in exported
    # each asserted supported-by link as an associative relation with its role, both ways
    roles = {str(label) for label in onto.objects(SAM.supportedBy, RDFS.label)}
    inverse = {str(label) for label in onto.objects(SAM.supports, RDFS.label)}
    links = {(s, o) for s, o in onto.subject_objects(SAM.supportedBy)}
    found = set()
    for concept, relation in exported.subject_objects(SKOSNO.isFromConceptIn):
        target = exported.value(relation, SKOSNO.hasToConcept)
        role = {str(r) for r in exported.objects(relation, SKOSNO.relationRole)}
        assert role in (roles, inverse)
        found.add((concept, target) if role == roles else (target, concept))
    assert found == links and len(links) >= 12 + 16


def test_self_composed_and_derived_definitions(exported: Graph) -> None:
    # derived-from-source only where the definition paraphrases a passage of the source
    def kinds(concept: URIRef) -> set[URIRef]:
        return {exported.value(n, SKOSNO.relationshipWithSource) for n in exported.objects(concept, EUVOC.xlDefinition)}
    onto = ontology_graph()
    for concept in exported.objects(COLLECTION, SKOS.member):
        quoted = (concept, SAM.sourcePassage, None) in onto
        assert kinds(concept) == {DERIVED_FROM_SOURCE if quoted else SELF_COMPOSED}, concept
    forms = [*onto.subjects(RDF.type, SAM.OrganisationalForm), *onto.subjects(RDF.type, SAM.TechnicalForm)]
    assert all(kinds(f) == {DERIVED_FROM_SOURCE} for f in forms)
    for own in (SAM.LegalLayer, SAM.TechnicalLayer, SAM._NS["Plan"], SAM._NS["RequestForService"]):
        assert kinds(own) == {SELF_COMPOSED}, own
    assert kinds(SAM._NS["CriticalInformation"]) == kinds(SAM._NS["LookUpEarlierPatientHistory"]) == {DERIVED_FROM_SOURCE}


def test_decision_characteristics_stay_out(exported: Graph) -> None:
    # Their labels are statements ("Mottakeren er kjent"), not terms (docs/model.md).
    for characteristic in ontology_graph().subjects(RDF.type, SAM.Characteristic):
        assert (characteristic, None, None) not in exported
        assert (COLLECTION, SKOS.member, characteristic) not in exported


def test_sources_are_named(exported: Graph) -> None:
    for source in set(exported.objects(None, DCTERMS.source)):
        assert list(exported.objects(source, DCTERMS.title)), source


# --- publisher ----------------------------------------------------------------------------


def test_the_default_publisher_owns_the_source_today(exported: Graph) -> None:
    # The seed page's publisher, Direktoratet for e-helse, is part of Helsedirektoratet since
    # 1 January 2024: the concepts are published by Helsedirektoratet, never by the project.
    onto = ontology_graph()
    assert onto.value(SEED, DCTERMS.publisher) == DIRECTORATE
    assert onto.value(DIRECTORATE, DCTERMS.isReplacedBy) == HELSEDIREKTORATET
    assert publisher_iri("983 544 622") == HELSEDIREKTORATET  # passes mod 11
    assert set(exported.objects(None, DCTERMS.publisher)) == {HELSEDIREKTORATET}
    assert (HELSEDIREKTORATET, RDF.type, ORG.Organization) in exported
    assert (HELSEDIREKTORATET, FOAF.name, Literal("Helsedirektoratet")) in exported
    assert (PROJECT, RDF.type, ORG.Organization) in exported  # the creator


def test_the_contact_point_reaches_someone(exported: Graph) -> None:
    (point,) = set(exported.objects(None, DCAT.contactPoint))
    assert (point, VCARD.hasEmail, URIRef("mailto:postmottak@helsedir.no")) in exported
    assert (point, VCARD.hasURL, URIRef("https://www.helsedirektoratet.no/english/contact-us")) in exported
    assert (point, VCARD.hasOrganizationName, Literal("Helsedirektoratet")) in exported


def test_publisher_by_organisation_number_with_its_contact_point() -> None:
    code, text, err = run("--format", "nt", "--publisher", "915 933 149", "--contact-email", "begrep@example.no",
                          "--contact-url", "https://example.no/begrep")
    assert code == 0, err
    graph = Graph().parse(data=text, format="nt")
    assert check(graph) == [] and check(graph, profile="digdir-like") == []
    assert set(graph.objects(None, DCTERMS.publisher)) == {DIRECTORATE}
    assert (DIRECTORATE, RDF.type, ORG.Organization) in graph
    assert (DIRECTORATE, FOAF.name, Literal("Direktoratet for e-helse")) in graph
    (point,) = set(graph.objects(None, DCAT.contactPoint))
    assert set(graph.objects(point, VCARD.hasEmail)) == {URIRef("mailto:begrep@example.no")}
    assert set(graph.objects(point, VCARD.hasURL)) == {URIRef("https://example.no/begrep")}
    # the definitions' sources stay the documents read, whoever publishes
    onto = ontology_graph()
    cited = {o for c in graph.objects(COLLECTION, SKOS.member) for o in onto.objects(c, DCTERMS.source)
             if (c, SAM.sourcePassage, None) in onto}
    assert set(graph.objects(None, DCTERMS.source)) == cited


@pytest.mark.parametrize(("argv", "fragment"), [
    (["--publisher", "974760673"], "give --contact-email or --contact-url"),
    (["--publisher", "974760673", "--contact-email", "not-an-address"], "not an e-mail address"),
    (["--contact-url", "ftp://example.no/"], "not a web address"),
])
def test_a_contact_point_that_reaches_no_one_is_refused(argv: list[str], fragment: str) -> None:
    code, text, err = run(*argv, "--lang", "en")
    assert code == 2 and text == ""
    assert err.count("\n") == 1 and fragment in err and "Traceback" not in err
    code, text, err = run(*argv)  # Bokmål by default, as --lang says
    assert code == 2 and err.count("\n") == 1 and fragment not in err and "--contact-" in err


@pytest.mark.parametrize(("number", "why", "hvorfor"), [
    ("915933148", "check digit", "kontrollsiffer"),
    ("12345678", "9 digits", "9 sifre"),
    ("91593314x", "9 digits", "9 sifre"),
    ("", "9 digits", "9 sifre"),
])
def test_a_wrong_organisation_number_is_a_usage_error(number: str, why: str, hvorfor: str) -> None:
    code, text, err = run("--publisher", number, "--lang", "en")
    assert code == 2 and text == ""
    assert err.count("\n") == 1 and why in err and "Traceback" not in err
    code, text, err = run("--publisher", number)  # in Bokmål by default, as --lang says
    assert code == 2 and err.count("\n") == 1 and hvorfor in err


def test_publisher_without_profile_and_infer_with_profile_are_refused() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["export", "--publisher", "915933149"], out=out, err=err) == 2
    assert "--profile" in err.getvalue() and out.getvalue() == ""
    for option in ("--contact-email", "--contact-url"):
        out, err = io.StringIO(), io.StringIO()
        assert main(["export", option, "x", "--lang", "en"], out=out, err=err) == 2
        assert f"{option} needs --profile" in err.getvalue()
        out, err = io.StringIO(), io.StringIO()
        assert main(["export", option, "x"], out=out, err=err) == 2  # Bokmål by default
        assert f"{option} krever --profile" in err.getvalue()
    code, _, err2 = run("--infer")
    assert code == 2 and "--infer" in err2


def test_publisher_iri_reuses_the_one_mod11_rule() -> None:
    assert publisher_iri("994598759") == URIRef("https://data.brreg.no/enhetsregisteret/api/enheter/994598759")


# --- broken variants: each fails on its rule ------------------------------------------------

Mutation = Callable[[Graph], None]
SR = SAM.SendAndReceive


def _replace(subject: URIRef, prop: URIRef, *values: object) -> Mutation:
    def mutate(g: Graph) -> None:
        g.remove((subject, prop, None))
        for value in values:
            g.add((subject, prop, value))  # type: ignore[arg-type]
    return mutate


def _drop_lang(prop: URIRef, lang: str) -> Mutation:
    def mutate(g: Graph) -> None:
        for value in list(g.objects(SR, prop)):
            if value.language == lang:
                g.remove((SR, prop, value))
    return mutate


def _second_nb_label(g: Graph) -> None:
    g.add((SR, SKOS.prefLabel, Literal("Sende og ta imot", lang="nb")))


def _no_definition(g: Graph) -> None:
    g.remove((SR, EUVOC.xlDefinition, None))


def _definition_in_other_language(g: Graph) -> None:
    g.remove((SR, EUVOC.xlDefinition, None))
    g.add((SR, SKOS.definition, Literal("Ein Arbeitsprozess", lang="de")))


def _two_definitions_in_one_language(g: Graph) -> None:
    g.add((SR, SKOS.definition, Literal("En annen definisjon.", lang="nb")))


def _note_with_two_texts(g: Graph) -> None:
    note = next(iter(g.objects(SR, EUVOC.xlDefinition)))
    g.add((note, RDF.value, Literal("Nok en tekst.", lang="se")))


def _note_with_plain_text(g: Graph) -> None:
    note = next(iter(g.objects(SR, EUVOC.xlDefinition)))
    g.set((note, RDF.value, Literal("uten språk")))


def _definition_not_a_note(g: Graph) -> None:
    note = next(iter(g.objects(SR, EUVOC.xlDefinition)))
    g.remove((note, RDF.type, EUVOC.XlNote))


def _relationship_not_iri(g: Graph) -> None:
    note = next(iter(g.objects(SR, EUVOC.xlDefinition)))
    g.set((note, SKOSNO.relationshipWithSource, Literal("basert på kilde", lang="nb")))


def _publisher_foaf_only(g: Graph) -> None:
    publisher = g.value(SR, DCTERMS.publisher)
    g.remove((publisher, RDF.type, ORG.Organization))
    g.add((publisher, RDF.type, FOAF.Organization))


def _contact_not_vcard(g: Graph) -> None:
    contact = BNode()
    g.set((SR, DCAT.contactPoint, contact))
    g.add((contact, RDF.type, FOAF.Organization))


def _unreachable_contact(g: Graph) -> None:
    point = g.value(SR, DCAT.contactPoint)
    for prop in (VCARD.hasEmail, VCARD.hasURL, VCARD.hasTelephone):
        g.remove((point, prop, None))


def _derived_without_source(g: Graph) -> None:
    for note in g.objects(SR, EUVOC.xlDefinition):
        g.remove((note, DCTERMS.source, None))


def _relation_without_target(g: Graph) -> None:
    relation = next(iter(g.objects(SR, SKOSNO.isFromConceptIn)))
    g.remove((relation, SKOSNO.hasToConcept, None))


def _relation_without_role(g: Graph) -> None:
    relation = next(iter(g.objects(SR, SKOSNO.isFromConceptIn)))
    g.remove((relation, SKOSNO.relationRole, None))


def _collection_second_identifier(g: Graph) -> None:
    g.add((COLLECTION, DCTERMS.identifier, Literal("https://example.org/other", datatype=XSD.anyURI)))


def _status_off_vocabulary(g: Graph) -> None:
    g.set((SR, EUVOC.status, URIRef("https://example.org/status/valid")))


BROKEN: dict[str, tuple[Mutation, str]] = {
    "plain identifier (issue point 1)": (_replace(SR, DCTERMS.identifier, Literal("SendAndReceive")), "ConceptIdentifier"),
    "plain identifier beside the anyURI": (
        lambda g: g.add((SR, DCTERMS.identifier, Literal("SendAndReceive"))), "ConceptIdentifier"),
    "no identifier": (_replace(SR, DCTERMS.identifier), "ConceptIdentifier"),
    "publisher only foaf:Organization (issue point 2)": (_publisher_foaf_only, "ConceptPublisher"),
    "two publishers": (lambda g: g.add((SR, DCTERMS.publisher, DIRECTORATE)), "ConceptPublisher"),
    "contact point not a vCard (issue point 3)": (_contact_not_vcard, "ConceptContactPoint"),
    "no contact point": (_replace(SR, DCAT.contactPoint), "ConceptContactPoint"),
    "no nn preferred term": (_drop_lang(SKOS.prefLabel, "nn"), "ConceptPrefLabelNn"),
    "no nb preferred term": (_drop_lang(SKOS.prefLabel, "nb"), "ConceptPrefLabelNb"),
    "two nb preferred terms": (_second_nb_label, "ConceptPrefLabel"),
    "no definition": (_no_definition, "ConceptDefinition"),
    "definition in no term's language": (_definition_in_other_language, "ConceptTermAndDefinitionShareLanguage"),
    "two definitions in one language": (_two_definitions_in_one_language, "ConceptOneDefinitionPerLanguage"),
    "definition object with two texts": (_note_with_two_texts, "DefinitionText"),
    "definition text without language": (_note_with_plain_text, "DefinitionText"),
    "definition not an XlNote": (_definition_not_a_note, "ConceptDefinitionObject"),
    "relationship with source as text": (_relationship_not_iri, "DefinitionRelationshipWithSource"),
    "created as a string": (_replace(SR, DCTERMS.created, Literal("2026-11-25")), "ConceptCreated"),
    "two modified dates": (lambda g: g.add((SR, DCTERMS.modified, Literal("2026-11-26", datatype=XSD.date))),
                           "ConceptModified"),
    "status off the vocabulary": (_status_off_vocabulary, "ConceptStatus"),
    "relationship with source off the vocabulary": (
        lambda g: g.set((next(iter(g.objects(SR, EUVOC.xlDefinition))), SKOSNO.relationshipWithSource,
                         URIRef("https://example.org/own-words"))), "DefinitionRelationshipWithSourceVocabulary"),
    "scope note without language": (lambda g: g.add((SR, SKOS.scopeNote, Literal("note"))), "ConceptScopeNote"),
    "specializes a non-concept": (lambda g: g.add((SR, XKOS.specializes, URIRef("https://example.org/x"))),
                                  "ConceptSpecializes"),
    "associative relation without to-concept": (_relation_without_target, "AssociativeRelationToConcept"),
    "associative relation without role": (_relation_without_role, "AssociativeRelationRole"),
    "collection without members": (_replace(COLLECTION, SKOS.member), "CollectionMember"),
    "collection without title": (_replace(COLLECTION, DCTERMS.title), "CollectionTitle"),
    "collection with two identifiers": (_collection_second_identifier, "CollectionIdentifier"),
    "collection without publisher": (_replace(COLLECTION, DCTERMS.publisher), "CollectionPublisher"),
    "collection without contact point": (_replace(COLLECTION, DCAT.contactPoint), "CollectionContactPoint"),
    "collection with two nb descriptions": (
        lambda g: g.add((COLLECTION, DCTERMS.description, Literal("Enda en.", lang="nb"))), "CollectionDescription"),
    "creator not an organisation": (lambda g: g.add((SR, DCTERMS.creator, URIRef("https://example.org/p"))),
                                    "ConceptCreator"),
    "admitted term without language": (lambda g: g.add((SR, SKOS.altLabel, Literal("x"))), "ConceptAltLabel"),
    "example without language": (lambda g: g.add((SR, SKOS.example, Literal("x"))), "ConceptExample"),
    "generalizes a non-concept": (lambda g: g.add((SR, XKOS.generalizes, URIRef("https://example.org/x"))),
                                  "ConceptGeneralizes"),
    "from-concept in a non-relation": (lambda g: g.add((SR, SKOSNO.isFromConceptIn, URIRef("https://example.org/r"))),
                                       "ConceptAssociative"),
    "direct definition without language": (lambda g: g.add((SR, SKOS.definition, Literal("x"))),
                                           "ConceptDirectDefinition"),
    "publisher not by organisation number": (
        _replace(SR, DCTERMS.publisher, URIRef("https://w3id.org/samhandling/organisation/samhandling-kg")),
        "ConceptPublisherOrganisationNumber"),
    "contact point that reaches no one": (_unreachable_contact, "ContactPointReachable"),
    "derived definition without a source": (_derived_without_source, "DefinitionSourceGiven"),
    "definition source a blank node": (
        lambda g: g.add((next(iter(g.objects(SR, EUVOC.xlDefinition))), DCTERMS.source, BNode())), "DefinitionSource"),
}


@pytest.fixture(scope="module")
def small() -> Graph:
    """The export of three concepts only (a form, the form supporting it, a need it meets):
    every kind of node the full export has, small enough to check forty variants quickly."""
    need = "https://w3id.org/samhandling#"
    keep = {SR, SAM.MessageExchange, URIRef(need + "SendReferral"), URIRef(need + "ReferralsAndDischargeSummaries")}
    source = load_knowledge_graph()
    for concept in set(source.subjects(RDF.type, SKOS.Concept)) - keep:
        source.remove((concept, RDF.type, SKOS.Concept))
    graph = skos_ap_no(source)
    assert check(graph) == []
    assert set(graph.objects(COLLECTION, SKOS.member)) == keep
    return graph


@pytest.mark.parametrize("name", BROKEN)
def test_each_broken_variant_fails_on_its_rule(name: str, small: Graph) -> None:
    mutate, shape = BROKEN[name]
    broken = Graph()
    broken += small
    mutate(broken)
    assert shape in shapes_fired(broken)


# --- the compiled check against pySHACL ---------------------------------------------------------


@pytest.mark.parametrize("name", BROKEN)
def test_the_compiled_check_finds_what_pyshacl_finds(name: str, small: Graph) -> None:
    mutate, _ = BROKEN[name]
    broken = Graph()
    broken += small
    mutate(broken)
    compiled = check(broken)
    assert compiled and compiled == check_reference(broken)


def test_both_engines_agree_on_the_knowledge_graphs_export(exported: Graph) -> None:
    assert check(exported) == check_reference(exported) == []
    for profile in CHECKS:
        bare = check(exported, profile=profile, with_code_lists=False, lang="en")
        assert bare == check_reference(exported, profile=profile, with_code_lists=False, lang="en")
    assert check(exported, profile="digdir-like", with_code_lists=False)  # the bare run finds


def test_both_engines_agree_on_generated_concepts_with_every_defect(tmp_path: Path) -> None:
    graph = skos_ap_no(with_concepts(tmp_path, [[d] for d in CONCEPT_DEFECTS] + [[]] * 4))
    for lang in ("nb", "nn", "en"):
        compiled = check(graph, lang=lang)
        # every defective concept found, none of the valid ones
        assert {f.focus.rsplit("/", 1)[-1] for f in compiled} == {
            f"need-{n}" for n in range(len(CONCEPT_DEFECTS))}
        assert compiled == check_reference(graph, lang=lang)
    realistic = skos_ap_no(with_concepts(tmp_path, concept_specs(150, seed=3)))
    assert check(realistic) == check_reference(realistic)


def test_a_sparql_rule_speaks_the_language_asked_with_its_values(small: Graph) -> None:
    # The constraint's own message, its {?lang} filled in (pySHACL drops the language tag of
    # the messages it fills in; the report picks the one in the language asked for).
    broken = Graph()
    broken += small
    _two_definitions_in_one_language(broken)
    for engine in ("compiled", "pyshacl"):
        messages = {f.message for f in check(broken, lang="nn", engine=engine)
                    if f.shape.endswith("#ConceptOneDefinitionPerLanguage")}
        assert messages == {"Høgst éin definisjon per språk: nb har fleire."}


def test_every_rule_of_the_check_has_a_broken_variant() -> None:
    from samhandling_kg.publish.skos_ap_no import _check_shapes

    shapes = _check_shapes()
    sh = "http://www.w3.org/ns/shacl#"
    rules = {str(s).rsplit("#", 1)[-1] for s in shapes.subjects(RDF.type, URIRef(sh + "PropertyShape"))}
    rules |= {str(s).rsplit("#", 1)[-1] for s in shapes.subjects(RDF.type, URIRef(sh + "SPARQLConstraint"))}
    rules |= {str(s).rsplit("#", 1)[-1] for s in shapes.subjects(RDF.type, URIRef(sh + "NodeShape"))
              if (s, URIRef(sh + "message"), None) in shapes}  # node shapes that are rules themselves
    # A rule nobody breaks would be a rule nobody tests.
    assert rules == {shape for _, shape in BROKEN.values()}


# --- determinism --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_profile_export_is_byte_stable_across_processes(fmt: str) -> None:
    code = ("import sys; from samhandling_kg.cli import main; "
            f"sys.exit(main(['export', '--profile', 'skos-ap-no', '--format', '{fmt}']))")
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }
    (text,) = outputs
    assert text == run("--format", fmt)[1]
    assert len(Graph().parse(data=text, format=FORMATS[fmt])) == len(skos_ap_no(load_knowledge_graph()))


# --- concepts from data files -----------------------------------------------------------------

OWN_NEED = """@prefix sam: <https://w3id.org/samhandling#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <https://example.org/test/> .
ex:myNeed a sam:Need , skos:Concept ;
    skos:prefLabel "Mitt behov"@nb {nn} ;
    skos:definition "Et behov som ikke står i rammeverket."@nb ;
    sam:supportedBy sam:SendAndReceive .
"""


def test_a_concept_from_data_joins_the_collection(tmp_path: Path) -> None:
    data = tmp_path / "own.ttl"
    data.write_text(OWN_NEED.replace("{nn}", ', "Mitt behov"@nn'), encoding="utf-8")
    code, text, err = run("--format", "nt", "--data", str(data))
    assert code == 0 and err == ""
    graph = Graph().parse(data=text, format="nt")
    need = URIRef("https://example.org/test/myNeed")
    assert (COLLECTION, SKOS.member, need) in graph
    assert len(list(graph.objects(need, SKOSNO.isFromConceptIn))) == 1


def test_a_concept_from_data_that_fails_the_profile_is_named(tmp_path: Path) -> None:
    data = tmp_path / "own.ttl"
    data.write_text(OWN_NEED.replace("{nn}", ""), encoding="utf-8")
    target = tmp_path / "out.ttl"
    code, text, err = run("--data", str(data), "--output", str(target))
    assert code == 1 and text == ""
    lines = err.splitlines()
    assert lines and all(line.startswith("samhandling: violation: <https://example.org/test/myNeed>: ")
                         for line in lines)
    # in Bokmål, the one default language (the command has no --lang)
    assert any("finnes på nynorsk (nn)" in line for line in lines), lines
    assert "myNeed" in target.read_text(encoding="utf-8")  # written all the same


@pytest.mark.parametrize("shape", sorted({s for _, s in BROKEN.values()}))
def test_every_rule_speaks_nb_nn_and_en(shape: str) -> None:
    from samhandling_kg.publish.skos_ap_no import _check_shapes

    shapes = _check_shapes()
    node = URIRef(f"https://w3id.org/samhandling/shapes/skos-ap-no#{shape}")
    messages = list(shapes.objects(node, URIRef("http://www.w3.org/ns/shacl#message")))
    assert {m.language for m in messages} == {"nb", "nn", "en"}, shape


# --- the Digdir-like check: each rule fires on a broken variant ---------------------------------

DIGDIR_LIKE: dict[str, Mutation] = {
    "PrefLabel": _replace(SR, SKOS.prefLabel),
    "Definition": _no_definition,
    "DefinitionText": lambda g: g.remove((next(iter(g.objects(SR, EUVOC.xlDefinition))), RDF.value, None)),
    "RelationshipWithSource": lambda g: g.set((next(iter(g.objects(SR, EUVOC.xlDefinition))),
                                              SKOSNO.relationshipWithSource, URIRef("https://example.org/own-words"))),
    "Identifier": _replace(SR, DCTERMS.identifier),
    "Publisher": lambda g: g.add((SR, DCTERMS.publisher, DIRECTORATE)),
    "ContactPoint": _unreachable_contact,
    "Status": _status_off_vocabulary,
    "Creator": lambda g: g.set((SR, DCTERMS.creator, URIRef("https://example.org/p"))),
    "Subject": lambda g: g.add((SR, DCTERMS.subject, Literal("uten språk"))),
}


@pytest.mark.parametrize("rule", DIGDIR_LIKE)
def test_each_digdir_like_rule_fires_on_a_broken_variant(rule: str, small: Graph) -> None:
    assert check(small, profile="digdir-like") == []
    broken = Graph()
    broken += small
    DIGDIR_LIKE[rule](broken)
    assert rule in {f.shape.rsplit("#", 1)[-1] for f in check(broken, profile="digdir-like")}


def test_every_digdir_like_rule_is_broken_once_and_speaks_three_languages() -> None:
    from samhandling_kg.publish.skos_ap_no import CHECKS, _shapes

    shapes = _shapes(CHECKS["digdir-like"])
    sh = "http://www.w3.org/ns/shacl#"
    ns = "https://w3id.org/samhandling/shapes/skos-ap-no/digdir-like#"
    named = {str(s).removeprefix(ns) for s in shapes.subjects(RDF.type, URIRef(sh + "PropertyShape"))}
    assert named == set(DIGDIR_LIKE)
    for shape in shapes.subjects(URIRef(sh + "message"), None):
        assert {m.language for m in shapes.objects(shape, URIRef(sh + "message"))} == {"nb", "nn", "en"}, shape


def test_the_publisher_module_serves_both_exports() -> None:
    from samhandling_kg.core.errors import SamhandlingError
    from samhandling_kg.publish.publisher import (
        DEFAULT_PUBLISHER,
        contact,
        contact_point,
        source_owner,
    )

    graph = load_knowledge_graph()
    assert source_owner(graph) == DEFAULT_PUBLISHER == HELSEDIREKTORATET
    # lenient: what is known, even when it reaches no one (a check then says so)
    out = Graph()
    node = contact_point(out, graph, DIRECTORATE)
    assert (node, VCARD.hasOrganizationName, Literal("Direktoratet for e-helse")) in out
    assert not list(out.objects(node, VCARD.hasEmail))
    # strict: refuses, and a malformed address is refused by both
    with pytest.raises(SamhandlingError, match="reach someone"):
        contact(graph, DIRECTORATE)
    with pytest.raises(SamhandlingError, match="not an e-mail address"):
        contact_point(Graph(), graph, DIRECTORATE, email="nobody")

"""`samhandling export --profile dcat-ap-no`: the solution catalogue as DCAT-AP-NO (v2, valid
under v3), checked before it is written by the project's own shapes (shapes/dcat-ap-no/) with
the compiled engine; every broken variant fails on the rule it breaks, and pySHACL finds the
same; solutions without an endpoint are named with their reason; byte-stable output."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from samhandling_kg import SAM, load_knowledge_graph
from samhandling_kg.cli import main
from samhandling_kg.core.orgnr import organisation_number_valid
from samhandling_kg.publish.dcat_ap_no import (
    CATALOGUE,
    DCATAP,
    ELI,
    THEMES,
    _check_shapes,
    check,
    check_reference,
    dcat_ap_no,
)
from samhandling_kg.publish.publisher import VCARD, publisher_iri

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from catalogue_gen import DEFECTS, catalogue_text
from national_gen import endpoints, realistic_services, with_services

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = str(ROOT / "examples")
SH = "http://www.w3.org/ns/shacl#"
DAPNO = "https://w3id.org/samhandling/shapes/dcat-ap-no#"
CAT = "https://w3id.org/samhandling/catalogue/"


def sam(local: str) -> URIRef:
    """A term of the ontology outside the closed namespace's public list."""
    return URIRef("https://w3id.org/samhandling#" + local)


EBXML = sam("EbXMLFramework")
EDI = URIRef(CAT + "edi-2-0")
HELSEID = URIRef(CAT + "helseid")
NHN = URIRef("https://data.brreg.no/enhetsregisteret/api/enheter/994598759")
HDIR = URIRef("https://data.brreg.no/enhetsregisteret/api/enheter/983544622")
FORMATS = ("turtle", "json-ld", "nt", "xml")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["export", "--profile", "dcat-ap-no", *argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def exported() -> Graph:
    return dcat_ap_no(load_knowledge_graph([EXAMPLES]), publisher_iri("983544622")).graph


def fired(graph: Graph) -> set[str]:
    return {f.shape.removeprefix(DAPNO) for f in check(graph)}


# --- the export of examples/ -------------------------------------------------------------------


def test_examples_export_passes_the_check_on_both_engines(exported: Graph) -> None:
    assert check(exported) == []
    assert check_reference(exported) == []


def test_examples_become_two_data_services_and_eighteen_named_left_outs() -> None:
    code, text, err = run("--data", EXAMPLES, "--publisher", "983544622", "--format", "nt")
    assert code == 0, err
    graph = Graph().parse(data=text, format="nt")
    services = set(graph.subjects(RDF.type, DCAT.DataService))
    assert services == {EDI, HELSEID} == set(graph.objects(CATALOGUE, DCAT.service))
    solutions = set(load_knowledge_graph([EXAMPLES]).subjects(RDF.type, SAM.Solution))
    lines = err.splitlines()
    left = [line for line in lines if line.startswith("samhandling: left out: <")]
    named = {URIRef(line.split("<", 1)[1].split(">", 1)[0]) for line in left}
    # every solution is either a data service or named with its reason: no silent drop
    assert named == solutions - services and len(named) == 18
    assert all("dcat:endpointURL" in line for line in left)
    assert lines[-1] == "samhandling: dcat-ap-no: 2 data services, 18 solutions left out"
    assert "Traceback" not in err


def test_mandatory_properties_of_catalogue_service_and_contact_point(exported: Graph) -> None:
    # v2 §Katalog (+ v3 contact point), v2/v3 §Datatjeneste, v3 §Kontaktopplysning
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.identifier, DCTERMS.publisher,
                 DCAT.contactPoint):
        assert list(exported.objects(CATALOGUE, prop)), prop
    for lang in ("nb", "nn", "en"):
        assert any(t.language == lang for t in exported.objects(CATALOGUE, DCTERMS.title))
    assert exported.value(CATALOGUE, DCTERMS.publisher) == HDIR
    for service in (EDI, HELSEID):
        assert len(list(exported.objects(service, DCAT.endpointURL))) == 1
        for prop in (DCTERMS.identifier, DCTERMS.title, DCTERMS.publisher, DCAT.contactPoint,
                     DCAT.endpointDescription):
            assert list(exported.objects(service, prop)), (service, prop)
        assert exported.value(service, DCTERMS.publisher) == NHN  # the solution's own
        assert set(exported.objects(service, DCAT.theme)) == set(THEMES)
    for contact in set(exported.objects(None, DCAT.contactPoint)):
        assert list(exported.objects(contact, VCARD.fn))
        assert str(exported.value(contact, VCARD.hasEmail)).startswith("mailto:")


def test_each_record_carries_the_forms_and_needs_as_subjects_with_the_concept_iris(exported: Graph) -> None:
    source = load_knowledge_graph([EXAMPLES])
    concept_export = Graph()
    code, text, err = _skos_export()
    assert code == 0, err
    concept_export.parse(data=text, format="nt")
    published_concepts = set(concept_export.subjects(RDF.type, SKOS.Concept))
    for service in (EDI, HELSEID):
        wanted = {c for p in (SAM.realises, SAM.uses, SAM.addresses) for c in source.objects(service, p)}
        assert set(exported.objects(service, DCTERMS.subject)) == wanted
        assert wanted <= published_concepts  # the same IRIs the SKOS-AP-NO export publishes
        assert any((c, RDF.type, SAM.OrganisationalForm) in exported for c in wanted)
        assert any((c, RDF.type, SAM.TechnicalForm) in exported for c in wanted)


def _skos_export() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["export", "--profile", "skos-ap-no", "--data", EXAMPLES, "--format", "nt"], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_standards_and_legislation(exported: Graph) -> None:
    assert set(exported.objects(EDI, DCTERMS.conformsTo)) == {EBXML, sam("HelseID")}
    laws = set(exported.objects(EDI, DCATAP.applicableLegislation))
    # Helsepersonelloven LOV-1999-07-02-64, Personopplysningsloven LOV-2018-06-15-38
    assert laws == {URIRef("https://lovdata.no/eli/lov/1999/07/02/64"),
                    URIRef("https://lovdata.no/eli/lov/2018/06/15/38")}
    for law in laws:
        assert (law, RDF.type, ELI.LegalResource) in exported
        assert len({t.language for t in exported.objects(law, DCTERMS.title)}) == len(
            list(exported.objects(law, DCTERMS.title)))  # one title per language


def test_the_date_comes_from_the_data_not_the_clock(exported: Graph) -> None:
    ontology_date = load_knowledge_graph().value(URIRef("https://w3id.org/samhandling"), DCTERMS.modified)
    assert exported.value(CATALOGUE, DCTERMS.modified) == Literal(str(ontology_date), datatype=XSD.date)


def test_a_later_date_in_the_data_moves_the_catalogue_date(tmp_path: Path) -> None:
    later = tmp_path / "later.ttl"
    later.write_text(f'<{EDI}> <{DCTERMS.modified}> "2027-03-01"^^<{XSD.date}> .\n', encoding="utf-8")
    export = dcat_ap_no(load_knowledge_graph([EXAMPLES, later]))
    assert export.graph.value(CATALOGUE, DCTERMS.modified) == Literal("2027-03-01", datatype=XSD.date)


# --- publisher ----------------------------------------------------------------------------------


def test_default_publisher_is_helsedirektoratet_with_a_reachable_contact() -> None:
    graph = dcat_ap_no(load_knowledge_graph([EXAMPLES])).graph
    assert graph.value(CATALOGUE, DCTERMS.publisher) == HDIR
    assert (HDIR, FOAF.name, Literal("Helsedirektoratet")) in graph
    contact = graph.value(CATALOGUE, DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:postmottak@helsedir.no")


@pytest.mark.parametrize(("number", "why"), [
    ("983544623", "check digit"), ("98354462", "9 digits"), ("98354462x", "9 digits")])
def test_a_wrong_organisation_number_is_a_usage_error(number: str, why: str) -> None:
    code, text, err = run("--data", EXAMPLES, "--publisher", number, "--lang", "en")
    assert code == 2 and text == ""
    assert err.count("\n") == 1 and why in err and "Traceback" not in err


def test_an_unknown_publisher_without_contact_stops_the_export(tmp_path: Path) -> None:
    # 974760673 (Brønnøysundregistrene) is a valid number the project knows no contact for.
    target = tmp_path / "out.ttl"
    code, text, err = run("--data", EXAMPLES, "--publisher", "974760673", "--output", str(target))
    assert code == 1 and text == "" and not target.exists()
    assert f"<{CATALOGUE}>" in err and "vcard:hasEmail" in err


# --- checked before written ----------------------------------------------------------------------

TWO_ENDPOINTS = f"""@prefix dcat: <http://www.w3.org/ns/dcat#> .
<{EDI}> dcat:endpointURL <https://api.hn-tjener.test.melding.nhn.no/> .
"""


def test_a_failing_record_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    extra = tmp_path / "second-endpoint.ttl"
    extra.write_text(TWO_ENDPOINTS, encoding="utf-8")
    target = tmp_path / "out.ttl"
    code, text, err = run("--data", EXAMPLES, str(extra), "--output", str(target))
    assert code == 1 and text == "" and not target.exists()
    failing = [line for line in err.splitlines() if line.startswith("samhandling: violation:")]
    assert failing and all(f"<{EDI}>" in line for line in failing), err
    assert any("endepunktsURL" in line for line in failing)  # Bokmål, the default language


def test_a_text_where_a_party_or_standard_belongs_is_named_not_a_crash(tmp_path: Path) -> None:
    # A literal publisher or standard stays a literal value: the export never makes it the
    # subject of a statement (Oxigraph, and RDF, refuse that), and the check names it.
    data = tmp_path / "texts.ttl"
    data.write_text(catalogue_text([["publisher-literal"], ["conforms-to-literal"]]) + endpoints(2),
                    encoding="utf-8")
    target = tmp_path / "out.ttl"
    code, text, err = run("--data", str(data), "--output", str(target))
    assert code == 1 and text == "" and not target.exists(), err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert any(': "Organisasjon 0": Aktøren skal ha navn' in line for line in lines), err
    assert any(': "HL7 FHIR R4": Standarden skal ha tittel' in line for line in lines), err


# --- the compiled check against pySHACL on generated catalogues ----------------------------------


def test_both_engines_agree_on_a_generated_catalogue_with_every_defect(tmp_path: Path) -> None:
    # Every defect of the generator once (those the export carries over break a rule of the
    # check), and valid records between them.
    source = with_services(tmp_path, [[d] for d in DEFECTS] + [[]] * 3)
    export = dcat_ap_no(source)
    assert set(export.services) == set(source.subjects(RDF.type, SAM.Solution))
    for lang in ("nb", "nn", "en"):
        compiled = check(export.graph, lang=lang)
        assert len({f.shape for f in compiled}) >= 8
        assert compiled == check_reference(export.graph, lang=lang)


def test_both_engines_agree_on_a_realistic_generated_catalogue(tmp_path: Path) -> None:
    graph = dcat_ap_no(realistic_services(tmp_path, 120, seed=7)).graph
    compiled = check(graph)
    assert compiled and compiled == check_reference(graph)


def test_a_legal_basis_without_eli_is_noted_per_record(tmp_path: Path) -> None:
    extra = tmp_path / "norm.ttl"
    extra.write_text(f"<{EDI}> <{DCATAP.applicableLegislation}> <{sam('Normen')}> .\n", encoding="utf-8")
    code, text, err = run("--data", EXAMPLES, str(extra), "--format", "nt")
    assert code == 0, err
    assert any(line.startswith(f"samhandling: note: <{EDI}>") and "Normen" in line
               for line in err.splitlines()), err
    assert (EDI, DCATAP.applicableLegislation, sam("Normen")) not in Graph().parse(data=text, format="nt")


def test_no_solutions_is_a_usage_error() -> None:
    code, text, err = run()
    assert code == 2 and text == "" and "sam:Solution" in err and err.count("\n") == 1


def test_two_catalogues_in_the_data_is_a_usage_error(tmp_path: Path) -> None:
    extra = tmp_path / "catalogues.ttl"
    extra.write_text(f"<https://example.org/a> a <{DCAT.Catalog}> . <https://example.org/b> a <{DCAT.Catalog}> .\n",
                     encoding="utf-8")
    code, text, err = run("--data", EXAMPLES, str(extra))
    assert code == 2 and text == "" and "dcat:Catalog" in err and err.count("\n") == 1


def test_a_catalogue_declared_in_the_data_gives_its_iri_and_texts(tmp_path: Path) -> None:
    own = URIRef("https://example.org/catalogue")
    extra = tmp_path / "catalogue.ttl"
    extra.write_text(f'<{own}> a <{DCAT.Catalog}> ; <{DCTERMS.title}> "Vår katalog"@nb ; '
                     f'<{DCTERMS.description}> "Våre API-er."@nb .\n', encoding="utf-8")
    graph = dcat_ap_no(load_knowledge_graph([EXAMPLES, extra])).graph
    assert set(graph.objects(own, DCAT.service)) == {EDI, HELSEID}
    assert set(graph.objects(own, DCTERMS.title)) == {Literal("Vår katalog", lang="nb")}
    assert check(graph) == []


# --- broken variants: each fails on its rule, and the two engines agree ---------------------------

Mutation = Callable[[Graph], None]


def _set(subject: object, prop: URIRef, *values: object) -> Mutation:
    def mutate(g: Graph) -> None:
        node = subject(g) if callable(subject) else subject
        g.remove((node, prop, None))
        for value in values:
            g.add((node, prop, value))  # type: ignore[arg-type]
    return mutate


def _add(subject: object, prop: URIRef, value: object) -> Mutation:
    def mutate(g: Graph) -> None:
        node = subject(g) if callable(subject) else subject
        g.add((node, prop, value))  # type: ignore[arg-type]
    return mutate


def contact(g: Graph) -> object:
    return g.value(EDI, DCAT.contactPoint)


def catalogue_contact(g: Graph) -> object:
    return g.value(CATALOGUE, DCAT.contactPoint)


def _contact_as_foaf(g: Graph) -> None:
    node = contact(g)
    g.remove((node, RDF.type, VCARD.Organization))
    g.add((node, RDF.type, FOAF.Organization))


def _catalogue_contact_as_individual(g: Graph) -> None:
    node = catalogue_contact(g)
    g.remove((node, RDF.type, VCARD.Organization))
    g.add((node, RDF.type, VCARD.Individual))


def _contact_unreachable(g: Graph) -> None:
    node = contact(g)
    for prop in (VCARD.hasEmail, VCARD.hasURL, VCARD.hasTelephone):
        g.remove((node, prop, None))


def _service_not_a_service(g: Graph) -> None:
    g.add((CATALOGUE, DCAT.service, URIRef(CAT + "kjernejournal")))


def _publisher_not_an_agent(g: Graph) -> None:
    g.remove((HDIR, RDF.type, FOAF.Agent))


def _wrong_check_digit(g: Graph) -> None:
    wrong = URIRef("https://data.brreg.no/enhetsregisteret/api/enheter/994598758")
    for _, p, o in list(g.triples((NHN, None, None))):
        g.add((wrong, p, o))
    g.set((wrong, DCTERMS.identifier, Literal("994598758")))
    g.set((EDI, DCTERMS.publisher, wrong))


def _publisher_project_iri(g: Graph) -> None:
    own = URIRef("https://w3id.org/samhandling/organisation/samhandling-kg")
    g.add((own, RDF.type, FOAF.Agent))
    g.add((own, FOAF.name, Literal("samhandling-kg")))
    g.set((EDI, DCTERMS.publisher, own))


def _conforms_to_untyped(g: Graph) -> None:
    spec = URIRef("https://example.org/spec")
    g.add((EDI, DCTERMS.conformsTo, spec))
    g.add((spec, DCTERMS.title, Literal("A specification", lang="en")))


def _standard_without_title(g: Graph) -> None:
    g.remove((EBXML, DCTERMS.title, None))


def _legislation_by_project_iri(g: Graph) -> None:
    g.add((EDI, DCATAP.applicableLegislation, sam("Pasientjournalloven")))
    g.add((sam("Pasientjournalloven"), RDF.type, ELI.LegalResource))
    g.add((sam("Pasientjournalloven"), DCTERMS.title, Literal("Pasientjournalloven", lang="nb")))


def _legislation_untyped(g: Graph) -> None:
    law = URIRef("https://lovdata.no/eli/lov/1999/07/02/64")
    g.remove((law, RDF.type, ELI.LegalResource))


def _legislation_without_title(g: Graph) -> None:
    law = URIRef("https://lovdata.no/eli/lov/1999/07/02/64")
    g.remove((law, DCTERMS.title, None))


def _concept_without_nb_label(g: Graph) -> None:
    for label in list(g.objects(SAM.MessageExchange, SKOS.prefLabel)):
        if label.language == "nb":
            g.remove((SAM.MessageExchange, SKOS.prefLabel, label))


def _subject_not_a_concept(g: Graph) -> None:
    g.remove((SAM.MessageExchange, RDF.type, SKOS.Concept))


BROKEN: dict[str, tuple[Mutation, str]] = {
    # catalogue
    "catalogue without title": (_set(CATALOGUE, DCTERMS.title), "CatalogTitle"),
    "catalogue title without language": (_add(CATALOGUE, DCTERMS.title, Literal("Katalog")), "CatalogTitle"),
    "catalogue with two nb titles": (_add(CATALOGUE, DCTERMS.title, Literal("Enda en", lang="nb")), "CatalogTitle"),
    "catalogue without description": (_set(CATALOGUE, DCTERMS.description), "CatalogDescription"),
    "catalogue without identifier": (_set(CATALOGUE, DCTERMS.identifier), "CatalogIdentifier"),
    "catalogue with two identifiers": (_add(CATALOGUE, DCTERMS.identifier, Literal("x")), "CatalogIdentifier"),
    "catalogue without publisher": (_set(CATALOGUE, DCTERMS.publisher), "CatalogPublisher"),
    "catalogue publisher not an agent": (_publisher_not_an_agent, "CatalogPublisher"),
    "catalogue without contact point": (_set(CATALOGUE, DCAT.contactPoint), "CatalogContactPoint"),
    "catalogue contact an individual": (_catalogue_contact_as_individual, "CatalogContactPoint"),
    "catalogue modified as a string": (_set(CATALOGUE, DCTERMS.modified, Literal("2026-11-25")), "CatalogModified"),
    "catalogue modified twice": (_add(CATALOGUE, DCTERMS.modified, Literal("2026-11-26", datatype=XSD.date)),
                                 "CatalogModified"),
    "catalogue service not a data service": (_service_not_a_service, "CatalogService"),
    "catalogue language a code": (_add(CATALOGUE, DCTERMS.language, Literal("nb")), "CatalogLanguage"),
    # data service
    "service without endpoint URL": (_set(EDI, DCAT.endpointURL), "ServiceEndpointURL"),
    "service with two endpoint URLs": (_add(EDI, DCAT.endpointURL, URIRef("https://api.tjener.test.melding.nhn.no/")),
                                       "ServiceEndpointURL"),
    "endpoint URL as text": (_set(EDI, DCAT.endpointURL, Literal("https://api.example.org/")), "ServiceEndpointURL"),
    "endpoint URL not http": (_set(EDI, DCAT.endpointURL, URIRef("urn:x-api:edi")), "ServiceEndpointURL"),
    "endpoint description as text": (_set(EDI, DCAT.endpointDescription, Literal("OpenAPI")),
                                     "ServiceEndpointDescription"),
    "service without identifier": (_set(EDI, DCTERMS.identifier), "ServiceIdentifier"),
    "service identifier an IRI": (_set(EDI, DCTERMS.identifier, EDI), "ServiceIdentifier"),
    "service without title": (_set(EDI, DCTERMS.title), "ServiceTitle"),
    "service with two en titles": (_add(EDI, DCTERMS.title, Literal("EDI two", lang="en")), "ServiceTitle"),
    "service description without language": (_add(EDI, DCTERMS.description, Literal("x")), "ServiceDescription"),
    "service without publisher": (_set(EDI, DCTERMS.publisher), "ServicePublisher"),
    "service with two publishers": (_add(EDI, DCTERMS.publisher, HDIR), "ServicePublisher"),
    "service without contact point": (_set(EDI, DCAT.contactPoint), "ServiceContactPoint"),
    "service contact point a foaf organisation": (_contact_as_foaf, "ServiceContactPoint"),
    "theme outside the vocabularies": (_add(EDI, DCAT.theme, SAM.MessageExchange), "ServiceTheme"),
    "theme as text": (_add(EDI, DCAT.theme, Literal("Helse")), "ServiceTheme"),
    "no Data theme (Los only)": (_set(EDI, DCAT.theme, THEMES[1]), "ServiceThemeDataTheme"),
    "service without concepts": (_set(EDI, DCTERMS.subject), "ServiceSubject"),
    "subject not a concept": (_subject_not_a_concept, "ServiceSubject"),
    "conforms to a text": (_add(EDI, DCTERMS.conformsTo, Literal("ebXML")), "ServiceConformsTo"),
    "conforms to a non-standard": (_conforms_to_untyped, "ServiceConformsTo"),
    "legislation not a legal resource": (_legislation_untyped, "ServiceApplicableLegislation"),
    "two landing pages": (_add(EDI, DCAT.landingPage, URIRef("https://www.nhn.no/")), "ServiceLandingPage"),
    "documentation as text": (_add(EDI, FOAF.page, Literal("see nhn.no")), "ServicePage"),
    "access rights as a statement": (_add(EDI, DCTERMS.accessRights, BNode()), "ServiceAccessRights"),
    # agent
    "publisher without name": (_set(NHN, FOAF.name), "AgentName"),
    "publisher identifier not 9 digits": (_set(NHN, DCTERMS.identifier, Literal("994 598 759")), "AgentIdentifier"),
    "publisher wrong check digit": (_wrong_check_digit, "AgentOrganisationNumber"),
    "publisher not an organisation number": (_publisher_project_iri, "AgentOrganisationNumber"),
    # contact point
    "contact without name": (_set(contact, VCARD.fn), "ContactName"),
    "contact e-mail as text": (_set(contact, VCARD.hasEmail, Literal("kundesenter@nhn.no")), "ContactEmail"),
    "contact with two e-mails": (_add(contact, VCARD.hasEmail, URIRef("mailto:post@nhn.no")), "ContactEmail"),
    "contact without e-mail (v3)": (_set(contact, VCARD.hasEmail), "ContactEmailV3"),
    "contact with two pages": (_add(contact, VCARD.hasURL, URIRef("https://www.nhn.no/kontakt")), "ContactURL"),
    "contact reaching nobody": (_contact_unreachable, "ContactReachable"),
    # standards, legislation, concepts
    "standard without title": (_standard_without_title, "StandardTitle"),
    "legislation by the project's IRI": (_legislation_by_project_iri, "LegalResource"),
    "legislation without title": (_legislation_without_title, "LegalResourceTitle"),
    "concept without Bokmål term": (_concept_without_nb_label, "ConceptPrefLabelNb"),
}

#: Variants whose break necessarily trips a second rule too (named here, so nothing else may).
ALSO: dict[str, set[str]] = {
    "contact reaching nobody": {"ContactEmailV3"},  # no e-mail is one way of reaching nobody
    "conforms to a text": {"StandardTitle"},  # a literal has no title either
}


def _broken(exported: Graph, name: str) -> Graph:
    graph = Graph()
    graph += exported
    BROKEN[name][0](graph)
    return graph


@pytest.mark.parametrize("name", BROKEN)
def test_each_broken_variant_fails_on_its_rule(name: str, exported: Graph) -> None:
    rule = BROKEN[name][1]
    assert fired(_broken(exported, name)) == {rule} | ALSO.get(name, set())


@pytest.mark.parametrize("name", BROKEN)
def test_the_compiled_check_finds_what_pyshacl_finds(name: str, exported: Graph) -> None:
    graph = _broken(exported, name)
    assert check(graph) == check_reference(graph)


def test_every_rule_of_the_check_has_a_broken_variant() -> None:
    shapes = _check_shapes()
    rules = {str(s).removeprefix(DAPNO) for s in shapes.subjects(RDF.type, URIRef(SH + "PropertyShape"))}
    rules |= {str(s).removeprefix(DAPNO) for s in shapes.subjects(RDF.type, URIRef(SH + "SPARQLConstraint"))}
    rules |= {str(s).removeprefix(DAPNO) for s in shapes.subjects(RDF.type, URIRef(SH + "NodeShape"))
              if (s, URIRef(SH + "pattern"), None) in shapes}
    assert rules == {rule for _, rule in BROKEN.values()}
    assert len(BROKEN) >= 20


@pytest.mark.parametrize("rule", sorted({rule for _, rule in BROKEN.values()}))
def test_every_rule_speaks_nb_nn_and_en_and_cites_the_specification(rule: str) -> None:
    shapes = _check_shapes()
    messages = list(shapes.objects(URIRef(DAPNO + rule), URIRef(SH + "message")))
    assert {m.language for m in messages} == {"nb", "nn", "en"}, rule
    text = (ROOT / "shapes" / "dcat-ap-no" / "dcat-ap-no.ttl").read_text(encoding="utf-8")
    block = text.split(f"dapno:{rule} a ", 1)[0].rsplit("\n\n", 1)[-1]
    assert block.lstrip().startswith("#") and ("§" in block or "#" in block.split("\n", 1)[0][1:]), rule


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_the_shapes_mod11_rule_is_the_projects(number: str) -> None:
    """The SPARQL of AgentOrganisationNumber against the one Python rule (the reference)."""
    agent = URIRef("https://data.brreg.no/enhetsregisteret/api/enheter/" + number)
    graph = Graph()
    graph.add((URIRef("https://example.org/s"), DCTERMS.publisher, agent))
    found = {f.shape.removeprefix(DAPNO) for f in check(graph) if f.focus == str(agent)}
    assert ("AgentOrganisationNumber" not in found) == organisation_number_valid(number)


# --- determinism and the stored export --------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_is_byte_stable_across_processes(fmt: str) -> None:
    code = ("import sys; from samhandling_kg.cli import main; "
            f"sys.exit(main(['export', '--profile', 'dcat-ap-no', '--data', {EXAMPLES!r}, "
            f"'--publisher', '983544622', '--format', '{fmt}']))")
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }
    (text,) = outputs
    assert text == run("--data", EXAMPLES, "--publisher", "983544622", "--format", fmt)[1]


def test_the_questions_data_is_the_current_export() -> None:
    """tests/data/dcat-ap-no-examples.ttl (the data of cq20's cases) is what the export writes."""
    code, text, err = run("--data", EXAMPLES, "--publisher", "983544622")
    assert code == 0, err
    assert (ROOT / "tests" / "data" / "dcat-ap-no-examples.ttl").read_text(encoding="utf-8") == text


def test_profile_registry_lists_both_profiles() -> None:
    from samhandling_kg.publish.profiles import PROFILES

    assert set(PROFILES) == {"skos-ap-no", "dcat-ap-no"}

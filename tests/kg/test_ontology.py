"""The ontology checks itself: contract terms, header, labels, SKOS integrity, entailment.

The `tests/quality/*-violation.rq` queries must return no rows on the ontology; each has a
small bad file in `tests/quality/bad/` on which it must fire, so no check can silently rot.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from samhandling_kg import ONTOLOGY_IRI, SAM, load_knowledge_graph, materialise, ontology_graph
from samhandling_kg.core.resources import ontology_path
from samhandling_kg.io.rdf import parse_file
from samhandling_kg.sparql.guard import run_on_graph

ROOT = Path(__file__).resolve().parents[2]
QUALITY = Path(__file__).resolve().parents[1] / "quality"
CHECKS = sorted(QUALITY.glob("*-violation.rq"))
SAM_NS = "https://w3id.org/samhandling#"

ORGANISATIONAL = {
    SAM.SendAndReceive: "Sende og motta",
    SAM.LookUpAndMakeAvailable: "Slå opp og tilgjengeliggjøre",
    SAM.ChangeAndShare: "Endre og dele",
}
TECHNICAL = {
    SAM.MessageExchange: "Meldingsutveksling",
    SAM.DocumentSharing: "Dokumentdeling",
    SAM.DataSharing: "Datadeling",
    SAM.SharedSolution: "Samhandling i felles løsning",
    SAM.PortalAccess: "Portaltilgang",
}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def closure(onto: Graph) -> Graph:
    return materialise(onto)


def _rows(graph: Graph, check: Path) -> list[tuple[str, str]]:
    result = run_on_graph(graph, check.read_text(encoding="utf-8"), source=str(check))
    return [(str(row[0]), str(row[1])) for row in result.rows]


# --- quality checks ----------------------------------------------------------------------


def test_there_are_quality_checks_and_each_has_a_bad_case() -> None:
    assert len(CHECKS) >= 12
    names = {c.name.removesuffix("-violation.rq") for c in CHECKS}
    assert names == {p.stem for p in (QUALITY / "bad").glob("*.ttl")}


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.stem)
def test_ontology_passes_check(check: Path, onto: Graph) -> None:
    assert _rows(onto, check) == []


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.stem)
def test_check_fires_on_its_bad_case(check: Path) -> None:
    bad = QUALITY / "bad" / (check.name.removesuffix("-violation.rq") + ".ttl")
    expected = re.search(r"^# expect: (\S+)$", bad.read_text(encoding="utf-8"), re.MULTILINE)
    assert expected, f"{bad} names no expected term"
    assert expected.group(1) in {term for term, _ in _rows(parse_file(bad), check)}


# --- the contract -------------------------------------------------------------------------


def test_contract_classes(onto: Graph) -> None:
    for cls in (SAM.InteractionForm, SAM.OrganisationalForm, SAM.TechnicalForm, SAM.Need, SAM.Solution):
        assert (cls, RDF.type, OWL.Class) in onto
    assert (SAM.OrganisationalForm, RDFS.subClassOf, SAM.InteractionForm) in onto
    assert (SAM.TechnicalForm, RDFS.subClassOf, SAM.InteractionForm) in onto
    assert (SAM.OrganisationalForm, OWL.disjointWith, SAM.TechnicalForm) in onto or (
        SAM.TechnicalForm, OWL.disjointWith, SAM.OrganisationalForm) in onto


@pytest.mark.parametrize(
    ("form", "cls", "label"),
    [(f, SAM.OrganisationalForm, l) for f, l in ORGANISATIONAL.items()]
    + [(f, SAM.TechnicalForm, l) for f, l in TECHNICAL.items()],
    ids=lambda v: str(v).rsplit("#", 1)[-1] if isinstance(v, URIRef) else None,
)
def test_the_eight_forms(form: URIRef, cls: URIRef, label: str, onto: Graph) -> None:
    assert (form, RDF.type, cls) in onto
    assert (form, RDF.type, SKOS.Concept) in onto
    assert (form, SKOS.prefLabel, Literal(label, lang="nb")) in onto
    assert {lit.language for lit in onto.objects(form, SKOS.prefLabel)} == {"nb", "nn", "en"}
    assert {lit.language for lit in onto.objects(form, SKOS.definition)} >= {"nb", "en"}
    assert list(onto.objects(form, DCTERMS.source))


def test_contract_properties(onto: Graph) -> None:
    assert (SAM.supports, OWL.inverseOf, SAM.supportedBy) in onto or (
        SAM.supportedBy, OWL.inverseOf, SAM.supports) in onto
    assert (SAM.realises, RDFS.range, SAM.OrganisationalForm) in onto
    assert (SAM.uses, RDFS.range, SAM.TechnicalForm) in onto
    assert (SAM.addresses, RDFS.range, SAM.Need) in onto
    for prop in (SAM.realises, SAM.uses, SAM.addresses):
        assert (prop, RDFS.domain, SAM.Solution) in onto


def test_namespace_module_matches_the_file(onto: Graph) -> None:
    declared = {
        str(s).removeprefix(SAM_NS)
        for s in onto.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(SAM_NS)
    }
    in_module = set(SAM.__annotations__)
    # The closed namespace lists the schema and the named individuals code refers to; every
    # name it lists must exist in the ontology.
    assert in_module <= declared, in_module - declared


# --- header and packaging -----------------------------------------------------------------


def test_version_lives_once_in_pyproject(onto: Graph) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert (ONTOLOGY_IRI, OWL.versionInfo, Literal(version)) in onto
    assert (ONTOLOGY_IRI, OWL.versionIRI, URIRef(f"{ONTOLOGY_IRI}/{version}")) in onto


def test_header_dates_and_licence(onto: Graph) -> None:
    assert (ONTOLOGY_IRI, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in onto
    for prop in (DCTERMS.created, DCTERMS.modified):
        (value,) = onto.objects(ONTOLOGY_IRI, prop)
        assert isinstance(value, Literal) and value.datatype == XSD.date
    assert (ONTOLOGY_IRI, URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix"), Literal("sam")) in onto


def test_every_prefix_ends_in_slash_or_hash() -> None:
    text = ontology_path().read_text(encoding="utf-8")
    prefixes = re.findall(r"^@prefix\s+([\w-]*):\s*<([^>]*)>", text, re.MULTILINE)
    assert prefixes
    for name, namespace in prefixes:
        assert namespace.endswith(("/", "#")), f"prefix {name}: <{namespace}>"


# --- the supported-by matrix and its entailments -------------------------------------------


def test_matrix_is_complete_and_evidenced(onto: Graph) -> None:
    links = set(onto.subjects(RDF.type, SAM.SupportLink))
    assert len(links) >= 8
    for link in links:
        assert len(set(onto.objects(link, SAM.evidenceStatus))) == 1, link
    statuses = {onto.value(link, SAM.evidenceStatus) for link in links}
    # No seed passage names an organisational and a technical form together, so under the
    # grading rule of docs/model.md every support link is the project's inference
    # (tests/kg/test_grading.py holds every Stated item to a passage of the seed).
    assert statuses == {SAM.Derived}
    for org in ORGANISATIONAL:
        assert set(onto.objects(org, SAM.supportedBy)) & set(TECHNICAL), org
    for tech in TECHNICAL:
        assert set(onto.subjects(SAM.supportedBy, tech)) & set(ORGANISATIONAL), tech


def test_needs_reach_technical_forms_after_reasoning(onto: Graph, closure: Graph) -> None:
    needs = set(onto.subjects(RDF.type, SAM.Need))
    assert len(needs) >= 12 + 4
    for need in needs:
        orgs = set(onto.objects(need, SAM.supportedBy)) & set(ORGANISATIONAL)
        assert orgs, need
        expected = {t for org in orgs for t in onto.objects(org, SAM.supportedBy)}
        assert expected <= set(closure.objects(need, SAM.supportedBy)), need
        for form in orgs | expected:
            assert (form, SAM.supports, need) in closure


def test_property_path_answers_like_the_reasoner(onto: Graph, closure: Graph) -> None:
    query = "SELECT ?need ?form WHERE { ?need a <%sNeed> ; <%ssupportedBy>+ ?form }" % (SAM_NS, SAM_NS)
    asserted = set(run_on_graph(onto, query).rows)
    direct = "SELECT ?need ?form WHERE { ?need a <%sNeed> ; <%ssupportedBy> ?form }" % (SAM_NS, SAM_NS)
    assert asserted == set(run_on_graph(closure, direct).rows)


def test_reasoning_finds_no_inconsistency(closure: Graph) -> None:
    assert not list(closure.subjects(RDF.type, OWL.Nothing))
    # owlrl reports a clash as a triple on the individual in error
    assert not list(closure.triples((None, URIRef("http://www.daml.org/2002/03/agents/agent-ont#error"), None)))
    disjoint = [(SAM.OrganisationalForm, SAM.TechnicalForm), (SAM.Need, SAM.InteractionForm)]
    for a, b in disjoint:
        assert not set(closure.subjects(RDF.type, a)) & set(closure.subjects(RDF.type, b))


def test_materialise_does_not_touch_its_input(onto: Graph) -> None:
    before = len(onto)
    closure = materialise(onto)
    assert len(onto) == before
    assert len(closure) > before


def test_loading_returns_independent_copies() -> None:
    first = load_knowledge_graph()
    first.remove((None, None, None))
    assert len(load_knowledge_graph()) > 0


def test_materialisation_leaves_out_owlrl_noise(closure: Graph) -> None:
    assert not [s for s in closure.subjects() if isinstance(s, Literal)]
    assert not [s for s, o in closure.subject_objects(OWL.sameAs) if s == o]


# --- the doubts of issue 10 (docs/model.md) ------------------------------------------------------

SEED_PAGE = URIRef("https://www.ehelse.no/arkitektur/nasjonal-arkitekturstyring/oversikt-over-digitale-samhandlingsformer")
FOAF_PAGE = URIRef("http://xmlns.com/foaf/0.1/page")


def test_supported_by_between_organisational_forms_is_inconsistent(onto: Graph) -> None:
    # Transitivity would otherwise hand SendAndReceive all of ChangeAndShare's technical forms.
    bad = Graph()
    bad += onto
    bad.add((SAM.SendAndReceive, SAM.supportedBy, SAM.ChangeAndShare))
    closure = materialise(bad)
    assert (SAM.ChangeAndShare, RDF.type, SAM.TechnicalForm) in closure
    errors = [str(o) for o in closure.objects(None, URIRef("http://www.daml.org/2002/03/agents/agent-ont#error"))]
    assert any("OrganisationalForm" in e and "TechnicalForm" in e and "ChangeAndShare" in e for e in errors)


def test_the_seed_page_is_the_source_with_an_address(onto: Graph) -> None:
    seed = URIRef("https://w3id.org/samhandling/source/oversikt-digitale-samhandlingsformer")
    assert (seed, FOAF_PAGE, SEED_PAGE) in onto
    for form in [*ORGANISATIONAL, *TECHNICAL]:
        assert (form, DCTERMS.source, seed) in onto


def test_no_shipped_file_cites_an_internal_document() -> None:
    # Only public documents (or files that ship) may be cited by what the package and sdist carry.
    folders = ["ontology", "shapes", "queries", "examples", "docs", "samhandling_kg"]
    binary = {".pyc", ".png"}  # a screenshot cites nothing
    files = [p for folder in folders for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix not in binary]
    for path in sorted([*files, ROOT / "README.md", ROOT / "SECURITY.md"]):
        text = path.read_text(encoding="utf-8")
        for internal in ("DOMAIN.md", "CONTRACT.md", "domain brief"):
            assert internal not in text, f"{path.relative_to(ROOT)} cites {internal}"


def test_examples_are_the_seeds_and_the_projects_are_marked(onto: Graph) -> None:
    assert (SAM.projectExample, RDFS.subPropertyOf, SKOS.example) in onto
    # the seed gives no example of message exchange or document sharing
    for form in (SAM.MessageExchange, SAM.DocumentSharing):
        assert not list(onto.objects(form, SKOS.example)) and list(onto.objects(form, SAM.projectExample))
    for form in (SAM.SendAndReceive, SAM.LookUpAndMakeAvailable, SAM.ChangeAndShare, SAM.DataSharing,
                 SAM.SharedSolution, SAM.PortalAccess):
        assert list(onto.objects(form, SKOS.example)) and not list(onto.objects(form, SAM.projectExample))


def test_helseid_is_a_common_service_every_technical_form_relies_on(onto: Graph, closure: Graph) -> None:
    helseid = SAM._NS["HelseID"]
    assert (helseid, RDF.type, SAM.CommonService) in onto
    assert (helseid, RDF.type, SAM.Standard) not in closure
    for form in TECHNICAL:
        assert (form, SAM.reliesOn, helseid) in onto
        assert (form, SAM.standardisedBy, helseid) not in onto


def test_constrained_by_says_something(onto: Graph) -> None:
    # Links identical on every technical form carried no information and are gone; each
    # framework says in nb, nn and en what it bears on and why.
    for form in TECHNICAL:
        assert not list(onto.objects(form, SAM.constrainedBy))
    for framework in onto.subjects(RDF.type, SAM.LegalFramework):
        assert {n.language for n in onto.objects(framework, SKOS.scopeNote)} == {"nb", "nn", "en"}
    targets = {frozenset(onto.objects(s, SAM.constrainedBy)) for s in onto.subjects(SAM.constrainedBy, None)}
    assert len(targets) > 1  # the links tell needs and forms apart


def test_reuse_of_standard_vocabularies(onto: Graph) -> None:
    org = URIRef("http://www.w3.org/ns/org#Organization")
    eli = URIRef("http://data.europa.eu/eli/ontology#LegalResource")
    assert (SAM.Standard, RDFS.subClassOf, DCTERMS.Standard) in onto
    assert (SAM.SupportLink, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Entity")) in onto
    for organisation in onto.subjects(RDF.type, URIRef("http://xmlns.com/foaf/0.1/Organization")):
        assert (organisation, RDF.type, org) in onto
    acts = {s for s in onto.subjects(RDF.type, SAM.LegalFramework) if str(onto.value(s, DCTERMS.identifier)).startswith("LOV-")}
    assert len(acts) == 4 and acts == set(onto.subjects(RDF.type, eli))


def test_every_absent_pair_of_the_matrix_has_a_reason(onto: Graph) -> None:
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    linked = {(o, t) for o in ORGANISATIONAL for t in onto.objects(o, SAM.supportedBy)}
    absent = {(o, t) for o in ORGANISATIONAL for t in TECHNICAL} - linked
    assert absent
    for org_form, tech in absent:
        row = re.search(rf"^\| {org_form.split('#')[1]} \| {tech.split('#')[1]} \| (.+) \|$", text, re.MULTILINE)
        assert row and len(row.group(1)) > 40, (org_form, tech)

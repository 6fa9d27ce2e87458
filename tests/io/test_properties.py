"""Property-based tests: whatever the input, a result or a clean error, never a crash.

Parsing: arbitrary bytes, arbitrary text and token soups of each syntax → a graph of plain RDF
triples or :class:`InputError`. Queries: arbitrary text → a result or :class:`QueryError`.
Parameters: arbitrary values are bound as one term each, through ``initBindings`` locally and
through ``VALUES`` blocks for endpoints, and mean the same either way. Validation: arbitrary
solution graphs → a report that every output format can write. The conftest guard fails any
example that reaches for the network.
"""

from __future__ import annotations

import io
import json
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from samhandling_kg.cli import main
from samhandling_kg.core.errors import InputError, QueryError, SamhandlingError
from samhandling_kg.core.terms import PREFIXES
from samhandling_kg.io.rdf import FORMATS, parse_bytes
from samhandling_kg.kg.questions import Parameter, expand_iri
from samhandling_kg.sparql.guard import check_read_query, run_on_graph
from samhandling_kg.sparql.results import QueryResult

#: PROPERTY_EXAMPLES=1000 for a longer, randomised hunt; the default run is fixed and quick.
_HUNT = os.environ.get("PROPERTY_EXAMPLES")
SETTINGS = settings(max_examples=int(_HUNT or 60), deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    derandomize=_HUNT is None)
FEW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow],
               derandomize=True)

_FORBIDDEN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
ENDINGS = sorted(FORMATS)


def assert_plain_rdf(graph: Graph) -> None:
    for s, p, o in graph:
        assert isinstance(s, (URIRef, BNode)) and not isinstance(s, Literal)
        assert type(p) is URIRef
        assert isinstance(o, (URIRef, BNode, Literal))
        for term in (s, p, o):
            if isinstance(term, URIRef):
                assert not _FORBIDDEN_IRI.search(term), term


def parse_or_error(data: bytes, ending: str) -> None:
    try:
        graph = parse_bytes(data, f"input{ending}", format=FORMATS[ending])
    except InputError as exc:
        message = str(exc)
        assert message.startswith(f"input{ending}") and "\n" not in message, message
        return
    assert_plain_rdf(graph)


# --------------------------------------------------------------------------------- parsing

@SETTINGS
@given(data=st.binary(max_size=400), ending=st.sampled_from(ENDINGS))
def test_any_bytes_parse_or_fail_cleanly(data: bytes, ending: str) -> None:
    parse_or_error(data, ending)


@SETTINGS
@given(text=st.text(max_size=300), ending=st.sampled_from(ENDINGS))
def test_any_text_parses_or_fails_cleanly(text: str, ending: str) -> None:
    parse_or_error(text.encode("utf-8", "surrogatepass"), ending)


TURTLE_TOKENS = [
    "<https://example.org/a>", "<https://example.org/b>", "<a b>", "<>", "<#x>", "<file:///etc/passwd>",
    "ex:a", "ex:", ":b", "_:b1", "[", "]", "(", ")", "{", "}", ".", ";", ",", "a", "@prefix ex: <https://example.org/> .",
    "@base <http://attacker.example/> .", "PREFIX : <https://example.org/>", '"x"', '"""multi\nline"""', "'y'",
    '"x"@nb', '"x"@123', '"1"^^<http://www.w3.org/2001/XMLSchema#integer>', '"maybe"^^xsd:boolean', "1", "-2.5",
    "1e999", "true", "GRAPH", "=>", "?x", "@forAll", "\\u0000", "#c\n", "\n", " ", "\t", "\x00", "\x1b[2J",
]
JSON_KEYS = ["@id", "@type", "@context", "@value", "@language", "@list", "@set", "@graph", "@reverse", "@base",
             "@vocab", "@import", "@json", "@nest", "https://example.org/p", "ex:p", "ex", "p", ""]
JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
                        st.sampled_from(["https://example.org/a", "_:b", "ex:a", "nb", "en-GB", "@json", "not a tag",
                                         "http://attacker.example/ctx", "file:///etc/passwd", ""]),
                        st.text(max_size=10))
JSON_VALUES = st.recursive(JSON_LEAVES, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.sampled_from(JSON_KEYS), children, max_size=4)),
    max_leaves=20)
XML_TOKENS = [
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">',
    "</rdf:RDF>", '<rdf:Description rdf:about="https://example.org/a">', "<rdf:Description>", "</rdf:Description>",
    "<ex:p>", "</ex:p>", '<ex:p rdf:resource="a b"/>', '<ex:p rdf:parseType="Resource">', '<ex:p rdf:parseType="Literal">',
    '<ex:p rdf:parseType="Collection">', '<ex:p xml:lang="nb">', '<ex:p xml:lang="!!">', 'rdf:nodeID="x"',
    '<TriX xmlns="http://www.w3.org/2004/03/trix/trix-1/">', "</TriX>", "<graph>", "</graph>", "<triple>",
    "</triple>", "<uri>https://example.org/a</uri>", "<plainLiteral>x</plainLiteral>", "<id>b</id>",
    '<!DOCTYPE r [<!ENTITY e "x">]>', "&e;", "&amp;", "text", "<?xml version='1.0'?>", "<![CDATA[x]]>",
]


@SETTINGS
@given(tokens=st.lists(st.sampled_from(TURTLE_TOKENS), max_size=40),
       ending=st.sampled_from([".ttl", ".nt", ".nq", ".trig", ".n3"]))
def test_token_soup_in_text_syntaxes(tokens: list[str], ending: str) -> None:
    parse_or_error(" ".join(tokens).encode("utf-8"), ending)


@SETTINGS
@given(document=JSON_VALUES)
def test_any_json_document_as_jsonld(document: object) -> None:
    parse_or_error(json.dumps(document).encode("utf-8"), ".jsonld")


@SETTINGS
@given(tokens=st.lists(st.sampled_from(XML_TOKENS), max_size=30), ending=st.sampled_from([".rdf", ".trix"]))
def test_token_soup_in_xml_syntaxes(tokens: list[str], ending: str) -> None:
    parse_or_error("".join(tokens).encode("utf-8"), ending)


# --------------------------------------------------------------------------------- queries

SMALL = Graph()
for _i in range(4):
    SMALL.add((URIRef(f"https://example.org/s{_i}"), URIRef("https://example.org/p"), Literal(f"v{_i}", lang="nb")))
    SMALL.add((URIRef(f"https://example.org/s{_i}"), RDF.type, URIRef("https://example.org/C")))

SPARQL_TOKENS = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "?s", "?p", "?o", "*", ".", ";", ",", "(", ")",
    "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "SERVICE", "SILENT", "VALUES", "BIND", "AS", "FROM", "NAMED",
    "<https://example.org/p>", "<http://attacker.example/sparql>", "a", "LIMIT", "1", "ORDER BY", "GROUP BY",
    "COUNT", "EXISTS", "NOT", "INSERT", "DELETE", "DATA", "LOAD", "DROP", "ALL", "CLEAR", "WITH", "PREFIX ex: <https://example.org/>",
    "ex:p", '"x"', '"x"@nb', "REGEX", "STR", "=", "&&", "||", "!", "#", "\n", "'''", '"', "\\", "\x00",
]


def query_or_error(text: str) -> None:
    try:
        result = run_on_graph(SMALL, text, source="q.rq")
    except QueryError as exc:
        assert str(exc).startswith("q.rq") and "\n" not in str(exc), str(exc)
        return
    assert isinstance(result, QueryResult)


@SETTINGS
@given(text=st.text(max_size=200))
def test_any_query_text_runs_or_fails_cleanly(text: str) -> None:
    query_or_error(text)


@SETTINGS
@given(tokens=st.lists(st.sampled_from(SPARQL_TOKENS), max_size=30))
def test_sparql_token_soup_runs_or_fails_cleanly(tokens: list[str]) -> None:
    text = " ".join(tokens)
    query_or_error(text)
    try:
        check_read_query(text)
    except QueryError:
        return
    # Whatever parsed as a read query: never an update, and SERVICE is never run locally.
    assert not re.match(r"\s*(INSERT|DELETE|LOAD|DROP|CLEAR|WITH)\b", text)


# --------------------------------------------------------------------------------- parameters

PARAMS_QUERY = "SELECT ?text ?thing (STRLEN(?text) AS ?n) WHERE { }"


@SETTINGS
@given(value=st.text(max_size=80))
def test_literal_parameter_is_one_literal(value: str) -> None:
    term = Parameter("text", "literal", None, "").term(value, PREFIXES)
    assert term == Literal(value)
    result = run_on_graph(SMALL, PARAMS_QUERY, {"text": term, "thing": URIRef("https://example.org/a")})
    assert result.rows == ((Literal(value), URIRef("https://example.org/a"), Literal(len(value))),)


IRI_VALUES = st.one_of(
    st.text(max_size=60),
    st.builds(lambda p, s: p + s, st.sampled_from(["sam:", "https://example.org/", "<https://e.org/", "urn:", "skos:"]),
              st.text(max_size=30)),
)


@SETTINGS
@given(value=IRI_VALUES)
def test_iri_parameter_is_one_iri_or_refused(value: str) -> None:
    try:
        term = expand_iri(value, PREFIXES)
    except QueryError as exc:
        assert "not an IRI" in str(exc)
        return
    assert isinstance(term, URIRef) and not _FORBIDDEN_IRI.search(term)
    result = run_on_graph(SMALL, PARAMS_QUERY, {"text": Literal("x"), "thing": term})
    assert result.rows == ((Literal("x"), term, Literal(1)),)


LANG_TAGS = st.from_regex(r"\A[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}\Z")
BOUND_TERMS = st.one_of(
    st.text(max_size=40).map(Literal),
    st.builds(lambda text, lang: Literal(text, lang=lang), st.text(max_size=20), LANG_TAGS),
    st.builds(lambda text: Literal(text, datatype=URIRef("https://example.org/type")), st.text(max_size=20)),
    st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x2FF), max_size=20)
    .map(lambda tail: URIRef("https://example.org/" + tail)),
)
SHAPES = [
    "SELECT ?v WHERE { }",
    "SELECT ?s WHERE { ?s <https://example.org/p> ?o FILTER(?o != ?v) }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o OPTIONAL { ?s <https://example.org/q> ?v } }",
    "ASK { ?s ?p ?v }",
]


@SETTINGS
@given(term=BOUND_TERMS, shape=st.sampled_from(SHAPES))
def test_values_binding_means_the_same_as_init_bindings(term: Literal | URIRef, shape: str) -> None:
    """For endpoints parameters are written into the query as VALUES blocks: whatever the value,
    the written query must be a read query with the same answer as rdflib's initBindings."""
    from samhandling_kg.sparql.binding import bind_with_values

    kind = "ASK" if shape.startswith("ASK") else "SELECT"
    try:
        bound = bind_with_values(shape, kind, {"v": term})
    except QueryError:
        assert isinstance(term, URIRef) and _FORBIDDEN_IRI.search(term)
        return
    assert check_read_query(bound)[1] == kind
    reference = run_on_graph(SMALL, shape, {"v": term})
    written = run_on_graph(SMALL, bound)
    assert written.as_set() == reference.as_set()
    assert written.boolean == reference.boolean


@FEW
@given(value=st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40))
def test_bind_on_the_command_line_round_trips(value: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("q")
    query = folder / "params.rq"
    query.write_text("# param: text literal -- any text\n" + PARAMS_QUERY.replace("?thing ", "") + "\n")
    out, err = io.StringIO(), io.StringIO()
    code = main(["query", str(query), "--format", "json", "--bind", f"text={value}"], out=out, err=err)
    assert code == 0, err.getvalue()
    (row,) = json.loads(out.getvalue())["results"]["bindings"]
    assert row["text"] == {"type": "literal", "value": value}
    assert row["n"]["value"] == str(len(value))


# --------------------------------------------------------------------------------- validation

SAM = "https://w3id.org/samhandling#"
FORMS = [URIRef(SAM + name) for name in ("SendAndReceive", "LookUpAndMakeAvailable", "ChangeAndShare",
                                         "MessageExchange", "DocumentSharing", "DataSharing", "SharedSolution",
                                         "PortalAccess", "NoSuchForm")]
ANY_OBJECT = st.one_of(
    st.sampled_from(FORMS),
    st.builds(Literal, st.text(max_size=15)),
    st.builds(lambda text, lang: Literal(text, lang=lang), st.text(max_size=15), st.sampled_from(["nb", "nn", "en", "se", "x-y"])),
    st.builds(lambda text: Literal(text, datatype=XSD.integer), st.text(max_size=5)),
    st.builds(BNode),
    st.sampled_from([URIRef("https://data.brreg.no/enhetsregisteret/api/enheter/974760673"),
                     URIRef("https://example.org/org"), URIRef("urn:x")]),
)
PROPERTIES = [RDF.type, DCTERMS.identifier, DCTERMS.title, DCTERMS.description, DCTERMS.publisher,
              URIRef(SAM + "realises"), URIRef(SAM + "uses"), URIRef(SAM + "addresses"),
              DCTERMS.conformsTo, DCTERMS.language, URIRef("https://example.org/other")]


@st.composite
def solution_graphs(draw: st.DrawFn) -> Graph:
    graph = Graph()
    for index in range(draw(st.integers(1, 3))):
        node = URIRef(f"https://example.org/solution{index}") if draw(st.booleans()) else BNode()
        if draw(st.integers(0, 9)):
            graph.add((node, RDF.type, URIRef(SAM + "Solution")))
        for prop, value in draw(st.lists(st.tuples(st.sampled_from(PROPERTIES), ANY_OBJECT), max_size=12)):
            graph.add((node, prop, value))
    return graph


@FEW
@given(graph=solution_graphs())
def test_any_solution_graph_gives_a_report(graph: Graph) -> None:
    from samhandling_kg.validation.engines import validate
    from samhandling_kg.validation.render import render

    before = set(graph)
    try:
        report = validate(graph, lang="nb")
    except SamhandlingError as exc:  # a clean refusal is allowed; a crash is not
        assert "\n" not in str(exc)
        return
    assert set(graph) == before  # the caller's graph is never changed
    assert isinstance(report.conforms, bool)
    for fmt in ("text", "json", "turtle", "sarif", "junit"):
        text = render(report, fmt)
        assert isinstance(text, str)
    document = json.loads(render(report, "json"))
    assert document["conforms"] == report.conforms
    assert {r["severity"] for r in document["results"]} <= {"Violation", "Warning", "Info"}


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["prefix", "PREFIX", "PreFix", "pre", "fix", "@", "x", " ",
                                 "\u0130", "\u212a", "\u00e6", "\U0001f600", "P", "\n"]),
                max_size=30).map("".join),
       st.integers(min_value=1, max_value=12))
def test_prefix_words_are_where_the_expression_finds_them(text: str, chunk: int) -> None:
    """Where a file writes ``prefix`` in any case (searched for its declarations) is found a
    chunk at a time in the chunk's lower case: the positions the case-insensitive expression
    finds, whatever the chunk size and letters such as "İ", whose lower case is longer."""
    from samhandling_kg.io.oxigraph import _PREFIX_WORD, prefix_words

    assert list(prefix_words(text, chunk)) == [m.start() for m in _PREFIX_WORD.finditer(text)]


def test_no_other_letter_lowers_to_a_letter_of_prefix() -> None:
    """Why the lower case finds what the expression finds: no letter but P, R, E, F, I and
    X of ASCII lowers to one character of "prefix" (İ lowers to two)."""
    lowering = [chr(c) for c in range(0x110000)
                if chr(c).lower() in set("prefix") and chr(c).lower() != chr(c)]
    assert sorted(lowering) == sorted("PREFIX")

"""``samhandling serve``: a read-only SPARQL endpoint on loopback with a query page."""

from __future__ import annotations

import http.client
import io
import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import scoping_dependent, serving

from samhandling_kg.cli import main
from samhandling_kg.core.errors import QueryError
from samhandling_kg.kg.graph import load_knowledge_graph
from samhandling_kg.kg.questions import list_questions
from samhandling_kg.serve.server import make_server
from samhandling_kg.site.routes import SiteRoutes
from samhandling_kg.stores.endpoint import EndpointStore
from samhandling_kg.stores.local import OxigraphStore, RdflibStore

ROOT = Path(__file__).resolve().parents[2]
DATA = sorted((ROOT / "examples").glob("*.ttl"))


@pytest.fixture(scope="module")
def endpoint() -> Iterator[tuple[str, int]]:
    with serving(make_server(OxigraphStore.with_knowledge_graph(DATA), "127.0.0.1", 0)) as where:
        yield where


def request(where: tuple[str, int], method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection(*where, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def test_the_pages_are_the_sites_and_its_query_page_offers_the_questions(endpoint: tuple[str, int]) -> None:
    """``samhandling serve`` serves the documentation site (serve() passes it): its start page
    at ``/`` and its query page with every competency question. A bare endpoint (no site) has
    no pages: ``/`` says where the endpoint is."""
    status, media, body = request(endpoint, "GET", "/")
    assert status == 404 and body.decode().strip() == "not found: the endpoint is /sparql"
    with serving(make_server(OxigraphStore.with_knowledge_graph(), "127.0.0.1", 0,
                             site=SiteRoutes())) as site:
        status, media, body = request(site, "GET", "/")
        assert status == 200 and media.startswith("text/html")
        for lang in ("nb", "nn", "en"):
            status, media, body = request(site, "GET", f"/{lang}/query.html")
            page = body.decode("utf-8")
            assert status == 200 and 'data-endpoint="../sparql"' in page, page[:500]
            for question in list_questions():
                assert question.id in page


def test_select_by_get_and_post(endpoint: tuple[str, int]) -> None:
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    status, media, body = request(endpoint, "GET", "/sparql?" + urllib.parse.urlencode({"query": text}))
    assert status == 200 and media == "application/sparql-results+json"
    count = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    assert count == len(load_knowledge_graph(DATA))
    status, media, body = request(endpoint, "POST", "/sparql", text.encode(),
                                  {"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert status == 200 and media.startswith("text/csv") and body.decode().splitlines()[1] == str(count)


def test_construct_gives_turtle(endpoint: tuple[str, int]) -> None:
    text = "CONSTRUCT WHERE { ?s a <https://w3id.org/samhandling#TechnicalForm> }"
    status, media, body = request(endpoint, "GET", "/sparql?" + urllib.parse.urlencode({"query": text}))
    assert status == 200 and media.startswith("text/turtle") and b"TechnicalForm" in body


@pytest.mark.parametrize(("method", "body", "headers", "path"), [
    ("POST", b"DROP ALL", {"Content-Type": "application/sparql-update"}, "/sparql"),
    ("POST", b"update=DROP+ALL", {"Content-Type": "application/x-www-form-urlencoded"}, "/sparql"),
    ("POST", b"query=DROP+ALL", {"Content-Type": "application/x-www-form-urlencoded"}, "/sparql"),
    ("GET", None, {}, "/sparql?query=" + urllib.parse.quote("CLEAR DEFAULT")),
    ("PUT", b"<a:b> <a:c> <a:d> .", {"Content-Type": "text/turtle"}, "/sparql"),
    ("DELETE", None, {}, "/sparql"),
])
def test_updates_are_refused(endpoint: tuple[str, int], method: str, body: bytes | None,
                             headers: dict[str, str], path: str) -> None:
    before = request(endpoint, "GET", "/sparql?query=" + urllib.parse.quote("SELECT (COUNT(*) AS ?n) {?s ?p ?o}"))
    status, _, text = request(endpoint, method, path, body, headers)
    assert status == 403, text
    assert request(endpoint, "GET", "/sparql?query=" + urllib.parse.quote("SELECT (COUNT(*) AS ?n) {?s ?p ?o}")) == before


def test_service_clauses_and_bad_queries_are_refused(endpoint: tuple[str, int]) -> None:
    text = "SELECT * WHERE { SERVICE <https://example.org/sparql> { ?s ?p ?o } }"
    status, _, body = request(endpoint, "GET", "/sparql?" + urllib.parse.urlencode({"query": text}))
    assert status == 400 and b"SERVICE" in body
    status, _, body = request(endpoint, "GET", "/sparql?query=SELEKT")
    assert status == 400 and b"malformed" in body
    status, _, _ = request(endpoint, "GET", "/sparql")
    assert status == 400


def test_requests_for_another_host_are_refused(endpoint: tuple[str, int]) -> None:
    """A web page cannot reach the endpoint through DNS rebinding: the Host must be local."""
    ask = "/sparql?query=ASK%7B%7D"
    status, _, _ = request(endpoint, "GET", ask, headers={"Host": "attacker.example:7878"})
    assert status == 403
    status, _, _ = request(endpoint, "GET", ask, headers={"Host": f"localhost:{endpoint[1]}"})
    assert status == 200


def test_competency_questions_answer_as_on_rdflib(endpoint: tuple[str, int]) -> None:
    remote = EndpointStore(f"http://{endpoint[0]}:{endpoint[1]}/sparql", timeout=10)
    local = RdflibStore(load_knowledge_graph(DATA))
    for question in list_questions():
        if question.id in scoping_dependent():
            continue  # test_stores.py::test_questions_bind_parameters_with_standard_scoping
        try:
            bindings = question.bindings()
        except QueryError:  # a parameter without a default
            continue
        expected = local.query(question.query, bindings)
        answer = remote.query(question.query, bindings)
        if expected.kind == "ASK":
            assert answer.boolean == expected.boolean, question.id
        elif expected.graph is None:
            assert len(answer.rows) == len(expected.rows), question.id


def test_serve_command_listens_on_loopback_by_default() -> None:
    from samhandling_kg.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1"
    assert main(["serve", "--help"]) == 0


def test_serve_command_reports_a_bad_data_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a:b> <a:c> .\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["serve", "--port", "0", "--data", str(bad)], out=out, err=err) == 2
    assert f"{bad}:1:" in err.getvalue() and err.getvalue().count("\n") == 1

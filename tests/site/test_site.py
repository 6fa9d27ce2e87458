"""``samhandling docs``: the static site generated from the graph, and the site's routes in
``samhandling serve`` (content negotiation of the terms' IRIs, the query page's binding)."""

from __future__ import annotations

import json
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import assert_one_line_error, run
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, SKOS

from samhandling_kg.core.namespace import SAM
from samhandling_kg.core.terms import LANGUAGES
from samhandling_kg.kg.graph import load_knowledge_graph, ontology_graph
from samhandling_kg.kg.questions import get_question
from samhandling_kg.site import ExtraPage, SiteBuilder, register_page
from samhandling_kg.site.build import EXTRA_PAGES, MANIFEST, write_site
from samhandling_kg.site.diagram import diagram_svg
from samhandling_kg.site.i18n import check_registry
from samhandling_kg.site.model import SiteGraph
from samhandling_kg.site.routes import SiteRoutes, negotiate

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "examples" / "helseplattformen.ttl"
FORMS = [SAM.SendAndReceive, SAM.LookUpAndMakeAvailable, SAM.ChangeAndShare, SAM.MessageExchange,
         SAM.DocumentSharing, SAM.DataSharing, SAM.SharedSolution, SAM.PortalAccess]


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, dict[str, str | None]]] = []
        self.h1: list[str] = []
        self.html_lang: str | None = None
        self._in_h1 = False
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.html_lang = values.get("lang")
        for name in ("href", "src"):
            if values.get(name):
                self.refs.append((tag, str(values[name]), values))
        self._in_h1 = tag == "h1"
        self._in_jsonld = tag == "script" and values.get("type") == "application/ld+json"

    def handle_endtag(self, tag: str) -> None:
        self._in_h1 = self._in_h1 and tag != "h1"
        self._in_jsonld = self._in_jsonld and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1.append(data)
        if self._in_jsonld:
            self.jsonld.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    code, out, err = run("docs", "--output", folder, "--data", DATA)
    assert code == 0 and err == "", err
    assert str(folder / "index.html") in out
    return folder


def test_every_link_of_the_site_resolves_and_nothing_is_loaded_from_outside(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert (site / "index.html") in pages
    for lang in LANGUAGES:
        assert (site / lang / "index.html").exists() and (site / lang / "catalogue.html").exists()
        assert not (site / lang / "query.html").exists()  # it needs the endpoint of `serve`
    for path in pages:
        page = parse(path)
        assert page.html_lang in LANGUAGES, path
        for tag, ref, attrs in page.refs:
            url = urllib.parse.urlsplit(ref)
            if url.scheme in ("http", "https"):
                # Only plain links lead outside, never a script, style sheet, font or image.
                assert tag == "a" and attrs.get("rel") == "external", (path, ref)
                continue
            if url.scheme == "data" or ref.startswith("#"):
                continue
            target = (path.parent / urllib.parse.unquote(url.path)).resolve()
            assert target.is_file(), f"{path.relative_to(site)}: {ref} does not exist"
            assert site.resolve() in target.parents, (path, ref)


def test_concept_pages_carry_the_graphs_labels_and_rdf(site: Path) -> None:
    graph = load_knowledge_graph([DATA])
    for form in FORMS:
        name = form.split("#")[1]
        for lang in LANGUAGES:
            page = parse(site / lang / "concept" / f"{name}.html")
            label = next(o for o in graph.objects(form, SKOS.prefLabel) if o.language == lang)
            assert "".join(page.h1) == str(label), (form, lang)
            # The JSON-LD in the page and the Turtle beside it hold the term's own triples.
            embedded = Graph().parse(data="".join(page.jsonld), format="json-ld")
            turtle = Graph().parse(site / "rdf" / f"{name}.ttl", format="turtle")
            assert isomorphic(embedded, turtle)
            assert set(embedded.predicate_objects(form)) == set(graph.predicate_objects(form))
    ontology = Graph().parse(site / "samhandling.ttl", format="turtle")
    assert isomorphic(ontology, ontology_graph())


def test_a_solution_page_shows_its_findings_and_the_forms_it_realises(site: Path) -> None:
    text = (site / "en" / "concept" / "cat-helseplattformen.html").read_text(encoding="utf-8")
    assert "Validation findings" in text
    assert 'href="../concept/SharedSolution.html"' in text
    assert 'href="concept/cat-helseplattformen.html"' in (site / "en" / "catalogue.html").read_text(
        encoding="utf-8")


def test_a_new_form_or_link_in_the_graph_changes_the_figure_and_the_grid() -> None:
    graph = load_knowledge_graph()
    new = URIRef(str(SAM) + "PigeonPost")
    graph.add((new, RDF.type, SAM.TechnicalForm))
    graph.add((new, RDF.type, OWL.NamedIndividual))
    for lang, text in (("nb", "Brevdue"), ("nn", "Brevdue"), ("en", "Carrier pigeon")):
        graph.add((new, SKOS.prefLabel, Literal(text, lang=lang)))
    graph.add((SAM.SendAndReceive, SAM.supportedBy, new))
    site = SiteGraph(graph)
    for lang in LANGUAGES:
        svg = diagram_svg(site, lang)
        assert f'data-iri="{new}"' in svg
        assert f'data-from="{SAM.SendAndReceive}" data-to="{new}"' in svg
        assert ("Carrier pigeon" in svg) == (lang == "en")
    files = SiteBuilder(graph=graph).language_files("en")
    assert f'data-from="{SAM.SendAndReceive}" data-to="{new}"' in files["en/matrix.html"].decode()
    assert "en/concept/PigeonPost.html" in files


def test_the_sites_words_are_complete_and_a_guide_page_has_its_slot() -> None:
    assert check_registry() == []
    registered = EXTRA_PAGES.get("guide")  # the decision guide (site/guide.py) is there already
    register_page(ExtraPage("guide", "guide.html", lambda site, lang: f"<h1>{len(site.needs)}</h1>"))
    try:
        files = SiteBuilder().language_files("nn")
        assert "nn/guide.html" in files
        assert b'data-nav="guide"' in files["nn/index.html"] and b"Rettleiar" in files["nn/index.html"]
    finally:
        EXTRA_PAGES.pop("guide")
        if registered is not None:
            register_page(registered)


def test_the_guide_page_in_every_language_carries_the_decision_data(site: Path) -> None:
    from samhandling_kg.recommendation.data import decision_data
    from samhandling_kg.site.i18n import chrome

    decision = decision_data(load_knowledge_graph([DATA]))
    assert (site / "static" / "guide.js").is_file()
    for lang in LANGUAGES:
        text = (site / lang / "guide.html").read_text(encoding="utf-8")
        page = parse(site / lang / "guide.html")
        assert page.html_lang == lang and "".join(page.h1) == chrome("guide", lang)
        assert ("script", "../static/guide.js", {"src": "../static/guide.js", "defer": None}) in page.refs
        block = re.search(r'<script type="application/json" id="guide-data">(.*?)</script>', text, re.DOTALL)
        assert block is not None
        data = json.loads(block.group(1))
        assert data["decision"] == decision and data["lang"] == lang
        # One question (a fieldset with a legend and three labelled answers) per characteristic.
        for c in decision["characteristics"]:
            name = c["name"]
            assert f'data-char="{c["iri"]}" data-name="{name}"' in text
            for value in ("yes", "no", "unknown"):
                assert f'id="q-{name}-{value}"' in text and f'for="q-{name}-{value}"' in text
        assert text.count("<legend") == len(decision["characteristics"])
        assert text.count("<option value=\"https://") == len(decision["needs"])
        assert f'data-nav="guide" aria-current="page">{chrome("guide", lang)}<' in text


def test_docs_input_errors_are_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert_one_line_error(*run("docs", "--output", blocker)[::2], "not a folder")
    assert_one_line_error(*run("docs", "--output", tmp_path / "out", "--data", tmp_path / "missing.ttl")[::2],
                          "missing.ttl")


# --- serve ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def routes() -> SiteRoutes:
    return SiteRoutes()


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/html,application/xhtml+xml,*/*;q=0.8", "text/html"),
    ("text/turtle", "text/turtle"),
    ("application/ld+json;q=0.9, text/turtle;q=0.5", "application/ld+json"),
    ("application/*", "application/ld+json"),
    ("", "text/html"),
    ("image/png", None),
])
def test_negotiation(accept: str, expected: str | None) -> None:
    offers = ["text/html", "application/ld+json", "text/turtle"]
    assert negotiate(accept, offers, "text/html") == expected


def test_term_iris_answer_html_to_browsers_and_rdf_to_machines(routes: SiteRoutes) -> None:
    status, headers, body = routes.handle("/samhandling", "", "text/turtle")
    assert status == 200 and dict(headers)["Content-Type"].startswith("text/turtle")
    assert isomorphic(Graph().parse(data=body, format="turtle"), ontology_graph())
    status, headers, _ = routes.handle("/samhandling", "", "text/html,*/*;q=0.8")
    assert status == 303 and dict(headers)["Location"] == "/index.html"
    status, headers, body = routes.handle("/samhandling/source/hitr-1212-2018", "", "application/ld+json")
    assert status == 200 and dict(headers)["Content-Type"] == "application/ld+json"
    graph = Graph().parse(data=body, format="json-ld")
    assert (URIRef("https://w3id.org/samhandling/source/hitr-1212-2018"), None, None) in graph
    status, headers, _ = routes.handle("/samhandling/source/hitr-1212-2018", "", "text/html")
    assert status == 303 and dict(headers)["Location"].endswith("/concept/samsrc-hitr-1212-2018.html")
    assert routes.handle("/samhandling/source/nothing", "", "text/turtle")[0] == 404
    assert routes.handle("/samhandling", "", "image/png")[0] == 406
    status, headers, body = routes.handle("/nb/index.html", "", "")
    assert status == 200 and "script-src 'self'" in dict(headers)["Content-Security-Policy"]
    assert routes.handle("/sparql", "", "") is None  # the endpoint stays serve's own
    assert routes.handle("/../../etc/passwd", "", "") is None


def test_the_query_pages_binding_is_the_command_lines(routes: SiteRoutes) -> None:
    qid = "cq03-technical-forms-for-organisational-form"
    status, _, body = routes.handle(f"/question/{qid}/query", "form=sam:ChangeAndShare&lang=nn", "")
    assert status == 200
    text = body.decode()
    assert "VALUES ?form { <https://w3id.org/samhandling#ChangeAndShare> }" in re.sub(r"\s+", " ", text)
    status, _, body = routes.handle(f"/question/{qid}/query", "form=sam:DataSharing", "")
    code, _, err = run("query", qid, "--bind", "form=sam:DataSharing", "--lang", "en")  # the site speaks English errors
    assert status == 400 and code == 2 and body.decode() == err
    status, _, body = routes.handle("/question/cq99/query", "", "")
    assert status == 400 and body.decode().count("\n") == 1
    data = json.loads(re.search(r'id="query-data">(.*?)</script>', routes.file("nn/query.html").decode(),
                                re.DOTALL).group(1))
    fields = {q["id"]: q["fields"] for q in data["questions"]}
    assert {o["value"] for o in fields[qid][0]["options"]} == {
        "sam:SendAndReceive", "sam:LookUpAndMakeAvailable", "sam:ChangeAndShare"}
    # No field for the answer's language: the page's language binds it; fields and columns
    # carry the question file's labels in the page's language.
    assert [f["name"] for f in fields[qid]] == ["form"]
    question = next(q for q in data["questions"] if q["id"] == qid)
    assert question["language_parameter"] == "lang"
    assert fields[qid][0]["label"] == get_question(qid).label("form", "nn") == "Organisatorisk samhandlingsform"
    assert question["columns"]["technicalForm"] == "Teknisk samhandlingsform"
    assert data["labels"][str(SAM.DataSharing)] == ["Datadeling", "nn"]


def test_hostile_text_in_the_data_stays_text() -> None:
    """Labels, definitions and IRIs of a data file are escaped in every page, the figure and the
    JSON blocks; a page cannot be made to run a script or load anything."""
    graph = load_knowledge_graph([DATA])
    evil = "</script><script>alert(1)</script><img src=x onerror=alert(2)>\"'&"
    solution = URIRef("https://w3id.org/samhandling/catalogue/helseplattformen")
    need = URIRef("https://example.org/need/x'onmouseover='alert(3)")  # legal in an IRI
    graph.add((need, RDF.type, SAM.Need))
    graph.add((need, SKOS.prefLabel, Literal(evil, lang="nb")))
    graph.add((need, SAM.supportedBy, SAM.SendAndReceive))
    graph.add((solution, SKOS.definition, Literal(evil, lang="en")))
    builder = SiteBuilder(graph=graph, served=True)
    for name, body in builder.language_files("nb").items():
        text = body.decode()
        assert "<script>alert" not in text and "<img src=x" not in text, name
        blocks = re.findall(r'<script type="application/(?:ld\+)?json"[^>]*>(.*?)</script>', text, re.DOTALL)
        for block in blocks:
            json.loads(block)
            text = text.replace(block, "")
        assert "'onmouseover='" not in text, name  # no attribute can be opened by a quote
    assert "alert(1)" in builder.language_files("nb")["nb/index.html"].decode()  # shown, as text


def test_the_index_links_the_ontology_in_four_formats(site: Path) -> None:
    for index in (site / "index.html", site / "nn" / "index.html"):
        page = parse(index)
        linked = {ref.rsplit("/", 1)[-1] for tag, ref, _ in page.refs if tag == "a"}
        assert {"samhandling.ttl", "samhandling.jsonld", "samhandling.nt", "samhandling.rdf"} <= linked
    graph = Graph().parse(site / "samhandling.nt", format="nt")
    assert isomorphic(graph, Graph().parse(site / "samhandling.ttl", format="turtle"))


def test_a_second_build_into_the_folder_leaves_no_stale_page_and_nothing_else_goes(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The real build lists exactly the files it wrote.
    listed = set((site / MANIFEST).read_text(encoding="utf-8").splitlines())
    written = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()} - {MANIFEST}
    assert listed == written and "nb/catalogue.html" in listed
    # Builds of a graph that changes: the pages of a term that went are removed, with their
    # folder once empty; the user's own files, and a folder without a list, lose nothing.
    builds = iter([{"index.html": b"1", "nb/concept/Old.html": b"old", "nb/concept/Kept.html": b"k",
                    "rdf/Old.ttl": b"old"},
                   {"index.html": b"2", "nb/concept/Kept.html": b"k2"}])
    monkeypatch.setattr(SiteBuilder, "files", lambda self: next(builds))
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "mine.txt").write_text("the user's", encoding="utf-8")
    (folder / "nb").mkdir()
    (folder / "nb" / "notes.html").write_text("the user's page", encoding="utf-8")
    assert write_site(folder) == 4
    assert (folder / "rdf" / "Old.ttl").exists()
    (folder / "nb" / "concept" / "extra.html").write_text("added by hand", encoding="utf-8")
    assert write_site(folder) == 2
    assert not (folder / "nb" / "concept" / "Old.html").exists() and not (folder / "rdf").exists()
    assert (folder / "nb" / "concept" / "Kept.html").read_bytes() == b"k2"
    assert (folder / "index.html").read_bytes() == b"2"
    for own in ("mine.txt", "nb/notes.html", "nb/concept/extra.html"):
        assert (folder / own).exists(), own
    # A list that names files outside the folder removes nothing there.
    (tmp_path / "outside.html").write_text("x", encoding="utf-8")
    (folder / MANIFEST).write_text("../outside.html\n/etc/hostname\n", encoding="utf-8")
    monkeypatch.setattr(SiteBuilder, "files", lambda self: {"index.html": b"3"})
    write_site(folder)
    assert (tmp_path / "outside.html").exists()

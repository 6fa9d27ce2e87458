"""The documentation site and the query page in a real browser (Debian's Chromium driven by
Playwright), with axe-core for accessibility.

Without Chromium or Playwright the tests skip with the reason; under ``CI=true`` they fail, so
a CI image without a browser cannot pass by skipping. One browser serves the whole module.
Screenshots go to ``test-artifacts/screenshots/`` (kept by CI, ignored by git).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from helpers import run, serving
from rdflib import URIRef
from servers import unavailable

from samhandling_kg.core.namespace import SAM
from samhandling_kg.core.terms import LANGUAGES
from samhandling_kg.kg.graph import load_knowledge_graph
from samhandling_kg.serve.server import make_server
from samhandling_kg.site.model import SiteGraph
from samhandling_kg.site.routes import SiteRoutes
from samhandling_kg.stores.local import OxigraphStore

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
# A few solutions are enough for the catalogue pages (validation runs once per language).
DATA = [ROOT / "examples" / name for name in ("helseid.ttl", "helseplattformen.ttl", "kjernejournal.ttl")]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("SAMHANDLING_CHROMIUM", "/usr/bin/chromium")
# No call home, no updates, no GPU: the browser talks only to the servers of the test.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-dev-shm-usage"]
WIDTHS = (1280, 390)


def _sam(name: str) -> URIRef:
    """A term of the knowledge graph that the ontology's namespace class does not list (needs,
    characteristics and their links are instances)."""
    return URIRef(str(SAM) + name)


# --- servers --------------------------------------------------------------------------------


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _folder_server(folder: Path) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    server.daemon_threads = True
    return server


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Both sites on loopback: ``samhandling docs --data …`` (run as a command, on the second
    core while this process builds the other) served as plain files, and ``samhandling serve``."""
    folder = tmp_path_factory.mktemp("site")
    command = subprocess.Popen(
        [sys.executable, "-c", "import sys; from samhandling_kg.cli import main; sys.exit(main())",
         "docs", "--output", str(folder), "--data", *map(str, DATA)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    site = SiteRoutes(DATA)
    site.paths()  # build the graph of the site now, while the command runs on the other core
    endpoint = make_server(OxigraphStore.with_knowledge_graph(DATA), "127.0.0.1", 0, site=site)
    with serving(endpoint) as (_, served_port):
        _, err = command.communicate(timeout=300)
        assert command.returncode == 0, err
        with serving(_folder_server(folder)) as (_, files_port):
            yield {"static": (f"http://127.0.0.1:{files_port}/", folder),
                   "served": (f"http://127.0.0.1:{served_port}/", site)}


@pytest.fixture(scope="module")
def static_site(sites: dict[str, Any]) -> tuple[str, Path]:
    return sites["static"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def served(sites: dict[str, Any]) -> tuple[str, SiteRoutes]:
    return sites["served"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def graph() -> SiteGraph:
    return SiteGraph(load_knowledge_graph(DATA))


# --- the browser ----------------------------------------------------------------------------


def launchable(executable: str = CHROMIUM) -> None:
    """Skip without Playwright or Chromium; under ``CI=true`` fail instead."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("Playwright is not installed (pip install '.[test]')")
    if not Path(executable).exists() and not shutil.which(executable):
        unavailable(f"Chromium is not installed at {executable} (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    launchable()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


def test_without_a_browser_the_tests_skip_but_fail_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium is not installed"):
        launchable("/nonexistent/chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true but Chromium is not installed"):
        launchable("/nonexistent/chromium")


class Watched:
    """A browser context that records console errors, failed loads and every request that
    would leave the machine (those are aborted)."""

    def __init__(self, browser: Any, locale: str = "nb-NO", width: int = 1280) -> None:
        self.context = browser.new_context(locale=locale, viewport={"width": width, "height": 900},
                                           accept_downloads=True)
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(f"{m.type}: {m.text} ({self.page.url})")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e} ({self.page.url})"))
        # A request cut short by leaving the page is no failure; one refused or broken is.
        self.page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url} {r.failure}")
                     if "ERR_ABORTED" not in (r.failure or "") else None)

    def _route(self, route: Any) -> None:
        url = urllib.parse.urlsplit(route.request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in ("127.0.0.1", "localhost"):
            self.outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    def goto(self, url: str) -> Any:
        self.page.goto(url, wait_until="load")
        return self.page

    def clean(self) -> None:
        assert not self.errors, self.errors
        assert not self.outside, self.outside

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    context = Watched(browser)
    yield context
    context.close()


def html_pages(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.html"))


# --- every page ------------------------------------------------------------------------------


def test_every_page_of_the_generated_site_loads_cleanly(static_site: tuple[str, Path], watched: Watched) -> None:
    base, folder = static_site
    pages = html_pages(folder)
    assert len(pages) > 3 * 100
    watched.goto(base + "index.html")
    chosen = None
    for name in sorted(pages, key=lambda n: (n.split("/")[0] if "/" in n else "nb", n)):
        lang = name.split("/")[0] if "/" in name else "nb"
        if lang != chosen:
            watched.page.evaluate(f"localStorage.setItem('samhandling.lang', '{lang}')")
            chosen = lang
        watched.goto(base + name)
        assert watched.page.evaluate("document.documentElement.lang") == lang, name
        assert watched.page.url == base + name, f"{name} moved to {watched.page.url}"
    watched.clean()


def test_every_page_of_the_served_site_loads_cleanly(served: tuple[str, SiteRoutes], watched: Watched) -> None:
    base, site = served
    # The served pages are the generated ones plus the query page: every page in Bokmål, and
    # every page but the term pages (one template, loaded above) in the other languages.
    pages = sorted((name for name in site.paths() if name.endswith(".html")
                    and (name.startswith("nb/") or "/concept/" not in name)),
                   key=lambda n: (n.split("/")[0] if "/" in n else "nb", n))
    assert {"nb/query.html", "nn/query.html", "en/query.html"} <= set(pages)
    watched.goto(base)
    chosen = None
    for name in pages:
        lang = name.split("/")[0] if "/" in name else "nb"
        if lang != chosen:
            watched.page.evaluate(f"localStorage.setItem('samhandling.lang', '{lang}')")
            chosen = lang
        watched.goto(base + name)
        assert watched.page.url == base + name, f"{name} moved to {watched.page.url}"
        assert watched.page.locator("main h1").count() == 1, name
    watched.clean()


# --- language ------------------------------------------------------------------------------


def test_language_switch_keeps_the_page_changes_labels_and_is_remembered(
        static_site: tuple[str, Path], graph: SiteGraph, watched: Watched) -> None:
    base, _ = static_site
    form = SAM.LookUpAndMakeAvailable
    page = watched.goto(base + f"nb/{graph.page(form)}")
    assert page.locator("h1").inner_text() == graph.label(form, "nb").value
    page.click("nav.langs a[data-lang=nn]")
    page.wait_for_url(base + f"nn/{graph.page(form)}")
    assert page.evaluate("document.documentElement.lang") == "nn"
    assert page.locator("h1").inner_text() == graph.label(form, "nn").value
    # Every text of another language than the page's says so.
    for element in page.locator("main [lang]").all():
        assert element.get_attribute("lang") in LANGUAGES
    page.click("nav.main-nav a[data-nav=matrix]")
    page.wait_for_url(base + "nn/matrix.html")
    header = page.locator(f'table.matrix th[data-iri="{SAM.DataSharing}"]').inner_text()
    assert header == graph.label(SAM.DataSharing, "nn").value
    # The choice is remembered by the start page, which now opens in Nynorsk; a Bokmål
    # address stays Bokmål (the address decides, not the last choice).
    watched.goto(base + "index.html")
    page.wait_for_url(base + "nn/index.html")
    watched.goto(base + "nb/needs.html")
    page.wait_for_timeout(300)
    assert page.url == base + "nb/needs.html" and page.evaluate("document.documentElement.lang") == "nb"
    page.click("nav.langs a[data-lang=en]")
    page.wait_for_url(base + "en/needs.html")
    assert page.evaluate("document.documentElement.lang") == "en"
    watched.clean()


@pytest.mark.parametrize(("locale", "expected"), [("en-GB", "en/index.html"), ("nn-NO", "nn/index.html"),
                                                  ("no-NO", "index.html"), ("de-DE", "index.html")])
def test_default_language_comes_from_the_browser_then_bokmaal(
        static_site: tuple[str, Path], browser: Any, locale: str, expected: str) -> None:
    base, _ = static_site
    context = Watched(browser, locale=locale)
    try:
        context.goto(base + "index.html")
        context.page.wait_for_url(base + expected)
        assert context.page.evaluate("document.documentElement.lang") == (expected.split("/")[0]
                                                                         if "/" in expected else "nb")
        context.clean()
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("locale", ["en-US", "nn-NO", "nb-NO"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_language_folder_page_keeps_its_language_whatever_the_browser(
        static_site: tuple[str, Path], browser: Any, locale: str, lang: str) -> None:
    """A shared /nb/ or /nn/ link reads as its sender saw it: only the start page chooses."""
    base, _ = static_site
    context = Watched(browser, locale=locale)
    try:
        for name in ("index.html", "matrix.html", "concept/DataSharing.html", "guide.html"):
            page = context.goto(base + f"{lang}/{name}")
            page.wait_for_load_state("domcontentloaded")
            page.wait_for_timeout(200)  # a script that moved the page would have done so now
            assert page.url == base + f"{lang}/{name}"
            assert page.evaluate("document.documentElement.lang") == lang
        context.clean()
    finally:
        context.close()


# --- the matrix and the diagram ---------------------------------------------------------------


def _graph_links(graph: SiteGraph) -> set[tuple[str, str]]:
    drawn = set(graph.needs) | set(graph.organisational_forms)
    targets = set(graph.organisational_forms) | set(graph.technical_forms)
    return {(str(s), str(o)) for s in drawn for o in graph.supported_by(s) if o in targets
            and (s in graph.organisational_forms) == (o in graph.technical_forms)}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_matrix_and_diagram_show_every_form_and_link_of_the_graph(
        static_site: tuple[str, Path], graph: SiteGraph, watched: Watched, lang: str) -> None:
    from samhandling_kg.site.i18n import chrome

    base, _ = static_site
    watched.context.add_init_script(f"localStorage.setItem('samhandling.lang', '{lang}')")
    page = watched.goto(base + f"{lang}/index.html")
    # The grid: one row per organisational form, one column per technical form, a cell per link.
    rows = page.eval_on_selector_all("table.matrix tbody th[data-iri]", "e => e.map(x => x.dataset.iri)")
    columns = page.eval_on_selector_all("table.matrix thead th[data-iri]", "e => e.map(x => x.dataset.iri)")
    assert sorted(rows) == sorted(map(str, graph.organisational_forms))
    assert sorted(columns) == sorted(map(str, graph.technical_forms))
    cells = page.eval_on_selector_all(
        "table.matrix td[data-from]", "e => e.map(x => [x.dataset.from, x.dataset.to, x.dataset.status, x.innerText])")
    expected = {(str(o), str(t)) for o in graph.organisational_forms for t in graph.supported_by(o)
                if t in graph.technical_forms}
    assert {(a, b) for a, b, _, _ in cells} == expected
    for organisational, technical, status, shown in cells:
        cell = graph.support_cell(URIRef(organisational), URIRef(technical))
        assert cell is not None and str(cell.status) == status
        assert shown.strip() == graph.label(cell.status, lang).value
    # Each cell leads to the evidence and its sources.
    link = graph.support_cell(SAM.SendAndReceive, SAM.MessageExchange).link
    page.click(f'table.matrix td[data-from="{SAM.SendAndReceive}"][data-to="{SAM.MessageExchange}"] a')
    page.wait_for_url(base + f"{lang}/{graph.page(link)}")
    assert page.locator("article.concept").get_attribute("data-iri") == str(link)
    evidence = graph.asserted.objects(link, SAM.evidence)
    assert page.locator("main").inner_text().count(next(e for e in evidence if e.language == lang)[:60]) == 1
    source = graph.sources(link)[0]
    page.click(f"main a[href$='{graph.page(source)}']")
    page.wait_for_url(base + f"{lang}/{graph.page(source)}")
    assert page.locator("h1").inner_text() == graph.label(source, lang).value
    # The diagram: every need and form is a box, every supported-by link a line.
    page = watched.goto(base + f"{lang}/index.html")
    boxes = page.eval_on_selector_all("svg.diagram [data-iri]", "e => e.map(x => x.dataset.iri)")
    for node in graph.organisational_forms + graph.technical_forms + graph.needs + graph.legal_frameworks:
        assert str(node) in boxes
    texts = page.eval_on_selector_all(
        "svg.diagram a[data-iri]", "e => e.map(x => [x.dataset.iri, x.getAttribute('aria-label'), "
        "Array.from(x.querySelectorAll('tspan')).map(t => t.textContent).join(' ')])")
    assert len(texts) == len(boxes)
    for iri, name, shown in texts:
        label = graph.label(URIRef(iri), lang).value
        if URIRef(iri) in graph.declared_needs:  # a need of a solution description says so
            assert name == f"{label} ({chrome('declared_need', lang)})"
        else:
            assert name == label
        squeezed, full = shown.replace(" ", ""), label.replace(" ", "")  # wrapped over lines
        assert squeezed == full or (squeezed.endswith("…") and full.startswith(squeezed[:-1])), (name, shown)
    edges = page.eval_on_selector_all("svg.diagram path.edge", "e => e.map(x => [x.dataset.from, x.dataset.to])")
    assert {(a, b) for a, b in edges} == _graph_links(graph)
    assert len(edges) == len({(a, b) for a, b in edges})
    # The legal frameworks are linked to what they constrain (a need's links show when lit).
    legal = page.eval_on_selector_all("svg.diagram path.legal-edge", "e => e.map(x => [x.dataset.from, x.dataset.to])")
    drawn = graph.needs + graph.organisational_forms + graph.technical_forms
    assert {(a, b) for a, b in legal} == {(str(n), str(f)) for n in drawn for f in graph.constrained_by(n)}
    assert any(b for b in legal)
    assert page.locator("svg.diagram rect.node-declared").count() == len(graph.declared_needs) > 0
    watched.clean()


def _lit(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => ({
      on: Array.from(document.querySelectorAll('svg.diagram .box.on')).map(b => b.dataset.iri).sort(),
      lines: Array.from(document.querySelectorAll('svg.diagram g.lit path')).length})""")


@pytest.mark.browser
def test_a_needs_paths_light_up_on_hover_and_focus(static_site: tuple[str, Path], graph: SiteGraph,
                                                   watched: Watched) -> None:
    base, _ = static_site
    page = watched.goto(base + "nb/index.html")
    need = _sam("CompareFastingGlucose")
    forms = [f for f in graph.supported_by(need) if f in graph.organisational_forms]
    technical = {t for f in forms for t in graph.supported_by(f) if t in graph.technical_forms}
    frameworks = {x for n in (need, *forms) for x in graph.constrained_by(n)}
    expected = sorted(map(str, {need, *forms, *technical, *frameworks}))
    lines = len(forms) + sum(len([t for t in graph.supported_by(f) if t in graph.technical_forms]) for f in forms) \
        + sum(len(graph.constrained_by(n)) for n in (need, *forms))
    assert forms and technical and frameworks
    box = page.locator(f'svg.diagram a[data-iri="{need}"]')
    box.hover()
    assert _lit(page) == {"on": expected, "lines": lines}
    page.mouse.move(0, 0)
    assert _lit(page) == {"on": [], "lines": 0}
    box.focus()  # the keyboard lights the same paths
    assert _lit(page) == {"on": expected, "lines": lines}
    watched.clean()


# --- the query page -------------------------------------------------------------------------


def _cli_rows(*argv: str) -> tuple[list[str], set[tuple[tuple[str, str, str], ...]]]:
    code, out, err = run("query", *argv, "--data", *DATA, "--format", "json")
    assert code == 0, err
    answer = json.loads(out)
    variables = answer["head"]["vars"]
    rows = {tuple((v, b[v]["type"], b[v]["value"]) for v in variables if v in b)
            for b in answer["results"]["bindings"]}
    return variables, rows


@pytest.mark.parametrize(("lang", "question", "fields"), [
    ("en", "cq03-technical-forms-for-organisational-form", {"form": "sam:LookUpAndMakeAvailable"}),
    ("nn", "cq06-support-evidence", {"organisationalForm": "sam:SendAndReceive",
                                     "technicalForm": "sam:MessageExchange"}),
    ("nb", "cq14-solutions-per-form", {}),
])
def test_a_question_run_through_its_fields_answers_as_the_command_line(
        served: tuple[str, SiteRoutes], graph: SiteGraph, watched: Watched, lang: str, question: str,
        fields: dict[str, str]) -> None:
    from samhandling_kg.kg.questions import get_question

    base, _ = served
    page = watched.goto(base + f"{lang}/query.html")
    page.select_option("#question", question)
    # No field for the answer's language: the page's language binds it.
    assert page.locator("#param-lang").count() == 0
    for name, value in fields.items():
        assert page.locator(f"label[for=param-{name}]").inner_text() == get_question(question).label(name, lang)
        page.select_option(f"#param-{name}", value)
    page.click("#run")
    page.wait_for_selector("#table-wrap table")
    variables = page.eval_on_selector_all("#table-wrap thead th", "e => e.map(x => x.dataset.var)")
    headings = page.eval_on_selector_all("#table-wrap thead th", "e => e.map(x => x.textContent)")
    assert headings == [get_question(question).label(v, lang) for v in variables]
    shown = page.eval_on_selector_all(
        "#table-wrap tbody tr",
        "rows => rows.map(r => Array.from(r.cells).map(c => [c.dataset.type || null, c.dataset.value || null]))")
    rows = {tuple((v, t, value) for v, (t, value) in zip(variables, row) if t is not None) for row in shown}
    bound = [f"--bind={k}={v}" for k, v in fields.items()] + [f"--bind=lang={lang}"]
    expected_vars, expected = _cli_rows(question, *bound)
    assert variables == expected_vars
    assert rows == expected and len(shown) == len(expected)
    # A term shows by its label in the page's language, links to its page, and keeps its IRI
    # on hover.
    links = page.eval_on_selector_all(
        "#table-wrap td[data-type=uri] a", "e => e.map(x => [x.title, x.textContent, x.getAttribute('href')])")
    assert links
    for iri, text, href in links:
        assert text == graph.label(URIRef(iri), lang).value, iri
        assert href == graph.page(URIRef(iri)), iri
    # The CSV download is the command line's CSV (IRIs, not labels).
    with page.expect_download() as download:
        page.click("#download-csv")
    _, out, _ = run("query", question, *bound, "--data", *DATA, "--format", "csv")
    got = Path(download.value.path()).read_text(encoding="utf-8")
    assert sorted(got.splitlines()[1:]) == sorted(out.splitlines()[1:])
    assert got.splitlines()[0] == out.splitlines()[0]
    # The address holds the question and its values: opened afresh (as a shared link), it
    # answers the same, in the same language.
    shared = page.url
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(shared).query) == {
        "q": [question], **{k: [v] for k, v in fields.items()}}
    other = Watched(watched.context.browser, locale="en-US")
    try:
        again = other.goto(shared)
        again.wait_for_selector("#table-wrap table")
        assert again.evaluate("document.documentElement.lang") == lang
        assert again.eval_on_selector_all(
            "#table-wrap tbody tr",
            "rows => rows.map(r => Array.from(r.cells).map(c => [c.dataset.type || null, c.dataset.value || null]))"
        ) == shown
        other.clean()
    finally:
        other.close()
    watched.clean()


def test_a_wrong_value_gets_the_command_lines_one_line_error(served: tuple[str, SiteRoutes], watched: Watched) -> None:
    from samhandling_kg.site.i18n import chrome

    base, _ = served
    page = watched.goto(base + "en/query.html")
    page.select_option("#question", "cq03-technical-forms-for-organisational-form")
    page.click("#sparql summary")  # the query text waits behind a toggle
    page.click("#edit")  # the text is editable as a whole, and the selector says so
    assert page.locator("#question").input_value() == ""
    assert page.locator("#query").get_attribute("readonly") is None
    page.fill("#query", "SELECT ?x WHERE { ?x a <https://w3id.org/samhandling#OrganisationalForm> }")
    page.click("#run")
    page.wait_for_selector("#table-wrap table")
    assert page.locator("#table-wrap tbody tr").count() == 3
    # A query of the user's that answers with a graph shows the graph.
    page.fill("#query", "CONSTRUCT { ?x a ?c } WHERE { ?x a ?c . FILTER(?x = <https://w3id.org/samhandling#DataSharing>) }")
    page.click("#run")
    page.wait_for_selector("#table-wrap pre")
    assert "DataSharing" in page.locator("#table-wrap pre").inner_text()
    assert not page.locator("#downloads").is_visible()  # CSV and JSON are for tables
    # A query that cannot be read: the page says so in its language, offers nothing to
    # download, and keeps the parser's own words behind a toggle.
    page.fill("#query", "SELECT ?x WHERE { ?x a }")
    page.click("#run")
    page.wait_for_selector("#table-wrap .error")
    assert page.locator("#table-wrap .error p").inner_text() == chrome("error_syntax", "en")
    assert not page.locator("#downloads").is_visible()
    assert page.locator("#table-wrap table").count() == 0
    watched.errors.clear()
    # A value the question refuses: the endpoint of the query page says what the CLI says
    # (in English: the endpoint serves every page's language; the page words it in its own).
    response = page.request.get(base + "question/cq03-technical-forms-for-organisational-form/query"
                                "?form=sam:MessageExchange")
    _, _, err = run("query", "cq03-technical-forms-for-organisational-form", "--lang", "en",
                    "--bind", "form=sam:MessageExchange")
    assert response.status == 400 and response.text() == err


# --- the decision guide ---------------------------------------------------------------------

#: What the guide shows for a form, read from the page: place, status and reasons.
_GUIDE_DOM = """() => {
  const ranked = list => Array.from(list.querySelectorAll(':scope > li')).map(li => ({
    form: li.dataset.form, rank: Number(li.dataset.rank), status: li.dataset.status,
    meetsNeed: li.querySelector(':scope > ul.reasons > li[data-effect=meetsNeed]') !== null,
    reasons: Array.from(li.querySelectorAll(':scope > ul.reasons > li[data-char]'))
      .map(r => [r.dataset.char, r.dataset.effect])}));
  const technical = {};
  document.querySelectorAll('ol.ranking[data-kind=technical]').forEach(l => { technical[l.dataset.for] = ranked(l); });
  const iris = sel => Array.from(document.querySelectorAll(sel)).map(x => x.dataset.iri || x.dataset.char);
  return {organisational: ranked(document.querySelector('ol.ranking[data-kind=organisational]')), technical,
          open: iris('#guide-open li'), standards: iris('ul.standards > li'), legal: iris('ul.legal > li')};
}"""


def _guide_shown(page: Any) -> dict[str, Any]:
    shown: dict[str, Any] = page.evaluate(_GUIDE_DOM)
    shown["standards"], shown["legal"] = sorted(shown["standards"]), sorted(shown["legal"])  # shown by label
    return shown


def _expected_guide(answer: dict[str, Any]) -> dict[str, Any]:
    """``recommend --format json`` as the guide shows it: the reasons of a form in the order
    favours, rules out, requirements met, then (for a recommended form) requirements to check."""
    def ranked(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for r in entries:
            reasons = [(x["characteristic"], "favours") for x in r["favouredBy"]]
            reasons += [(x["characteristic"], "absent_required" if x["effect"] == "requiredFor" else "rulesOut")
                        for x in r["ruledOutBy"]]
            reasons += [(x["characteristic"], "required_met") for x in r["requirementsMet"]]
            if r["status"] == "recommended":
                reasons += [(x["characteristic"], "guide_required_open") for x in r["requirementsOpen"]]
            out.append({"form": r["form"], "rank": r["rank"], "status": r["status"],
                        "meetsNeed": bool(r.get("meetsNeed")),
                        "reasons": [list(x) for x in reasons]})
        return out

    return {"organisational": ranked(answer["organisational"]),
            "technical": {r["form"]: ranked(r["technical"]) for r in answer["organisational"]
                          if r["status"] == "recommended"},
            "open": [q["characteristic"] for q in answer["openQuestions"]],
            "standards": sorted(s["standard"] for s in answer["standards"]),
            "legal": sorted(f["framework"] for f in answer["legalFrameworks"])}


@pytest.fixture(scope="module")
def decision_graph() -> Any:
    return load_knowledge_graph(DATA)


def test_the_guide_ranks_as_recommend_for_every_need_and_some_answers(
        static_site: tuple[str, Path], decision_graph: Any, watched: Watched) -> None:
    from samhandling_kg.recommendation.data import decision_data
    from samhandling_kg.recommendation.render import to_json
    from samhandling_kg.recommendation.rule import recommend

    base, _ = static_site
    decision = decision_data(decision_graph)
    names = {c["iri"]: c["name"] for c in decision["characteristics"]}
    cases: list[tuple[str | None, list[str], list[str]]] = [(n["iri"], [], []) for n in decision["needs"]]
    assert len(cases) >= 10
    cases += [(str(_sam("SendReferral")), ["reader-unknown"], ["receiver-known"]),  # a holding rule-out beats the need
              (None, ["reader-unknown"], []),  # receiver-known, excluded by it, is not asked
              (str(_sam("CriticalInformation")), [], ["legal-basis"]),  # a requirement answered "no"
              (str(_sam("CriticalInformation")), ["legal-basis", "outside-own-systems"], ["shared-source"]),
              (None, ["reader-unknown", "real-time-data"], ["legal-basis"]),
              (None, ["same-system"], ["receiver-known"]),
              (None, [], ["receiver-known"])]
    page = watched.goto(base + "en/guide.html")
    checked_something = {"recommended": 0, "technical": 0, "ruled-out": 0, "open": 0}
    for need, has, not_ in cases:
        if need is None:
            page.click("#guide-reset")  # no need: every question back to "don't know"
        page.select_option("#guide-need", need or "")
        for name in has:
            page.check(f"#q-{name}-yes")
        for name in not_:
            page.check(f"#q-{name}-no")
        shown = _guide_shown(page)
        expected = _expected_guide(to_json(recommend(need, has, not_, graph=decision_graph)))
        assert shown == expected, (need, has, not_)
        checked_something["recommended"] += any(r["status"] == "recommended" for r in shown["organisational"])
        checked_something["technical"] += bool(shown["technical"])
        checked_something["ruled-out"] += any(r["status"] == "ruled-out" for r in shown["organisational"])
        checked_something["open"] += bool(shown["open"])
    # The cases reach every branch of the rule, so equal answers are no coincidence.
    assert all(checked_something.values()), checked_something
    assert set(names.values()) >= {"reader-unknown", "legal-basis", "same-system", "receiver-known"}
    watched.clean()


def test_the_guide_breaks_ties_by_stated_links_as_recommend(browser: Any, tmp_path: Path) -> None:
    """In the graph's own answers the second key of the rule (Stated links) never decides; a
    graph with one more, Derived, link makes it decide, and the guide must follow."""
    from rdflib import Literal
    from rdflib.namespace import DCTERMS

    from samhandling_kg.site import SiteBuilder

    graph = load_knowledge_graph(DATA)
    link = _sam("Favours_ReceiverKnown_ChangeAndShare_Test")
    graph.add((_sam("ReceiverKnown"), SAM.favours, SAM.ChangeAndShare))
    graph.add((_sam("ReceiverKnown"), SAM.qualifiedFavours, link))
    graph.add((link, SAM.linkedForm, SAM.ChangeAndShare))
    graph.add((link, SAM.evidenceStatus, SAM.Derived))
    graph.add((link, SAM.evidence, Literal("A test link.", lang="en")))
    graph.add((link, DCTERMS.source, URIRef("https://w3id.org/samhandling/source/oversikt-digitale-samhandlingsformer")))
    builder = SiteBuilder(graph=graph)
    for name in ("static/site.css", "static/site.js", "static/guide.js", "en/guide.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(builder.render_path(name) or b"")
    with serving(_folder_server(tmp_path)) as (_, port):
        _check_guide_ties(browser, graph, port)


def _check_guide_ties(browser: Any, graph: Any, port: int) -> None:
    from samhandling_kg.recommendation.render import to_json
    from samhandling_kg.recommendation.rule import recommend

    context = Watched(browser, locale="en-GB")
    try:
        page = context.goto(f"http://127.0.0.1:{port}/en/guide.html?yes=receiver-known")
        shown = _guide_shown(page)
        assert shown == _expected_guide(to_json(recommend(None, ["receiver-known"], [], graph=graph)))
        ranks = {r["form"]: (r["rank"], r["status"]) for r in shown["organisational"]}
        assert ranks[str(SAM.SendAndReceive)] == (1, "recommended")
        assert ranks[str(SAM.ChangeAndShare)] == (2, "possible")
        context.clean()
    finally:
        context.close()


def test_the_guide_explains_with_status_and_sources_in_the_readers_language(
        static_site: tuple[str, Path], graph: SiteGraph, watched: Watched) -> None:
    from samhandling_kg.site.i18n import chrome

    base, _ = static_site
    page = watched.goto(base + "nb/guide.html?need=" + urllib.parse.quote(str(_sam("SendReferral"))))
    assert page.locator("#guide-need").input_value() == str(_sam("SendReferral"))
    assert page.locator("#q-receiver-known-yes").is_checked()
    first = page.locator("ol.ranking[data-kind=organisational] > li").first
    assert first.get_attribute("data-form") == str(SAM.SendAndReceive)
    assert page.locator("#guide-status").inner_text().endswith(graph.label(SAM.SendAndReceive, "nb").value)
    reason = first.locator("ul.reasons > li[data-effect=favours]").first
    link = _sam("Favours_ReceiverKnown_SendAndReceive")
    assert graph.label(SAM.Stated, "nb").value in reason.inner_text()
    assert reason.locator(f"a[href='{graph.page(link)}']").count() == 1
    for source in graph.sources(link):
        assert reason.locator(f"a[href='{graph.page(source)}']").inner_text() == graph.label(source, "nb").value
    # Switching language keeps the page and the answers; questions, answer and words follow.
    page.check("#q-legal-basis-no")
    page.click("nav.langs a[data-lang=nn]")
    page.wait_for_url(base + "nn/guide.html?" + urllib.parse.urlencode(
        {"need": str(_sam("SendReferral")), "yes": "receiver-known", "no": "legal-basis"}))
    assert page.locator("#q-legal-basis-no").is_checked() and page.locator("#q-receiver-known-yes").is_checked()
    assert page.evaluate("document.documentElement.lang") == "nn"
    assert page.locator("h1").inner_text() == chrome("guide", "nn")
    legend = page.locator("fieldset[data-name=receiver-known] legend").inner_text()
    assert legend == graph.label(_sam("ReceiverKnown"), "nn").value
    assert page.locator("label[for=q-receiver-known-unknown]").inner_text() == chrome("dont_know", "nn")
    first = page.locator("ol.ranking[data-kind=organisational] > li").first
    assert graph.label(SAM.SendAndReceive, "nn").value in first.inner_text()
    assert graph.label(SAM.Stated, "nn").value in first.inner_text()
    for element in page.locator("main [lang]").all():
        assert element.get_attribute("lang") in LANGUAGES
    # The page reads without help from outside: only the site's own files were asked for.
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.reload()
    page.wait_for_selector("ol.ranking")
    assert requests and all(r.startswith(base) for r in requests), requests
    # Offline indeed: opened from the disk, without any server, the guide answers the same.
    _, folder = static_site
    shown = _guide_shown(page)
    page.goto((folder / "nn" / "guide.html").as_uri() + "?" + urllib.parse.urlencode(
        {"need": str(_sam("SendReferral")), "yes": "receiver-known", "no": "legal-basis"}))
    page.wait_for_selector("ol.ranking")  # (in the browser's language: a file: page has its own storage)
    assert page.url.startswith(folder.as_uri()) and _guide_shown(page) == shown
    watched.clean()


# --- no English on the Norwegian pages -------------------------------------------------------


def _english_fragments() -> set[str]:
    """The English strings of the site's own catalogue (its words, the reader's names of other
    vocabularies' properties, the guide's words, the questions and their labels), cut at their
    placeholders, where the English differs from both Norwegian texts; fragments of two words
    or more, so a word every language shares ("Turtle", "IRI") cannot match by chance."""
    from samhandling_kg.kg.questions import list_questions
    from samhandling_kg.recommendation.render import MESSAGES
    from samhandling_kg.site.guide import _ANSWER_WORDS, without_flags
    from samhandling_kg.site.i18n import CHROME, INVERSE_NAMES, PROPERTY_NAMES

    triples = [(t["nb"], t["nn"], t["en"]) for t in (*CHROME.values(), *PROPERTY_NAMES.values(),
                                                      *INVERSE_NAMES.values())]
    triples += [tuple(without_flags(MESSAGES[lang][key]) for lang in ("nb", "nn", "en")) for key in _ANSWER_WORDS]
    for question in list_questions():
        triples.append((question.title("nb"), question.title("nn"), question.title("en")))
        triples += [tuple(question.label(name, lang) for lang in ("nb", "nn", "en")) for name in question.labels]
    fragments = set()
    for nb, nn, en in triples:
        if en in (nb, nn):
            continue
        for part in re.split(r"\{[^}]*\}", en):
            part = part.strip(" .,:;'’“”()«»–-")
            if " " in part and len(part) >= 8 and part not in nb and part not in nn:
                fragments.add(part)
    return fragments


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_no_english_text_on_the_norwegian_pages(served: tuple[str, SiteRoutes], watched: Watched,
                                                lang: str) -> None:
    """Every text the reader sees is in the page's language, except what is marked as another
    language (a term's name in English under «Term på andre språk»): that is left out."""
    base, _ = served
    visible = ("lang => { document.querySelectorAll('body [lang]').forEach(e => {"
               " if (e.lang !== lang) e.style.display = 'none'; }); return document.body.innerText; }")
    english = _english_fragments()
    assert len(english) > 100  # the scan has something to find
    watched.context.add_init_script("localStorage.setItem('samhandling.lang', 'en')")  # it must not matter
    pages = ["index.html", "matrix.html", "needs.html", "concepts.html", "questions.html", "profile.html",
             "catalogue.html", "search.html?q=deling", "concept/LookUpAndMakeAvailable.html",
             "concept/cat-helseplattformen.html", "concept/Support_ChangeAndShare_DataSharing.html",
             "concept/OrganisationalFormScheme.html", "guide.html", "query.html"]
    found = []
    for name in pages:
        page = watched.goto(base + f"{lang}/" + name)
        assert page.evaluate("document.documentElement.lang") == lang, name
        if name == "guide.html":
            page.select_option("#guide-need", str(_sam("CriticalInformation")))
            page.wait_for_selector("ol.ranking[data-kind=technical]")
        shown = [page.evaluate(visible, lang)]
        if name == "query.html":
            page.select_option("#question", "cq05-forms-for-need")
            page.click("#run")
            page.wait_for_selector("#table-wrap table")
            shown.append(page.evaluate(visible, lang))
            page.select_option("#question", "")  # one's own query, with a mistake
            page.fill("#query", "SELECT ?x WHERE { ?x a }")
            page.click("#run")
            page.wait_for_selector("#table-wrap .error")
            shown.append(page.evaluate(visible, lang))
        for text in shown:
            found += [f"{name}: {fragment!r}" for fragment in english if fragment in text]
    assert not found, "\n".join(sorted(set(found)))
    # The scan does find English where there is some: the English start page.
    page = watched.goto(base + "en/index.html")
    assert sum(fragment in page.evaluate(visible, "en") for fragment in english) >= 3
    watched.errors.clear()  # the mistaken query's 400 is part of the test


# --- layout and accessibility ----------------------------------------------------------------


LAYOUT_PAGES = ["index.html", "matrix.html", "needs.html", "concepts.html", "questions.html",
                "profile.html", "catalogue.html", "concept/LookUpAndMakeAvailable.html",
                "concept/cat-helseplattformen.html", "concept/Support_ChangeAndShare_DataSharing.html",
                "query.html", "guide.html"]


def _run_query(page: Any, name: str = "query.html") -> None:
    """Fill the pages that answer in the page: the query page runs a question; the guide starts
    from the need with the most to show (reasons, technical forms, an open requirement)."""
    if name == "guide.html":
        page.select_option("#guide-need", str(_sam("CriticalInformation")))
        page.wait_for_selector("ol.ranking[data-kind=technical]")
        return
    page.select_option("#question", "cq13-supported-by-matrix")
    page.click("#run")
    page.wait_for_selector("#table-wrap table")


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_fit_the_window_with_screenshots(served: tuple[str, SiteRoutes], browser: Any, width: int) -> None:
    base, _ = served
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = Watched(browser, width=width)
    try:
        for name in LAYOUT_PAGES:
            page = context.goto(base + "nb/" + name)
            if name in ("query.html", "guide.html"):
                _run_query(page, name)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            page.screenshot(path=str(ARTIFACTS / f"{width}-{name.replace('/', '-')}.png"), full_page=True)
            assert overflow <= 0, f"{name} at {width} px is {overflow} px too wide"
        context.clean()
    finally:
        context.close()


AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"]},
               "resultTypes": ["violations"]}


@pytest.mark.parametrize(("lang", "pages"), [("nb", LAYOUT_PAGES), ("nn", ["index.html", "query.html", "guide.html"]),
                                             ("en", ["concept/LookUpAndMakeAvailable.html", "query.html",
                                                     "guide.html"])])
def test_accessibility_by_axe(served: tuple[str, SiteRoutes], watched: Watched, lang: str,
                              pages: list[str]) -> None:
    from axe_playwright_python.sync_playwright import Axe

    base, _ = served
    axe = Axe()
    watched.context.add_init_script(f"localStorage.setItem('samhandling.lang', '{lang}')")
    problems = []
    for name in pages:
        page = watched.goto(base + f"{lang}/" + name)
        if name in ("query.html", "guide.html"):
            _run_query(page, name)
        results = axe.run(page, options=AXE_OPTIONS)
        for violation in results.response["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            problems.append(f"{name}: {violation['id']} ({violation['help']}) at {targets}")
    assert not problems, "\n".join(problems)
    # The rules that matter most ran: landmarks, heading order, labels, contrast.
    ran = {rule["id"] for rule in axe.run(page, options={**AXE_OPTIONS, "resultTypes": ["passes"]})
           .response["passes"]}
    assert {"landmark-one-main", "heading-order", "label", "color-contrast"} <= ran
    watched.clean()


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_the_guide_refuses_characteristics_that_exclude_each_other(
        static_site: tuple[str, Path], graph: SiteGraph, watched: Watched, lang: str) -> None:
    """As `samhandling recommend --has receiver-known reader-unknown` refuses (exit 2, one line
    naming both), the guide names the two instead of ranking on a contradiction."""
    from samhandling_kg.recommendation.rule import EXCLUSIVE

    base, _ = static_site
    page = watched.goto(base + f"{lang}/guide.html?yes=receiver-known,reader-unknown")
    refusal = page.locator("#guide-conflict")
    assert refusal.count() == 1
    text = refusal.inner_text()
    for characteristic in ("ReceiverKnown", "ReaderUnknown"):
        assert graph.label(_sam(characteristic), lang).value in text
    before = EXCLUSIVE[lang]["both"].split("{a}")[1].split("{b}")[0]
    assert before.strip() in text
    assert page.locator("ol.ranking").count() == 0
    code, _, err = run("recommend", "--has", "receiver-known", "reader-unknown", "--lang", lang)
    assert code == 2 and before.strip() in err

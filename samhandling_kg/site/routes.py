"""The site inside ``samhandling serve``: its pages, the term IRIs, and the binding of a
question's parameters for the query page.

:meth:`SiteRoutes.handle` takes a request's path, query string and ``Accept`` header and
returns ``(status, headers, body)``, or None for a path that is not the site's (``/sparql``).
It never runs a user's query itself: the query page sends the bound text to ``/sparql``.
"""

from __future__ import annotations

import posixpath
import threading
import urllib.parse
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, URIRef

from samhandling_kg.core.errors import SamhandlingError, printable
from samhandling_kg.core.namespace import ONTOLOGY_IRI
from samhandling_kg.kg.questions import get_question
from samhandling_kg.query.run import bound_text
from samhandling_kg.site.build import ONTOLOGY_FILES, PAGE_CSP, SiteBuilder
from samhandling_kg.site.i18n import DEFAULT_LANGUAGE
from samhandling_kg.site.model import SiteGraph
from samhandling_kg.stores.local import RdflibStore

Response = tuple[int, list[tuple[str, str]], bytes]

_MEDIA = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".js": "text/javascript; charset=utf-8", ".ttl": "text/turtle; charset=utf-8",
          ".jsonld": "application/ld+json", ".rdf": "application/rdf+xml",
          ".nt": "application/n-triples", ".svg": "image/svg+xml"}
#: What a term's IRI can answer, by media type: the rdflib format (None: the HTML page).
_TERM_FORMATS = {"text/html": None, "application/xhtml+xml": None, "text/turtle": "turtle",
                 "application/ld+json": "json-ld", "application/rdf+xml": "xml",
                 "application/n-triples": "nt"}
_ONTOLOGY_FILE = {"turtle": "samhandling.ttl", "json-ld": "samhandling.jsonld", "xml": "samhandling.rdf",
                  "nt": "samhandling.nt"}
assert set(_ONTOLOGY_FILE.values()) == set(ONTOLOGY_FILES)
#: Scripts and styles come from this server only; nothing else is loaded.
_CSP = PAGE_CSP + "; frame-ancestors 'none'"
_W3ID_PATH = urllib.parse.urlsplit(str(ONTOLOGY_IRI)).path  # "/samhandling"


def negotiate(accept: str, offers: Iterable[str], default: str) -> str | None:
    """The offered media type the ``Accept`` header ranks highest (``default`` for a missing
    header or a wildcard); None when the client accepts none of them."""
    offers = list(offers)
    if not accept.strip():
        return default
    ranked = []
    for index, item in enumerate(accept.split(",")):
        media, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, index, media.strip().lower()))
    for _, _, media in sorted(ranked):
        if media in offers:
            return media
        if media == "*/*":
            return default
        if media.endswith("/*"):
            for offer in offers:
                if offer.startswith(media[:-1]):
                    return offer
    return None


class SiteRoutes:
    """The site and the answers ``serve`` gives from it. Nothing is built until the first
    request (``serve`` starts at once, whatever the size of the data), and each page is
    rendered when it is first asked for, then kept."""

    def __init__(self, data: Iterable[str | Path] = (), *, graph: Graph | None = None) -> None:
        self._data = list(data)
        self._graph = graph
        self._builder: SiteBuilder | None = None
        self._store: RdflibStore | None = None
        self._cache: dict[str, bytes] = {}
        # The server answers on many threads; rendering shares caches and rdflib graphs.
        self._lock = threading.RLock()

    @property
    def builder(self) -> SiteBuilder:
        with self._lock:
            if self._builder is None:
                self._builder = SiteBuilder(self._data, served=True, graph=self._graph)
                self._store = RdflibStore(self._builder.site.asserted)
            return self._builder

    @property
    def site(self) -> SiteGraph:
        return self.builder.site

    def paths(self) -> list[str]:
        """Every path of the site (relative, without the leading slash)."""
        with self._lock:
            return sorted(self.builder.renderers())

    def file(self, name: str) -> bytes | None:
        with self._lock:
            if name not in self._cache:
                body = self.builder.render_path(name)
                if body is None:
                    return None
                self._cache[name] = body
            return self._cache[name]

    def handle(self, path: str, query: str = "", accept: str = "") -> Response | None:
        if path.startswith("/question/") and path.endswith("/query"):
            return self._bound_query(path[len("/question/"):-len("/query")], query)
        if path == _W3ID_PATH or path.startswith(_W3ID_PATH + "/"):
            return self._term(path, accept)
        name = posixpath.normpath(urllib.parse.unquote(path)).lstrip("/")
        if name in ("", "."):
            name = "index.html"
        elif path.endswith("/"):
            name += "/index.html"
        body = self.file(name)
        if body is None:
            return None
        return 200, self._headers(_MEDIA.get(posixpath.splitext(name)[1], "application/octet-stream")), body

    # -- term IRIs: HTML for browsers, RDF for machines

    def _term(self, path: str, accept: str) -> Response:
        iri = str(ONTOLOGY_IRI) + path[len(_W3ID_PATH):]
        whole = iri.rstrip("/") == str(ONTOLOGY_IRI)
        node = URIRef(iri)
        if not whole and node not in self.site.slugs:
            return self._text(404, f"no term of the knowledge graph has the IRI <{iri}>\n")
        media = negotiate(accept, _TERM_FORMATS, "text/html")
        if media is None:
            return self._text(406, "this IRI answers text/html, text/turtle, application/ld+json, "
                                   "application/rdf+xml or application/n-triples\n")
        fmt = _TERM_FORMATS[media]
        if fmt is None:
            # The fragment of a hash IRI (…#SendAndReceive) survives the redirect; the start
            # page sends it on to the term's page.
            where = "/index.html" if whole else f"/{DEFAULT_LANGUAGE}/{self.site.page(node)}"
            return 303, [("Location", where), ("Vary", "Accept"), ("Content-Type", "text/plain; charset=utf-8"),
                         ("Cache-Control", "no-store")], f"see {where}\n".encode()
        if whole:
            body = self.file(_ONTOLOGY_FILE[fmt])
        elif fmt == "turtle":
            body = self.file(f"rdf/{self.site.slugs[node]}.ttl")
        elif fmt == "json-ld":
            body = self.file(f"rdf/{self.site.slugs[node]}.jsonld")
        else:
            with self._lock:
                body = self.site.description(node).serialize(format=fmt).encode("utf-8")
        assert body is not None
        headers = self._headers(media + ("; charset=utf-8" if media.startswith("text/") else ""))
        return 200, [*headers, ("Vary", "Accept")], body

    # -- the query page's parameter fields

    def _bound_query(self, qid: str, query: str) -> Response:
        values = {k: v[-1] for k, v in urllib.parse.parse_qs(query, keep_blank_values=True).items()}
        try:
            question = get_question(urllib.parse.unquote(qid))  # ids only, never a file path
            # The steps `samhandling query` takes, with the same one-line messages.
            with self._lock:
                self.builder  # noqa: B018 - builds the store on first use
                assert self._store is not None
                text = bound_text(question, values, self._store)
        except SamhandlingError as exc:
            return self._text(400, f"samhandling: {printable(str(exc))}\n")
        return 200, self._headers("application/sparql-query; charset=utf-8"), text.encode("utf-8")

    @staticmethod
    def _headers(media: str) -> list[tuple[str, str]]:
        headers = [("Content-Type", media), ("X-Content-Type-Options", "nosniff"),
                   ("Cache-Control", "no-cache")]
        if media.startswith("text/html"):
            headers.append(("Content-Security-Policy", _CSP))
        return headers

    def _text(self, status: int, message: str) -> Response:
        return status, self._headers("text/plain; charset=utf-8"), message.encode("utf-8")

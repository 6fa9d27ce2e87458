"""``samhandling serve``: a local, read-only SPARQL endpoint with a query page.

The knowledge graph (and any data files) sit in an in-memory pyoxigraph store; the standard
library's HTTP server answers the SPARQL 1.1 Protocol at ``/sparql`` (GET, or POST as a form or
``application/sparql-query``) and serves a small query page at ``/`` that offers the
competency questions as examples. Updates are refused, SERVICE clauses are not run, and by
default only this machine can connect (127.0.0.1); requests naming another host in their
``Host`` header are refused so a web page cannot reach the endpoint by DNS rebinding.
"""

from __future__ import annotations

import html
import ipaddress
import json
import threading
import urllib.parse
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO

import pyoxigraph as ox

from .errors import QueryError, SamhandlingError
from .questions import list_questions
from .site.routes import SiteRoutes
from .stores import OxigraphStore, bind_with_values

MAX_BODY = 1 << 20
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def examples() -> list[dict[str, str]]:
    """The competency questions, parameters filled with their defaults, for the query page."""
    found = []
    for question in list_questions():
        text = question.query
        try:
            if question.parameters:
                text = bind_with_values(text, question.kind, question.bindings())
        except QueryError:
            pass  # a parameter without a default: show the query as written
        found.append({"id": question.id, "title": question.title("en"),
                      "nb": question.title("nb"), "query": text})
    return found


_RESULT_FORMATS = {  # media type -> pyoxigraph QueryResultsFormat attribute
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
_GRAPH_FORMATS = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON_LD",
    "text/plain": "N_TRIPLES",
}


def _negotiate(accept: str, offers: dict[str, str], default: str) -> str:
    ranked = []
    for index, item in enumerate(accept.split(",")):
        media, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, index, media.strip().lower()))
    for _, _, media in sorted(ranked):
        if media in offers:
            return media
        if media in ("*/*", "application/*", "text/*"):
            return default
    return default


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "samhandling-serve"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log is not None:
            self.server.log.write(f"{self.address_string()} {format % args}\n")

    # -- routing

    def do_GET(self) -> None:
        if not self._host_allowed():
            return
        url = urllib.parse.urlsplit(self.path)
        if self._site_answered(url):
            return
        if url.path in ("/", "/index.html"):
            return self._send(200, "text/html; charset=utf-8", self.server.page.encode("utf-8"))
        if url.path == "/examples.json":
            return self._send(200, "application/json", json.dumps(self.server.examples).encode())
        if url.path == "/sparql":
            return self._sparql(urllib.parse.parse_qs(url.query, keep_blank_values=True))
        self._send(404, "text/plain; charset=utf-8", b"not found: the endpoint is /sparql\n")

    def do_HEAD(self) -> None:
        if self._site_answered(urllib.parse.urlsplit(self.path)):
            return
        self._send(200 if urllib.parse.urlsplit(self.path).path in ("/", "/sparql") else 404,
                   "text/plain", b"")

    def do_POST(self) -> None:
        if not self._host_allowed():
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/sparql":
            return self._send(404, "text/plain; charset=utf-8", b"not found: the endpoint is /sparql\n")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._send(413, "text/plain; charset=utf-8", b"request too large\n")
        body = self.rfile.read(length) if length > 0 else b""
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if media == "application/sparql-update":
            return self._refuse_update()
        if media == "application/sparql-query":
            params["query"] = [body.decode("utf-8", "replace")]
        elif media == "application/x-www-form-urlencoded":
            for key, values in urllib.parse.parse_qs(body.decode("utf-8", "replace"),
                                                     keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        else:
            return self._send(415, "text/plain; charset=utf-8",
                              b"send the query as application/sparql-query or a form\n")
        self._sparql(params)

    def do_PUT(self) -> None:
        self._refuse_update()

    def do_DELETE(self) -> None:
        self._refuse_update()

    def do_PATCH(self) -> None:
        self._refuse_update()

    def _site_answered(self, url: urllib.parse.SplitResult) -> bool:
        """The documentation site's pages and the terms' IRIs (samhandling_kg/site/routes.py)."""
        if self.server.site is None:
            return False
        answer = self.server.site.handle(url.path, url.query, self.headers.get("Accept") or "")
        if answer is None:
            return False
        status, headers, body = answer
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return True

    # -- the protocol

    def _host_allowed(self) -> bool:
        if not self.server.local_only:
            return True
        host = (self.headers.get("Host") or "").strip()
        name = host[1:].partition("]")[0] if host.startswith("[") else host.rpartition(":")[0] or host
        try:
            allowed = ipaddress.ip_address(name).is_loopback
        except ValueError:
            allowed = name.lower() in _LOCAL_HOSTS
        if not allowed:
            self._send(403, "text/plain; charset=utf-8",
                       b"this endpoint only answers requests addressed to this machine\n")
        return allowed

    def _refuse_update(self) -> None:
        self._send(403, "text/plain; charset=utf-8",
                   b"this endpoint is read-only: SPARQL updates are refused\n")

    def _sparql(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            return self._refuse_update()
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            return self._send(400, "text/plain; charset=utf-8", b"give exactly one 'query'\n")
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            return self._send(400, "text/plain; charset=utf-8",
                              b"this endpoint holds one graph: default-graph-uri and "
                              b"named-graph-uri are not supported\n")
        try:
            kind, answer = self.server.store.raw_query(queries[0], source="query")
        except QueryError as exc:
            status = 403 if "is a SPARQL update" in str(exc) else 400
            return self._send(status, "text/plain; charset=utf-8", f"{exc}\n".encode())
        accept = self.headers.get("Accept") or ""
        if kind in ("SELECT", "ASK"):
            media = _negotiate(accept, _RESULT_FORMATS, "application/sparql-results+json")
            payload = answer.serialize(format=getattr(ox.QueryResultsFormat, _RESULT_FORMATS[media]))
        else:
            media = _negotiate(accept, _GRAPH_FORMATS, "text/turtle")
            payload = answer.serialize(format=getattr(ox.RdfFormat, _GRAPH_FORMATS[media]))
        del answer  # pyoxigraph results must be dropped on the thread that made them
        charset = "; charset=utf-8" if media.startswith("text/") else ""
        self._send(200, media + charset, payload)

    def _send(self, status: int, media: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        if media.startswith("text/html"):
            self.send_header("Content-Security-Policy",
                             "default-src 'none'; script-src 'unsafe-inline'; "
                             "style-src 'unsafe-inline'; connect-src 'self'")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], store: OxigraphStore, log: TextIO | None,
                 site: SiteRoutes | None = None) -> None:
        self.store = store
        self.site = site
        self.log = log
        self.examples = examples()
        self.page = _page(self.examples)
        try:
            self.local_only = ipaddress.ip_address(address[0]).is_loopback
        except ValueError:
            self.local_only = address[0] == "localhost"
        super().__init__(address, _Handler)


def make_server(store: OxigraphStore, host: str = "127.0.0.1", port: int = 7878,
                log: TextIO | None = None, site: SiteRoutes | None = None) -> _Server:
    """A server bound to ``host:port`` (port 0: a free one); call ``serve_forever()``. With
    ``site`` it also serves the documentation pages and the query page, and resolves the
    terms' IRIs."""
    try:
        return _Server((host, port), store, log, site)
    except (OSError, OverflowError) as exc:  # OverflowError: a port outside 0-65535
        reason = getattr(exc, "strerror", None) or str(exc)
        raise SamhandlingError(f"cannot listen on {host}:{port}: {reason}") from None


def serve(data: Iterable[str | Path] = (), *, infer: bool = False, host: str = "127.0.0.1",
          port: int = 7878, out: TextIO | None = None,
          ready: threading.Event | None = None) -> int:
    """Build the store and serve it until interrupted; returns the exit status."""
    data = list(data)
    store = OxigraphStore.with_knowledge_graph(data, infer=infer)
    server = make_server(store, host, port, site=SiteRoutes(data))
    bound_host, bound_port = str(server.server_address[0]), int(server.server_address[1])
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    if out is not None:
        out.write(f"serving {len(store)} triples at http://{shown}:{bound_port}/sparql "
                  f"(query page: http://{shown}:{bound_port}/); Ctrl-C stops\n")
        out.flush()
    if ready is not None:
        ready.set()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _page(found: list[dict[str, str]]) -> str:
    options = "\n".join(
        f'<option value="{i}">{html.escape(e["id"])} — {html.escape(e["title"])}</option>'
        for i, e in enumerate(found)
    )
    first = html.escape(found[0]["query"]) if found else "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 25"
    data = json.dumps([e["query"] for e in found]).replace("</", "<\\/")
    return _PAGE.replace("{options}", options).replace("{first}", first).replace("{data}", data)


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>samhandling-kg SPARQL</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:70rem}
textarea{width:100%;height:16rem;font-family:monospace;font-size:.9rem}
table{border-collapse:collapse;margin-top:1rem;font-size:.9rem}
td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}
#status{margin-left:1rem;color:#555} .err{color:#a00;white-space:pre-wrap}
</style></head><body>
<h1>samhandling-kg — read-only SPARQL endpoint</h1>
<p>Endpoint: <code>/sparql</code> (SPARQL 1.1 Protocol; updates are refused).</p>
<label>Competency question: <select id="examples"><option value="">(your own query)</option>
{options}</select></label>
<form id="form"><textarea id="query" name="query" spellcheck="false">{first}</textarea>
<button type="submit">Run</button><span id="status"></span></form>
<div id="out"></div>
<script>
const EXAMPLES = {data};
const q = document.getElementById('query'), out = document.getElementById('out'),
      status = document.getElementById('status');
document.getElementById('examples').addEventListener('change', e => {
  if (e.target.value !== '') q.value = EXAMPLES[Number(e.target.value)];
});
function cell(t) {
  if (!t) return '';
  if (t.type === 'literal' && t['xml:lang']) return t.value + ' @' + t['xml:lang'];
  return t.type === 'uri' ? '<' + t.value + '>' : t.value;
}
document.getElementById('form').addEventListener('submit', async e => {
  e.preventDefault(); out.textContent = ''; status.textContent = 'running…';
  const started = performance.now();
  const r = await fetch('sparql', {method: 'POST', body: q.value,
    headers: {'Content-Type': 'application/sparql-query',
              'Accept': 'application/sparql-results+json, text/turtle;q=0.9'}});
  const text = await r.text();
  status.textContent = r.status + ' in ' + Math.round(performance.now() - started) + ' ms';
  if (!r.ok) { const p = document.createElement('p'); p.className = 'err';
               p.textContent = text; out.append(p); return; }
  if (!(r.headers.get('Content-Type') || '').includes('json')) {
    const pre = document.createElement('pre'); pre.textContent = text; out.append(pre); return; }
  const data = JSON.parse(text);
  if ('boolean' in data) { out.textContent = data.boolean ? 'yes' : 'no'; return; }
  const table = document.createElement('table'), head = table.insertRow();
  for (const v of data.head.vars) { const th = document.createElement('th');
                                    th.textContent = v; head.append(th); }
  for (const b of data.results.bindings) { const row = table.insertRow();
    for (const v of data.head.vars) row.insertCell().textContent = cell(b[v]); }
  out.append(table);
  status.textContent += ' — ' + data.results.bindings.length + ' rows';
});
</script></body></html>
"""

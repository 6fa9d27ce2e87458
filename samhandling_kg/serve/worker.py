"""The job of a query worker: answer one query on its own copy of the store."""

from __future__ import annotations

import contextlib
import os
import signal
import sys

import pyoxigraph as ox

from samhandling_kg.core.errors import QueryError, UpdateRefused
from samhandling_kg.serve.pool import _read_frame, _write_frame
from samhandling_kg.serve.server import _TEXT, _line
from samhandling_kg.site.routes import negotiate
from samhandling_kg.stores.local import OxigraphStore

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


def answer_query(store: OxigraphStore, text: str, accept: str) -> tuple[int, str, bytes]:
    """Status, media type and body of the answer to a read query, in the format ``accept``
    asks for. Runs in a query worker (:mod:`samhandling_kg.serve.pool`)."""
    try:
        kind, answer = store.raw_query(text, source="query")
        if kind in ("SELECT", "ASK"):
            media = negotiate(accept, _RESULT_FORMATS, "application/sparql-results+json") or "application/sparql-results+json"
            payload = answer.serialize(format=getattr(ox.QueryResultsFormat, _RESULT_FORMATS[media]))
        else:
            media = negotiate(accept, _GRAPH_FORMATS, "text/turtle") or "text/turtle"
            payload = answer.serialize(format=getattr(ox.RdfFormat, _GRAPH_FORMATS[media]))
        del answer  # pyoxigraph results must be dropped on the thread that made them
    except QueryError as exc:
        return 403 if isinstance(exc, UpdateRefused) else 400, _TEXT, _line(str(exc))
    except (OSError, ValueError, SyntaxError) as exc:  # raised lazily while the answer is read
        return 500, _TEXT, _line(f"query: the query engine failed: {exc}")
    charset = "; charset=utf-8" if media.startswith("text/") else ""
    return 200, media + charset, payload


# --- the worker process -----------------------------------------------------------------------


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel kills this worker when the server dies, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(0)


def _address_space() -> int:
    """Bytes of address space this process uses now (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def worker_main(argv: list[str]) -> int:
    dump, memory_mb, parent = argv[0], int(argv[1]), int(argv[2])
    _die_with_parent(parent)
    frames_out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # a stray print goes to the worker's stderr, never into the frames
    frames_in = sys.stdin.fileno()

    import pyoxigraph as ox

    from samhandling_kg.stores.local import OxigraphStore

    store = OxigraphStore()
    store.store.load(path=dump, format=ox.RdfFormat.N_QUADS)
    if memory_mb > 0:
        import resource

        # What a query may add to the worker as it stands, the store loaded: the same bound
        # for a small graph and a big one.
        limit = _address_space() + (memory_mb << 20)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _write_frame(frames_out, {"ready": len(store)})
    while True:
        try:
            job = _read_frame(frames_in)
        except EOFError:
            return 0
        try:
            status, media, body = answer_query(store, job["query"], job.get("accept", ""))
        except MemoryError:
            status, media = 503, "text/plain; charset=utf-8"
            body = (f"query stopped: it needed more memory than a query may use "
                    f"({memory_mb} MB, --memory)\n").encode()
        except Exception as exc:  # a failure of this query, not of the worker
            status, media = 500, "text/plain; charset=utf-8"
            body = f"query: the query engine failed: {type(exc).__name__}\n".encode()
        _write_frame(frames_out, {"status": status, "media": media, "length": len(body)}, body)

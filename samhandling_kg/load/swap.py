"""``samhandling load`` into a remote store: the graph is replaced whole or not at all, one load
into a graph at a time, and the command says what the store holds when it cannot be sure.

The protocol, on any SPARQL 1.1 store with a Graph Store HTTP Protocol endpoint:

1. Every file is read and checked locally into one upload file (Turtle without prefixes, or
   N-Triples for Oxigraph: see :func:`_upload_writer`); a bad file stops the load before
   anything is sent.
2. **Records.** A load writes a record into the graph ``urn:samhandling:loads``: its name
   (``urn:samhandling:load:<UTC time>:<random>``, also the name of its temporary graph), the
   graph it replaces and a heartbeat (the store's ``NOW()``), refreshed every
   :data:`HEARTBEAT` seconds while the load runs. Records whose heartbeat is older than
   :data:`LEASE` seconds belong to loads that stopped (killed, lost); the next load drops their
   temporary graphs and records, and ``samhandling load --clean`` drops all of them at once.
3. **One load per graph.** After writing its record a load reads the records back; if another
   live load names the same graph, it removes its own record and fails ("another load into
   this graph is under way") before touching anything. Of two loads that start together, at
   least one fails this way — never do both go on, which is how two concurrent swaps used to
   leave the union of both files.
4. **The swap.** The data goes into the temporary graph (Oxigraph's bulk loader), and one
   SPARQL Update ``MOVE`` puts it onto the graph; the record is deleted after it. On an
   Oxigraph server 0.5 or later two faster ways keep that promise: into an *empty* graph the
   upload goes straight to the graph (its bulk loader commits the whole upload in one step at
   its end); into a graph that holds triples one update carries the *changes* — what to delete
   and what to insert, computed locally from the graph read back — and deletes the record.
   ``MOVE`` copies the whole graph inside one transaction held in memory (minutes and
   gigabytes for millions of triples); the changes of a re-load are usually few.
5. **The truth after an uncertain end.** When the answer to the swap is lost (timeout, a
   connection cut after the request went out, Ctrl-C), the store is asked what it now holds:
   a swap that happened is reported as done; one that has not is reported as "not confirmed"
   with the graph's current size — the store may still apply it, so its temporary graph and
   record stay (and keep other loads off the graph until the lease runs out).
"""

from __future__ import annotations

import random
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from rdflib import URIRef

from samhandling_kg.core.errors import (
    EndpointError,
    Interrupted,
    SamhandlingError,
    keeps_claim,
    uncertain,
)
from samhandling_kg.io.streams import write_ntriples, write_turtle
from samhandling_kg.load.names import LoadReport, temporary_graph_name
from samhandling_kg.sparql.binding import sparql_term

if TYPE_CHECKING:
    from samhandling_kg.stores.endpoint import EndpointStore
from samhandling_kg.io.http import display_url
from samhandling_kg.load import lease
from samhandling_kg.load.diff import _compare, _follow, _InBackground, _no_gc, _Triples
from samhandling_kg.load.lease import (
    _abandon,
    _claim,
    _Heartbeat,
    _named,
    _records,
    _release,
    clean_stale,
    junk_note,
)

_CONTENT_TYPE = {"Content-Type": "text/turtle; charset=utf-8"}


def load_into(store: EndpointStore, paths: Sequence[Path], graph: str) -> LoadReport:
    """Replace ``graph`` of ``store`` with the triples of ``paths`` (see the module text)."""
    start = time.monotonic()
    notes: list[str] = []
    where = _where(store)
    with tempfile.TemporaryDirectory(prefix="samhandling-load-") as folder:
        upload = Path(folder) / "load.ttl"
        with upload.open("wb") as out:
            _upload_writer(store)(paths, out)
        stale, junk = clean_stale(store)
        if junk:
            notes.append(junk_note(junk))
        if stale:
            notes.append(f"removed the temporary graph{'s' if len(stale) > 1 else ''} of "
                         f"{len(stale)} earlier load{'s' if len(stale) > 1 else ''} that stopped "
                         f"without finishing: {', '.join(stale)}")
        name = temporary_graph_name()
        _claim(store, name, graph)
        heartbeat = _Heartbeat(store, name)
        heartbeat.start()
        try:
            oxigraph = _bulk_upload_is_atomic(store)
            if oxigraph and not store.holds_triples(graph):
                note = _upload_into_empty(store, upload, graph, name)
            else:
                changes = _changes(store, upload, graph, name, Path(folder)) if oxigraph else None
                if changes is not None:
                    note = _apply_changes(store, changes, graph, name, heartbeat.stop)
                else:
                    note = _upload_and_swap(store, upload, graph, name, heartbeat.stop)
        except BaseException as exc:
            if not keeps_claim(exc):  # the store may yet apply the swap
                _abandon(store, name)
            raise
        finally:
            heartbeat.stop()
    if note:
        notes.append(note)
    triples = store.count(graph)
    return LoadReport(where, graph, triples, tuple(map(str, paths)), time.monotonic() - start,
                      notes=tuple(notes))


def _upload_writer(store: EndpointStore) -> Callable[[Sequence[Path], IO[bytes]], object]:
    """How the checked files are written for the store (both are ``text/turtle``).

    Turtle for most stores: a third to half the bytes of N-Triples, parsed two to three times
    faster. N-Triples for Oxigraph: a re-load compares the files' triples with the graph's as
    N-Triples lines, which the upload then already is (saving a second parse of every triple),
    and Oxigraph takes it about as fast (``benchmarks/load.py`` prints both loads).
    """
    if store.layout is not None and store.layout.atomic_bulk_upload is not None:
        return write_ntriples
    return write_turtle


def _where(store: EndpointStore) -> str:

    assert store.graph_store is not None
    return display_url(store.graph_store)


# --- the two ways in --------------------------------------------------------------------------


def _learn_credentials(store: EndpointStore, graph: str) -> None:
    """Meet the store's challenge with a small request, so the upload goes out once, signed."""
    if store.credentials and not store.http.authenticated:
        store.http.request("GET", store.graph_url(graph), headers={"Accept": "text/turtle"},
                           ok=range(200, 500))


def _upload_into_empty(store: EndpointStore, upload: Path, graph: str, name: str) -> str | None:
    """Upload straight into the (empty) graph: the store commits the whole upload at once."""
    _learn_credentials(store, graph)
    try:
        store.http.request("POST", store.graph_url(graph, store.upload_parameters), body=upload,
                           headers=_CONTENT_TYPE)
    except (EndpointError, KeyboardInterrupt) as exc:
        return _after_uncertain_end(store, exc, graph, name, landed=lambda: store.count(graph) > 0,
                                    temporary=None)
    _release(store, name)
    return None


#: Virtuoso answers a transaction that deadlocked (SQL state 40001, "SR172 Transaction
#: deadlocked", which its Turtle loader meets now and then on uploads of a few hundred
#: thousand triples into a fresh database) by rolling it back whole: it is sent again.
DEADLOCK_ATTEMPTS = 3
_DEADLOCK = re.compile(r"\b40001\b|\bSR172\b")


def _retrying_deadlocks(send: Callable[[], object]) -> None:
    for attempt in range(DEADLOCK_ATTEMPTS):
        try:
            send()
            return
        except EndpointError as exc:
            if (exc.uncertain or not _DEADLOCK.search(str(exc))
                    or attempt + 1 == DEADLOCK_ATTEMPTS):
                raise
            time.sleep(random.uniform(0.5, 2.0))


def _explained(exc: BaseException) -> BaseException:
    """The error of a refused swap, with what to do when the store's limits are the cause."""
    if isinstance(exc, EndpointError) and "SR325" in str(exc):
        # Virtuoso: one transaction may write at most TransactionAfterImageLimit bytes to its
        # log (50 MB by default); a MOVE of about two million triples writes more.
        return EndpointError(
            f"{exc} (the swap is one transaction, larger than Virtuoso's TransactionAfterImageLimit "
            "allows: raise it in the [Parameters] of virtuoso.ini and load again)",
            uncertain=exc.uncertain)
    return exc


def _upload_and_swap(store: EndpointStore, upload: Path, graph: str, name: str,
                     before_swap: Callable[[], None]) -> str | None:
    """Upload into the temporary graph, then swap it in with one update."""
    _learn_credentials(store, name)
    try:
        _retrying_deadlocks(lambda: store.http.request(
            "PUT", store.graph_url(name, store.upload_parameters), body=upload, headers=_CONTENT_TYPE))
        loaded = store.count(name)
    except BaseException:
        _abandon(store, name)
        raise
    # MOVE alone: Virtuoso takes far longer over a MOVE that shares its request with another
    # operation (a 100,000-record load in benchmarks/load.py: 68 s before, 45 s after) and
    # applies the operations of one request each on its own anyway, so the record goes in a
    # request of its own after the swap.
    swap = f"MOVE GRAPH {_named(name)} TO GRAPH {sparql_term(URIRef(graph), 'graph')}"
    before_swap()
    try:
        _retrying_deadlocks(lambda: store.update(swap))
    except (EndpointError, KeyboardInterrupt) as exc:
        # Swapped when the temporary graph is gone and the graph holds what was uploaded.
        return _after_uncertain_end(
            store, _explained(exc), graph, name, temporary=name,
            landed=lambda: store.count(name) == 0 and store.count(graph) == loaded)
    _release(store, name)
    return None


def _changes(store: EndpointStore, upload: Path, graph: str, name: str, folder: Path) -> Path | None:
    """One SPARQL Update that turns ``graph`` into the triples of ``upload`` and deletes the
    load's record, in one transaction: the triples the graph holds but the files do not are
    deleted, those the files hold but the graph does not are inserted. Re-loading a catalogue
    with a few changes then costs those changes, not a copy of the whole graph.

    The store writes its graph out (the longest step: about 4 µs a triple on Oxigraph) on a
    thread of its own while the files' triples are prepared here. Blank-node triples cannot be
    named in ``DELETE DATA``; those in trees are matched by content (below), the others are
    all replaced. None when the update would be too big, or a line is not in the layout
    compared here.
    """
    current = folder / "current.nt"
    current.touch()  # read from while the answer is written into it
    reading = _InBackground(lambda: store.http.request(
        "GET", store.graph_url(graph), headers={"Accept": "application/n-triples"}, ok=(200,),
        into=current))
    with _no_gc():  # millions of small objects and no cycles: the collector would only rescan them
        wanted = _Triples.of(upload.read_bytes())  # None if not written as N-Triples
        changes = None if wanted is None else _compare(wanted, _follow(current, reading), graph, name, folder)
    if changes is None:  # the load goes another way: not while this reading still uses the connection
        reading.result()
    return changes


def _apply_changes(store: EndpointStore, changes: Path, graph: str, name: str,
                   before_swap: Callable[[], None]) -> str | None:
    """Send the changes as one update (which also deletes the load's record)."""
    before_swap()
    try:
        store.update(changes)
    except (EndpointError, KeyboardInterrupt) as exc:
        # Applied when the record, deleted in the same transaction, is gone.
        return _after_uncertain_end(store, exc, graph, name, temporary=None,
                                    landed=lambda: not _has_record(store, name))
    return None


def _has_record(store: EndpointStore, name: str) -> bool:
    return any(record.name == name for record in _records(store).loads)


def _after_uncertain_end(store: EndpointStore, exc: BaseException, graph: str, name: str, *,
                         landed: Callable[[], bool], temporary: str | None) -> str | None:
    """The swap failed or its answer was lost: ask the store what is true now, and say it."""
    unsure = isinstance(exc, KeyboardInterrupt) or uncertain(exc)
    try:
        done = landed()
        now = store.count(graph)
    except SamhandlingError as check:
        if not unsure:
            _abandon(store, name)
            raise exc from None
        raise EndpointError(
            f"{_short(exc)}; the swap into <{graph}> may or may not have happened, and the store "
            f"could not be asked ({check}); look at the graph before loading again") from None
    if done:
        _release(store, name)
        message = (f"the store's answer to the swap was lost ({_short(exc)}), but the store shows "
                   f"the load done: <{graph}> now holds {now} triples")
        if isinstance(exc, KeyboardInterrupt):
            raise Interrupted(f"interrupted; {message}") from None
        return message
    if not unsure:
        _abandon(store, name)
        raise exc
    # The store may still be working on it: leave its temporary graph and record in place.
    waiting = (f"the store has not confirmed the swap into <{graph}>: the graph still holds its "
               f"old {now} triples, but the store may yet apply it; the load's temporary graph "
               f"<{name}> stays until then (the next load removes it after {lease.LEASE / 60:g} minutes, "
               "'samhandling load --clean' at once)")
    if isinstance(exc, KeyboardInterrupt):
        raise Interrupted(f"interrupted; {waiting}", keeps_claim=True) from None
    raise EndpointError(f"{_short(exc)}; {waiting}", keeps_claim=True) from None


def _short(exc: BaseException) -> str:
    return "interrupted" if isinstance(exc, KeyboardInterrupt) else str(exc)


def _bulk_upload_is_atomic(store: EndpointStore) -> bool:
    """Whether the server commits a bulk upload whole (an Oxigraph server 0.5 or later)."""
    layout = store.layout
    if layout is None or layout.atomic_bulk_upload is None:
        return False
    product, lowest = layout.atomic_bulk_upload
    assert store.endpoint is not None
    response = store.http.request("GET", store.endpoint, params=[("query", "ASK {}")],
                                  headers={"Accept": "application/sparql-results+json"}, ok=(200,))
    server = response.headers.get("Server", "").lower()
    match = re.match(re.escape(product) + r"(\d+)\.(\d+)", server)
    return match is not None and tuple(int(part) for part in match.groups()) >= lowest

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

import gc
import random
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING

from rdflib import Literal, URIRef

from .errors import EndpointError, Interrupted, SamhandlingError
from .http import HttpClient
from .rdfio import write_ntriples, write_turtle
from .sparql import sparql_term

if TYPE_CHECKING:
    from .stores import EndpointStore, LoadReport

#: The graph of load records (the lock), and the vocabulary of a record.
RECORDS = "urn:samhandling:loads"
_NS = "urn:samhandling:load#"
_TARGET, _BEAT = f"<{_NS}target>", f"<{_NS}heartbeat>"
#: Seconds between heartbeats of a running load, and without one before a load counts as stopped.
HEARTBEAT = 20.0
LEASE = 300.0
#: How often a load that met another one starting at the same moment tries again.
CLAIM_ATTEMPTS = 3

_CONTENT_TYPE = {"Content-Type": "text/turtle; charset=utf-8"}


class LoadConflict(EndpointError):
    """Another load into the same graph is under way."""


def load_into(store: EndpointStore, paths: Sequence[Path], graph: str) -> LoadReport:
    """Replace ``graph`` of ``store`` with the triples of ``paths`` (see the module text)."""
    from .stores import LoadReport, temporary_graph_name

    start = time.monotonic()
    notes: list[str] = []
    where = _where(store)
    with tempfile.TemporaryDirectory(prefix="samhandling-load-") as folder:
        upload = Path(folder) / "load.ttl"
        with upload.open("wb") as out:
            _upload_writer(store)(paths, out)
        stale = clean_stale(store)
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
            if not getattr(exc, "keeps_claim", False):  # the store may yet apply the swap
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
    from .http import display_url

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
            if (getattr(exc, "uncertain", False) or not _DEADLOCK.search(str(exc))
                    or attempt + 1 == DEADLOCK_ATTEMPTS):
                raise
            time.sleep(random.uniform(0.5, 2.0))


def _explained(exc: BaseException) -> BaseException:
    """The error of a refused swap, with what to do when the store's limits are the cause."""
    if isinstance(exc, EndpointError) and "SR325" in str(exc):
        # Virtuoso: one transaction may write at most TransactionAfterImageLimit bytes to its
        # log (50 MB by default); a MOVE of about two million triples writes more.
        explained = EndpointError(
            f"{exc} (the swap is one transaction, larger than Virtuoso's TransactionAfterImageLimit "
            "allows: raise it in the [Parameters] of virtuoso.ini and load again)")
        explained.uncertain = getattr(exc, "uncertain", False)  # type: ignore[attr-defined]
        return explained
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
    swap = f"MOVE GRAPH <{name}> TO GRAPH {sparql_term(URIRef(graph), 'graph')}"
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


#: The largest update the changes of a load are sent in (Oxigraph takes up to 128 MB); a load
#: that changes more goes through a temporary graph and MOVE instead.
CHANGES_LIMIT = 64 * 1024 * 1024


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


class _Triples:
    """N-Triples lines as Oxigraph writes them (one triple a line, ``S P O .``): those without
    blank nodes in a set (compared as lines), those with them in a list and as trees (matched
    by content)."""

    def __init__(self, plain: set[bytes], blank: list[bytes]) -> None:
        self.plain, self.blank = plain, blank
        self.trees = _trees(blank)
        self.trees.trees()  # worked out now, while the store is still writing its graph out

    @classmethod
    def of(cls, data: bytes) -> _Triples | None:
        """The lines of ``data`` (whole lines); None if one is not in the compared layout."""
        plain: set[bytes] = set()
        blank: list[bytes] = []
        start = 0
        while start < len(data):  # in blocks: a thread reading the store's answer gets turns
            end = data.find(b"\n", start + _BLOCK) + 1 or len(data)
            lines = _lines(data[start:end])
            found = None if lines is None else _blank_lines(lines)
            if lines is None or found is None:
                return None
            plain.update(lines)
            plain.difference_update(found)
            blank += found
            start = end
        return cls(plain, blank)


def _lines(data: bytes) -> list[bytes] | None:
    """The lines of a block of whole N-Triples lines, if every one is a triple ending in `` .``
    (a raw line break never occurs inside an N-Triples term) and no triple term is quoted."""
    if data.count(b"\n") != data.count(b" .\n") or (data and not data.endswith(b"\n")):
        return None
    lines = data.split(b"\n")
    lines.pop()  # after the last line break
    if b"<<" in data and any(_has_blank_node(line) is None for line in lines if b"<<" in line):
        return None
    return lines


def _blank_lines(lines: list[bytes]) -> list[bytes] | None:
    """The lines with a blank node as subject or object; None for a line of another layout."""
    blank = []
    for line in [line for line in lines if b"_:" in line]:  # the others have none
        kind = _has_blank_node(line)
        if kind is None:
            return None
        if kind:
            blank.append(line)
    return blank


#: The store's answer is read in blocks of at least this many bytes (whole lines), while it
#: arrives.
_BLOCK = 8 * 1024 * 1024


def _follow(path: Path, reading: _InBackground) -> Iterator[bytes]:
    """Blocks of whole lines of the file ``reading`` writes, as it grows; raises what the
    reading raised, after the last block."""
    with path.open("rb") as handle:
        rest = b""
        while True:
            finished = reading.finished()  # before the read: a read after the end sees it all
            data = rest + handle.read()
            if not finished and len(data) < _BLOCK:
                rest = data
                time.sleep(0.02)
                continue
            cut = len(data) if finished else data.rfind(b"\n") + 1
            data, rest = data[:cut], data[cut:]
            if data:
                yield data
            if finished:
                break
    reading.result()


def _compare(wanted: _Triples, current: Iterator[bytes], graph: str, name: str, folder: Path) -> Path | None:
    """The change set of the graph, written out in the blocks of ``current``, against the
    files' triples."""
    missing = wanted.plain  # shrinks to the triples to insert (the files' are not needed again)
    deletes: list[bytes] = []
    held_blanks: list[bytes] = []
    held_trees = _TreeReader()  # read while the answer arrives
    size = 0
    for data in current:
        lines = _lines(data)
        if lines is None:
            return None
        gone = [line for line in lines if line not in missing]  # blank-node or deleted
        missing.difference_update(lines)  # a graph names each triple once
        blank = _blank_lines(gone)
        if blank is None:
            return None
        if blank:
            held_blanks.extend(blank)
            held_trees.add(blank)
            blank_set = set(blank)
            gone = [line for line in gone if line not in blank_set]
        deletes.extend(gone)
        size += sum(map(len, gone)) + len(gone)
        if size > CHANGES_LIMIT:
            return None
    inserts = list(missing)
    size += sum(map(len, inserts)) + len(inserts)
    if size > CHANGES_LIMIT:
        return None
    new_blanks = wanted.blank
    target = sparql_term(URIRef(graph), "graph")
    blank_deletes: list[str] = []
    trees = _blank_tree_changes(held_trees, wanted.trees) if held_blanks or new_blanks else None
    del held_trees
    if trees is not None:  # only the trees that changed are replaced
        replaced, new_blanks = trees
        blank_deletes = [_delete_trees(target, subject, predicate, depth)
                         for subject, predicate, depth in replaced]
    elif held_blanks and _same_blank_triples(held_blanks, new_blanks):
        new_blanks = []  # the graph's blank-node triples stay as they are
    elif held_blanks:  # all of the graph's blank-node triples are replaced
        blank_deletes = [f"DELETE {{ GRAPH {target} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {target} "
                         "{ ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) } }"]
    del held_blanks
    inserts.extend(new_blanks)
    size += sum(len(line) + 1 for line in new_blanks) + sum(len(op) + 3 for op in blank_deletes)
    if size > CHANGES_LIMIT:
        return None
    changes = folder / "changes.ru"
    with changes.open("wb") as out:
        for operation in blank_deletes:  # before the inserts, which may add trees in their place
            out.write(f"{operation} ;\n".encode())
        for operation, block in (("DELETE DATA", deletes), ("INSERT DATA", inserts)):
            if block:
                out.write(f"{operation} {{ GRAPH {target} {{\n".encode())
                out.write(b"\n".join(block))
                out.write(b"\n} } ;\n")
        out.write(_forget(name).encode())
    return changes


class _InBackground:
    """Runs ``work`` on a daemon thread; :meth:`result` waits and raises what it raised. A
    caller that stops early (Ctrl-C) does not wait for it."""

    def __init__(self, work: Callable[[], object]) -> None:
        self._error: BaseException | None = None

        def run() -> None:
            try:
                work()
            except BaseException as exc:  # noqa: BLE001 - handed to the caller by result()
                self._error = exc

        self._thread = threading.Thread(target=run, name="samhandling-load-read", daemon=True)
        self._thread.start()

    def finished(self) -> bool:
        return not self._thread.is_alive()

    def result(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error


@contextmanager
def _no_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- blank nodes in trees: matched by what they say, not by label --------------------------
#
# A blank node's label differs between the store's answer and the files, so a blank-node
# triple cannot be matched line by line. Most blank nodes in catalogues hang in trees under an
# IRI (``dcat:contactPoint [ a vcard:Organization ; vcard:fn "…" ]``, lists): each has exactly
# one triple pointing at it, and no cycle. Such a tree is the same in the graph and in the
# files when the content below it is the same, which a hash of its sorted lines (blank nodes
# below replaced by their own hashes) decides. Trees under a subject and predicate that
# changed are deleted by a pattern as deep as the deepest of them and inserted again; those
# that did not are left alone. Blank nodes that do not form such trees fall back to the
# replacement of all of them.

#: Deeper trees, or more subject–predicate pairs with changed trees, fall back.
MAX_TREE_DEPTH = 40
MAX_TREE_GROUPS = 2000


class _NotTrees(Exception):
    pass


class _Trees:
    """The blank-node trees under one subject and predicate: their signatures (what each says,
    blank-node labels left out, as nested sorted tuples), the depth of the deepest, and each
    one's top node with the line pointing at it (none for a free-standing tree)."""

    __slots__ = ("depth", "heads", "signatures")

    def __init__(self) -> None:
        self.signatures: list[tuple[tuple[bytes, tuple[object, ...]], ...]] = []
        self.depth = 0
        self.heads: list[tuple[bytes, bytes | None]] = []


def _blank_object(line: bytes) -> bytes | None:
    """The blank node an N-Triples line (as :func:`_has_blank_node` checked it) points at: its
    last term, if that is a label (a literal's last word holds its closing quote)."""
    last = line[line.rfind(b" ", 0, len(line) - 2) + 1:-2]
    return last if last[:2] == b"_:" and b'"' not in last else None


Trees = dict[tuple[bytes, bytes], _Trees]


class _TreeReader:
    """Reads blank-node lines, in as many pieces as they arrive, into their trees by the
    subject and predicate they hang from (:meth:`trees`: None when they are not all trees)."""

    def __init__(self) -> None:
        self._below: dict[bytes, list[tuple[bytes, bytes | None, bytes]]] = {}  # node: (rest, child, line)
        self._pointed: set[bytes] = set()
        self._roots: list[tuple[bytes, bytes, bytes, bytes | None]] = []
        self._broken = False
        self._groups: Trees | None = None

    def add(self, lines: list[bytes]) -> None:
        if self._broken:
            return
        below, pointed, roots = self._below, self._pointed, self._roots
        for line in lines:
            child = _blank_object(line)
            if child is not None:
                if child in pointed:  # shared by two triples: not a tree
                    self._broken = True
                    return
                pointed.add(child)
            if line[:2] == b"_:":
                subject, rest = line.split(b" ", 1)
                if child is not None:
                    rest = rest[:len(rest) - len(child) - 2]  # the predicate and its space
                entry = below.get(subject)
                if entry is None:
                    below[subject] = [(rest, child, line)]
                else:
                    entry.append((rest, child, line))
            elif child is not None:
                subject, predicate, _ = line.split(b" ", 2)
                roots.append((subject, predicate, child, line))

    def trees(self) -> Trees | None:
        """The trees by the subject and predicate they hang from (worked out once)."""
        if self._groups is None and not self._broken:
            self._groups = self._walk()
            self._broken = self._groups is None
        return self._groups

    def _walk(self) -> Trees | None:
        below = self._below
        walked = 0

        def walk(node: bytes, level: int) -> tuple[tuple[tuple[bytes, tuple[object, ...]], ...], int]:
            nonlocal walked
            if level > MAX_TREE_DEPTH:
                raise _NotTrees
            walked += 1
            parts, depth = [], level
            for rest, child, _ in below.get(node, ()):
                if child is None:
                    parts.append((rest, ()))
                else:
                    signature, deeper = walk(child, level + 1)
                    parts.append((rest, signature))
                    depth = max(depth, deeper)
            parts.sort()
            return tuple(parts), depth

        trees: Trees = {}
        # Trees under an IRI, and free-standing ones (``[ a owl:AllDisjointClasses ; … ]``),
        # which nothing points at: one group with an empty subject and predicate.
        free = [(b"", b"", node, None) for node in sorted(below.keys() - self._pointed)]
        try:
            for subject, predicate, node, line in [*self._roots, *free]:
                group = trees.get((subject, predicate))
                if group is None:
                    group = trees[(subject, predicate)] = _Trees()
                signature, depth = walk(node, 1)
                group.signatures.append(signature)
                group.heads.append((node, line))
                group.depth = max(group.depth, depth)
        except _NotTrees:
            return None
        if walked != len(self._pointed | below.keys()):  # a blank node no IRI points at, or a cycle
            return None
        return trees

    def lines(self, group: _Trees) -> list[bytes]:
        """The lines of the trees of ``group``, the lines pointing at them included."""
        found: list[bytes] = []
        stack: list[bytes] = []
        for node, line in group.heads:
            if line is not None:
                found.append(line)
            stack.append(node)
            while stack:
                for _, child, below in self._below.get(stack.pop(), ()):
                    found.append(below)
                    if child is not None:
                        stack.append(child)
        return found


def _trees(lines: list[bytes]) -> _TreeReader:
    """The blank-node trees of ``lines`` (whole)."""
    reader = _TreeReader()
    reader.add(lines)
    return reader


def _blank_tree_changes(before: _TreeReader, after: _TreeReader
                        ) -> tuple[list[tuple[bytes, bytes, int]], list[bytes]] | None:
    """The subject–predicate pairs whose trees are replaced (with the depth to delete) and the
    lines to insert for them; None when the blank nodes are not all in trees."""
    old_trees, new_trees = before.trees(), after.trees()
    if old_trees is None or new_trees is None:
        return None

    def same(old: _Trees | None, fresh: _Trees | None) -> bool:
        if old is None or fresh is None or len(old.signatures) != len(fresh.signatures):
            return False
        return (old.signatures == fresh.signatures  # one tree under most pairs: no sorting
                or sorted(old.signatures) == sorted(fresh.signatures))

    changed = [group for group in old_trees.keys() | new_trees.keys()
               if not same(old_trees.get(group), new_trees.get(group))]
    if len(changed) > MAX_TREE_GROUPS:
        return None
    replaced: list[tuple[bytes, bytes, int]] = []
    inserts: list[bytes] = []
    for group in sorted(changed):
        old, fresh = old_trees.get(group), new_trees.get(group)
        if old:
            replaced.append((group[0], group[1], old.depth))
        if fresh:
            inserts.extend(after.lines(fresh))
    return replaced, inserts


def _delete_trees(target: str, subject: bytes, predicate: bytes, depth: int) -> str:
    """A SPARQL Update deleting every blank-node tree under ``subject predicate`` in ``target``
    (every free-standing one when both are empty), down to ``depth`` levels of blank nodes."""
    template = [f"?o{k - 1} ?p{k} ?o{k}" for k in range(1, depth + 1)]
    first = 1 if subject else 2  # a free-standing tree's first level is its root's own triples
    inner = ""
    for k in range(depth, first - 1, -1):
        blank = f" FILTER(isBlank(?o{k - 1}))" if k > 1 else ""
        inner = f" OPTIONAL {{ ?o{k - 1} ?p{k} ?o{k}{blank}{inner} }}"
    if subject:
        head = f"{subject.decode()} {predicate.decode()} ?o0"
        template.insert(0, head)
        where = f"{head} FILTER(isBlank(?o0)){inner}"
    else:
        where = f"?o0 ?p1 ?o1 FILTER(isBlank(?o0) && NOT EXISTS {{ ?x ?y ?o0 }}){inner}"
    return (f"DELETE {{ GRAPH {target} {{ {' . '.join(template)} }} }} "
            f"WHERE {{ GRAPH {target} {{ {where} }} }}")


#: Up to this many blank-node triples, those of the graph and of the files are compared (as
#: graphs: blank-node labels differ); when equal they are left alone instead of replaced.
SAME_BLANKS_LIMIT = 2000


def _same_blank_triples(held: list[bytes], new: list[bytes]) -> bool:
    """Whether two sets of N-Triples lines with blank nodes are the same graph (isomorphic)."""
    if not held or not new or len(held) > SAME_BLANKS_LIMIT or len(new) > SAME_BLANKS_LIMIT:
        return False
    from rdflib import Graph
    from rdflib.compare import isomorphic

    graphs = []
    for lines in (held, new):
        graph = Graph()
        graph.parse(data=b"\n".join(lines).decode("utf-8"), format="nt")
        graphs.append(graph)
    return len(graphs[0]) == len(graphs[1]) and isomorphic(graphs[0], graphs[1])


def _has_blank_node(line: bytes) -> bool | None:
    """Whether an N-Triples line (``S P O .``, single spaces, as Oxigraph writes it) has a blank
    node as subject or object; None for anything else (a quoted triple, another layout)."""
    if not line.endswith(b" ."):
        return None
    if line.startswith(b"_:"):
        return True
    end = line.find(b"> ") if line.startswith(b"<") and not line.startswith(b"<<") else -1
    if end < 0 or line[end + 2:end + 3] != b"<":  # IRIs hold no space and no '>'
        return None
    end = line.find(b"> ", end + 2)  # the end of the predicate
    first = line[end + 2:end + 3] if end >= 0 else b""
    if first == b"_":
        return True
    return False if first in (b"<", b'"') and not line.startswith(b"<<", end + 2) else None


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
    return any(record.name == name for record in _records(store))


def _after_uncertain_end(store: EndpointStore, exc: BaseException, graph: str, name: str, *,
                         landed: Callable[[], bool], temporary: str | None) -> str | None:
    """The swap failed or its answer was lost: ask the store what is true now, and say it."""
    uncertain = isinstance(exc, KeyboardInterrupt) or getattr(exc, "uncertain", False)
    try:
        done = landed()
        now = store.count(graph)
    except SamhandlingError as check:
        if not uncertain:
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
    if not uncertain:
        _abandon(store, name)
        raise exc
    # The store may still be working on it: leave its temporary graph and record in place.
    waiting = (f"the store has not confirmed the swap into <{graph}>: the graph still holds its "
               f"old {now} triples, but the store may yet apply it; the load's temporary graph "
               f"<{name}> stays until then (the next load removes it after {LEASE / 60:g} minutes, "
               "'samhandling load --clean' at once)")
    pending: BaseException = (Interrupted(f"interrupted; {waiting}") if isinstance(exc, KeyboardInterrupt)
                              else EndpointError(f"{_short(exc)}; {waiting}"))
    pending.keeps_claim = True  # type: ignore[attr-defined]
    raise pending from None


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


# --- records: one load per graph, stale loads cleaned ----------------------------------------


def _claim(store: EndpointStore, name: str, graph: str) -> None:
    """Write the load's record, then make sure no other live load names the same graph.

    Only a load that finds itself alone goes on, so two never do. Two that start at the same
    moment both see each other and both step back; each tries again after a random pause, and
    the one that then finds itself alone goes on while the other fails.
    """
    target = sparql_term(URIRef(graph), "graph")
    for attempt in range(CLAIM_ATTEMPTS):
        store.update(f"INSERT {{ GRAPH <{RECORDS}> {{ <{name}> {_TARGET} {target} ; {_BEAT} ?now }} }} "
                     "WHERE { BIND(NOW() AS ?now) }")
        try:
            others = [r for r in _records(store) if r.target == graph and r.name != name and not r.stale]
        except BaseException:
            _release(store, name)
            raise
        if not others:
            return
        _release(store, name)
        if attempt + 1 < CLAIM_ATTEMPTS:
            time.sleep(random.uniform(0.2, 1.5))
    other = others[0]
    raise LoadConflict(
        f"<{graph}>: another load into this graph is under way ({other.name}, last heard from "
        f"{other.age:.0f} s ago); nothing was changed. Load again when it has finished; if it was "
        f"stopped, its record expires after {LEASE / 60:g} minutes, or remove it now with "
        "'samhandling load --clean --graph-store URL'")


def _forget(name: str) -> str:
    return (f"DELETE {{ GRAPH <{RECORDS}> {{ <{name}> ?p ?o }} }} "
            f"WHERE {{ GRAPH <{RECORDS}> {{ <{name}> ?p ?o }} }}")


def _release(store: EndpointStore, name: str) -> None:
    try:
        store.update(_forget(name))
    except SamhandlingError:
        pass  # a record left behind expires after LEASE


def _abandon(store: EndpointStore, name: str) -> None:
    """Drop a failed load's temporary graph and record (best effort: they expire anyway)."""
    try:
        store.update(f"DROP SILENT GRAPH <{name}> ;\n{_forget(name)}")
    except SamhandlingError:
        pass


class _Record:
    def __init__(self, name: str, target: str | None, age: float) -> None:
        self.name, self.target, self.age = name, target, age

    @property
    def stale(self) -> bool:
        return self.age > LEASE


def _records(store: EndpointStore) -> list[_Record]:
    """The load records, with the seconds since each was last heard from (by the store's clock)."""
    result = store.select(f"SELECT ?load ?target ?beat (NOW() AS ?now) WHERE {{ GRAPH <{RECORDS}> {{ "
                          f"?load ?p ?o OPTIONAL {{ ?load {_TARGET} ?target }} "
                          f"OPTIONAL {{ ?load {_BEAT} ?beat }} }} }}")
    if result.rows and not {"load", "target", "beat", "now"} <= set(result.variables):
        raise store.http.error(str(store.endpoint), "did not answer the query for load records")
    found: dict[str, _Record] = {}
    for row in result.rows:
        cells = dict(zip(result.variables, row))
        load, target, beat, now = cells["load"], cells["target"], cells["beat"], cells["now"]
        if load is None:
            continue
        age = _seconds_between(beat, now)
        name = str(load)
        previous = found.get(name)
        if previous is None or age < previous.age:
            found[name] = _Record(name, str(target) if target is not None else None, age)
    return list(found.values())


def _seconds_between(beat: object, now: object) -> float:
    """Seconds from ``beat`` to ``now`` (both the store's xsd:dateTime); infinite if unreadable."""
    earlier, later = _instant(beat), _instant(now)
    if earlier is None or later is None:
        return float("inf")
    return (later - earlier).total_seconds()


def _instant(term: object) -> datetime | None:
    if not isinstance(term, Literal):
        return None
    match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?", str(term).strip())
    if not match:
        return None
    moment = datetime.fromisoformat(match.group(1)).replace(
        microsecond=int((match.group(2) or "0")[:6].ljust(6, "0")))
    zone = match.group(3)
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        moment -= sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    return moment.replace(tzinfo=timezone.utc)


def clean_stale(store: EndpointStore) -> list[str]:
    """Drop the temporary graphs and records of loads not heard from for :data:`LEASE` seconds."""
    stale = [record.name for record in _records(store) if record.stale]
    _drop(store, stale)
    return stale


def clean_all(store: EndpointStore) -> list[str]:
    """Drop every load record and every temporary graph (``urn:samhandling:load:…``), whether
    its load looks alive or not: for when the user knows no load is running."""
    from .stores import LOAD_PREFIX

    names = {record.name for record in _records(store)}
    graphs = store.select(f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                          f'FILTER(STRSTARTS(STR(?g), "{LOAD_PREFIX}")) }}')
    names |= {str(row[0]) for row in graphs.rows if row and row[0] is not None}
    ordered = sorted(names)
    _drop(store, ordered)
    return ordered


def _drop(store: EndpointStore, names: Sequence[str]) -> None:
    for name in names:  # one request each: a store may refuse very long updates
        store.update(f"DROP SILENT GRAPH <{name}> ;\n{_forget(name)}")


class _Heartbeat:
    """Refreshes a load's record while it runs, on a connection of its own."""

    def __init__(self, store: EndpointStore, name: str) -> None:
        from .stores import EndpointStore

        self._store = EndpointStore(store.endpoint, graph_store=store.graph_store,
                                    update_endpoint=store.update_endpoint,
                                    credentials=store.credentials, timeout=store.http.timeout)
        self._store.http = HttpClient(store.credentials, store.http.timeout,
                                      on_warning=lambda message: None)  # the caller warned already
        self._name = name
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="samhandling-load-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop beating; wait for a beat under way, so it does not meet the swap in the store
        (Virtuoso times out a transaction that waits for the record's lock). The swap itself
        runs on the lease."""
        if self._stop.is_set():
            return
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self._store.http.timeout + 1)
        if not self._thread.is_alive():
            self._store.http.close()

    def _run(self) -> None:
        record = f"GRAPH <{RECORDS}> {{ <{self._name}> {_BEAT} ?beat }}"
        while not self._stop.wait(HEARTBEAT):
            try:  # refreshes an existing record only: a released record stays released
                self._store.update(f"DELETE {{ {record} }} INSERT {{ GRAPH <{RECORDS}> {{ <{self._name}> "
                                   f"{_BEAT} ?now }} }} WHERE {{ {record} BIND(NOW() AS ?now) }}")
            except Exception:  # noqa: BLE001 - best effort: a missed beat only ages the record
                pass

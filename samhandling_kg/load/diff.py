"""What a re-load changes: the files' N-Triples compared with the graph's, plain lines as
sets and blank-node trees by what they say."""

from __future__ import annotations

import gc
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import URIRef

from samhandling_kg.core.terms import IRI_FORBIDDEN
from samhandling_kg.sparql.binding import sparql_term

if TYPE_CHECKING:
    pass
from samhandling_kg.load.lease import _forget


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


#: One N-Triples line as Oxigraph writes it, each term of a form that means itself in a SPARQL
#: Update (IRIs without the characters IRIs may not hold, plain blank-node labels, literals with
#: only the escapes of N-Triples). The graph read back is the store's word: a block with any
#: other line is not pasted into an update (the load takes the way without a change set).
_IRI = b"<[^" + IRI_FORBIDDEN.pattern[1:].encode() + b"*>"
_BLANK = rb"_:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?"
_LITERAL = (rb'"(?:[^"\\\n\r]|\\["\\nrtbf]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*"'
            rb"(?:\^\^" + _IRI + rb"|@[A-Za-z]+(?:-[A-Za-z0-9]+)*)?")
_STORE_LINES = re.compile(rb"(?:(?:" + _IRI + rb"|" + _BLANK + rb") " + _IRI + rb" (?:" + _IRI + rb"|"
                          + _BLANK + rb"|" + _LITERAL + rb") \.\n)*")


def _compare(wanted: _Triples, current: Iterator[bytes], graph: str, name: str, folder: Path) -> Path | None:
    """The change set of the graph, written out in the blocks of ``current``, against the
    files' triples."""
    missing = wanted.plain  # shrinks to the triples to insert (the files' are not needed again)
    deletes: list[bytes] = []
    held_blanks: list[bytes] = []
    held_trees = _TreeReader()  # read while the answer arrives
    size = 0
    for data in current:
        lines = _lines(data) if _STORE_LINES.fullmatch(data) else None
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
            except BaseException as exc:
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
            parts: list[tuple[bytes, tuple[object, ...]]] = []
            depth = level
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


#: The largest update the changes of a load are sent in (Oxigraph takes up to 128 MB); a load
#: that changes more goes through a temporary graph and MOVE instead.
CHANGES_LIMIT = 64 * 1024 * 1024

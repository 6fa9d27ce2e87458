"""Where a finding stands in the user's files: the record, its title, the file and line."""

from __future__ import annotations

import re
import sys
from array import array
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from typing import TYPE_CHECKING, Any, overload

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import (
    DCTERMS,
    RDF,
)
from rdflib.term import Node, _is_valid_uri

from samhandling_kg.core.errors import InputError
from samhandling_kg.core.labels import NAME_PREDICATES, compact, fallback_order, name_of, pick_text
from samhandling_kg.core.namespace import SAM
from samhandling_kg.io.oxigraph import to_ox, to_rdflib
from samhandling_kg.io.rdf import decode_text, read_bytes
from samhandling_kg.validation.model import DATA, Record, node_text

if TYPE_CHECKING:
    from samhandling_kg.validation.assemble import _View
    from samhandling_kg.validation.input import _Input
from samhandling_kg.io.oxigraph import solutions

_DCT_TITLE = ox.NamedNode(str(DCTERMS.title))
#: ``a`` (rdf:type) as a word of Turtle.
_A_WORD = re.compile(r"(?<![\w:<])a(?![\w:>-])")

#: The leading token of each line after the first, for text whose lines end in \n or \r\n
#: only (led by the \n, found by a fast search for it: ``^`` in MULTILINE mode is tried at
#: every position, at twice the cost), and of the first line.
_LEADING_TOKEN = re.compile(r"\n[^\S\n]*(\S*)")
_FIRST_TOKEN = re.compile(r"[^\S\n]*(\S*)")
#: A line that ends in "." (trailing spaces aside: a line's end is a \n or the text's).
_ENDS_IN_DOT = re.compile(r"\.[^\S\n]*$", re.MULTILINE)
_OTHER_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def _index_lines(name: str, data: bytes | None = None
                 ) -> tuple[Sequence[str], dict[str, int], list[str]]:
    """A file's lines (``data``, when it was read already, as standard input is), the first
    line each leading token starts, and the leading token of every line (what
    :class:`_Locator` looks records and statements up in)."""
    try:
        text = decode_text(read_bytes(name) if data is None else data, name)
    except InputError:
        text = ""
    lines: Sequence[str] = (text.splitlines() if "\r" in text or _other_breaks(text)
                            else _Lines(text))
    tokens = _leading_tokens(text, len(lines))
    if tokens is None:  # line breaks other than \n and \r\n: line by line
        tokens = [line.split(None, 1)[0] if line.strip() else "" for line in lines]
    # The first line of each token: the smallest number wins, as the last one written.
    starts = dict(zip(reversed(tokens), range(len(tokens), 0, -1)))
    return lines, starts, tokens


class _Lines(Sequence[str]):
    """The lines of a text broken by \n alone, kept as the text and where each line ends:
    a catalogue's millions of lines as separate strings would take a sixth of the memory
    of a large validation."""

    #: Characters split at a time: the lines of a whole catalogue as strings at once would
    #: be a transient as large again as the text.
    CHUNK = 1 << 20

    def __init__(self, text: str) -> None:
        self._text = text
        #: Where each line ends, counted without the line breaks (the lines of
        #: ``text.splitlines()``, found a chunk at a time).
        self._ends = array("q")
        done, position, size = 0, 0, len(text)
        while position < size:
            cut = text.find("\n", min(position + self.CHUNK, size - 1))
            if cut == -1:
                cut = size
            ends = list(accumulate(map(len, text[position:cut].split("\n")), initial=done))
            self._ends.extend(ends[1:])
            done, position = ends[-1], cut + 1

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            if start >= stop:
                return []
            return self.stretch(start, stop).split("\n")
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        start = (self._ends[index - 1] if index else 0) + index
        return self._text[start:self._ends[index] + index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._text.splitlines())

    def statement_end(self, start: int) -> int:
        """:func:`_statement_end`, found by one search of the text from line ``start``."""
        begin = (self._ends[start - 2] if start > 1 else 0) + start - 1
        found = _ENDS_IN_DOT.search(self._text, begin)
        if found is None:
            return len(self)
        return start + self._text.count("\n", begin, found.start())

    def stretch(self, start: int, stop: int) -> str:
        """Lines ``start`` to ``stop`` (0-based, ``stop`` excluded, within the text) as one
        text with their breaks: consecutive lines are one slice of the text."""
        if start >= stop:
            return ""
        first = (self._ends[start - 1] if start else 0) + start
        return self._text[first:self._ends[stop - 1] + stop - 1]


def _other_breaks(text: str) -> bool:
    return any(mark in text for mark in _OTHER_BREAKS)


def _leading_tokens(text: str, count: int) -> list[str] | None:
    """``line.split(None, 1)[0]`` (or "") of each of the ``count`` lines of ``text``, found
    in one pass; None when the text breaks lines otherwise than :meth:`str.splitlines` does
    with \n and \r\n alone."""
    if _other_breaks(text) or text.count("\r") != text.count("\r\n"):
        return None
    # Interned: a catalogue repeats a few dozen tokens (its predicates) a million times.
    first = _FIRST_TOKEN.match(text)
    tokens = [sys.intern(first.group(1)) if first else ""]
    tokens.extend(map(sys.intern, _LEADING_TOKEN.findall(text)))
    return tokens[:count] if len(tokens) >= count else None


def _statement_end(lines: Sequence[str], start: int) -> int:
    """The number of the line that ends the statement starting on line ``start`` (numbers
    from 1): the first from it that ends in "." (trailing spaces aside), else the last."""
    if isinstance(lines, _Lines):
        return lines.statement_end(start)
    end = start
    while end < len(lines) and not lines[end - 1].rstrip().endswith("."):
        end += 1
    return end


def _stretch(lines: Sequence[str], start: int, stop: int) -> str:
    """Lines ``start`` to ``stop`` (0-based, ``stop`` excluded) as one text, joined by \n:
    from :class:`_Lines`, one slice of its text."""
    if isinstance(lines, _Lines):
        return lines.stretch(start, stop)
    return "\n".join(lines[start:stop])


def _offending_line(statements: list[tuple[int, str]], predicates: tuple[str, ...],
                    values: list[str]) -> int | None:
    """In ``statements`` (each its first line's number and its text), the first line naming
    the path (one of ``predicates``, its spellings; ``a`` as the word of Turtle) and one of
    ``values``; else the first line with a value (a value on a continuation line:
    ``dct:title "a"@nb ,\n "b"@nb``); else the first line naming the path. Each statement
    is searched as one text, not line by line (no spelling holds a line break)."""
    with_path: int | None = None
    for first, text in statements:
        begins: set[int] = set()  # where the lines naming the path begin
        for word in predicates:
            if word == "a":
                begins.update(text.rfind("\n", 0, m.start()) + 1 for m in _A_WORD.finditer(text))
                continue
            at = text.find(word)
            while at != -1:
                begins.add(text.rfind("\n", 0, at) + 1)
                at = text.find(word, at + 1)
        for begin in sorted(begins):
            end = text.find("\n", begin)
            line = text[begin:] if end == -1 else text[begin:end]
            number = first + text.count("\n", 0, begin)
            if any(v in line for v in values):
                return number
            if with_path is None:
                with_path = number
    one_line = [v for v in values if "\n" not in v]  # a value with a break is on no one line
    for first, text in statements:
        found = [at for at in (text.find(v) for v in one_line) if at != -1]
        if found:
            return first + text.count("\n", 0, min(found))
    return with_path


_RDF_TYPE = ox.NamedNode(str(RDF.type))
_RDF_TYPE_IRI = RDF.type  # (read once: a DefinedNamespace attribute is a lookup each time)
_SOLUTION = ox.NamedNode(str(SAM.Solution))
_SOLUTION_PREDICATES = tuple(ox.NamedNode(str(p)) for p in (SAM.realises, SAM.uses, SAM.addresses))
#: The solutions of the data; :meth:`_Locator.is_solution` asks the same of one node.
_SOLUTIONS = f"""
SELECT DISTINCT ?s WHERE {{ GRAPH <{DATA.value}> {{
  {{ ?s a <{SAM.Solution}> }} UNION {{ ?s <{SAM.realises}>|<{SAM.uses}>|<{SAM.addresses}> ?o }}
}} }}"""


class _Locator:
    """Finds the record a focus node belongs to, its title, file and line."""

    def __init__(self, given: _Input, view: _View, lang: str) -> None:
        self.given = given
        self.store = given.store
        self.files = given.files
        self.view = view
        self.lang = lang
        self._solutions: set[Node] | None = None
        self._is_solution: dict[Node, bool] = {}
        self._texts: dict[str, tuple[Sequence[str], dict[str, int]]] = {}
        self._tokens: dict[str, list[str]] = {}
        self._every: dict[str, dict[str, list[int]]] = {}
        self._counts: dict[str, Counter[str]] = {}
        self._where: dict[Node, tuple[str | None, int | None]] = {}
        self._titles: dict[Any, tuple[int, str, bool]] | None = None
        self._candidate_cache: dict[tuple[str, str], list[str]] = {}
        self._namespaces: dict[str, dict[int, dict[str, list[str]]]] = {}
        self._records: dict[str, Record] = {}
        self._blocks: dict[tuple[str, str], list[tuple[int, int]]] = {}

    @property
    def solutions(self) -> set[Node]:
        """Every solution of the data (read when first asked for: the report of a format that
        lists only the records of its results asks :meth:`is_solution` of a few instead)."""
        if self._solutions is None:
            self._solutions = {to_rdflib(row[0]) for row in solutions(
                self.store.query(_SOLUTIONS, named_graphs=[DATA]))}
        return self._solutions

    def is_solution(self, node: Node) -> bool:
        """Whether ``node`` is a solution of the data (:data:`_SOLUTIONS`)."""
        if self._solutions is not None:
            return node in self._solutions
        found = self._is_solution.get(node)
        if found is None:
            found = False
            subject = to_ox(node) if isinstance(node, (URIRef, BNode)) else None
            if isinstance(subject, (ox.NamedNode, ox.BlankNode)):
                found = any(True for _ in self.store.quads_for_pattern(subject, _RDF_TYPE, _SOLUTION, DATA)) \
                    or any(any(True for _ in self.store.quads_for_pattern(subject, predicate, None, DATA))
                           for predicate in _SOLUTION_PREDICATES)
            self._is_solution[node] = found
        return found

    def _parents(self, node: Node) -> list[Node]:
        term = to_ox(node)
        return [to_rdflib(q.subject) for q in self.store.quads_for_pattern(None, None, term, DATA)]

    def record_of(self, focus: Node) -> Node:
        """The solution a focus node belongs to: itself, or, for a blank node hanging off
        solutions (contact point and the like, through blank nodes only), the first of them
        by IRI."""
        if not isinstance(focus, BNode):
            return focus
        owners: list[Node] = [focus] if self.is_solution(focus) else []
        seen: set[Node] = {focus}
        queue: deque[Node] = deque([focus])
        while queue:
            for parent in self._parents(queue.popleft()):
                if parent in seen:
                    continue
                seen.add(parent)
                if self.is_solution(parent):
                    owners.append(parent)
                if isinstance(parent, BNode):
                    queue.append(parent)
        return min(owners, key=str) if owners else focus

    def where(self, node: Node) -> tuple[str | None, int | None]:
        """The first file (in the order given) that describes ``node``, and the line where
        its description starts."""
        if node not in self._where:
            found: tuple[str | None, int | None] = (None, None)
            # A solution is a subject of the data by its definition (_SOLUTIONS).
            if not isinstance(node, BNode) and (self.is_solution(node)
                                                or self.given.is_data_subject(node)
                                                or node in self.given.refused):
                for anywhere in (False, True):
                    for name in self.files:
                        line = self._line(name, node, anywhere)
                        if line is not None:
                            found = (name, line)
                            break
                    if found[0] is not None:
                        break
            self._where[node] = found
        return self._where[node]

    def _lines(self, name: str) -> tuple[Sequence[str], dict[str, int]]:
        """The file's lines, and the first line each leading token (a subject) starts."""
        if name not in self._texts:
            ready = self.given.line_index.pop(name, None)
            try:
                lines, starts, tokens = (ready.result() if ready is not None
                                         else _index_lines(name, self.given.in_memory.get(name)))
            except Exception:
                lines, starts, tokens = _index_lines(name, self.given.in_memory.get(name))
            self._texts[name] = (lines, starts)
            self._tokens[name] = tokens
            self._every[name] = {}
        return self._texts[name]

    def _starting(self, name: str, token: str) -> list[int]:
        """Every line of ``name`` whose leading token is ``token`` (found once per token)."""
        every = self._every[name]
        if token not in every:
            _, starts = self._lines(name)
            first = starts.get(token)
            if first is None:
                every[token] = []
            else:
                counts = self._counts.get(name)
                if counts is None:
                    counts = self._counts[name] = Counter(self._tokens[name])
                tokens, found = self._tokens[name], [first]
                while len(found) < counts[token]:
                    found.append(tokens.index(token, found[-1]) + 1)
                every[token] = found
        return every[token]

    def _candidates(self, name: str, iri: str) -> list[str]:
        key = (name, iri)
        if key not in self._candidate_cache:
            self._candidate_cache[key] = self._spellings(name, iri)
        return self._candidate_cache[key]

    def _spellings(self, name: str, iri: str) -> list[str]:
        """``iri`` as ``name`` may write it: whole, with each of the file's prefixes whose
        namespace starts it, and quoted."""
        by_length = self._namespaces.get(name)
        if by_length is None:
            # Namespaces by length, then by text: each IRI tries a few slices of itself
            # instead of every namespace (a catalogue asks this of every record).
            by_length = {}
            for prefix, namespace in self.given.file_prefixes.get(name, self.given.prefixes).items():
                by_length.setdefault(len(namespace), {}).setdefault(namespace, []).append(prefix)
            self._namespaces[name] = by_length
        found = [f"<{iri}>"]
        for length, namespaces in by_length.items():
            if len(iri) > length:
                for prefix in namespaces.get(iri[:length], ()):
                    found.append(f"{prefix}:{iri[length:]}")
        found.append(f'"{iri}"')
        return found

    def _line(self, name: str, node: Node, anywhere: bool) -> int | None:
        lines, starts = self._lines(name)
        candidates = self._candidates(name, str(node))
        # First where the node starts a statement (a subject at the start of a line), then
        # anywhere.
        found = [starts[c] for c in candidates if c in starts]
        if found:
            return min(found)
        if anywhere:
            for number, text in enumerate(lines, start=1):
                if any(candidate in text for candidate in candidates):
                    return number
        return None

    def triple_line(self, name: str, focus: Node, path: Node | None, value: Node | None
                    ) -> int | None:
        """The line of the offending statement (focus, path, value) in ``name``, where the
        file shows it: within the statements about ``focus``, the first line naming the
        path and the value, else the path alone. None when there is no such statement (a
        missing property) or it cannot be told."""
        if not isinstance(path, URIRef) or isinstance(focus, BNode):
            return None
        subjects = self._candidates(name, str(focus))
        predicates = self._candidates(name, str(path)) + (["a"] if path == _RDF_TYPE_IRI else [])
        if isinstance(value, URIRef):
            values = self._candidates(name, str(value))
        elif isinstance(value, Literal):
            values = [str(value)[:40]] if str(value) else []
        else:
            values = []
        statements = self._statements(name, subjects)
        if not statements:
            return None
        return _offending_line(statements, tuple(predicates), values)

    def forget_statements(self) -> None:
        """Let the statement blocks found for :meth:`triple_line` go (every result has its
        line)."""
        self._blocks.clear()

    def _statements(self, name: str, subjects: list[str]) -> list[tuple[int, str]]:
        """The statements ``subjects`` (one node's spellings) start in ``name``, each as its
        first line's number and its text. Where they are is found once per node, whose
        findings come one per check; the text is sliced again each time (kept, a large
        catalogue's statements would hold a copy of most of its text while the checks run)."""
        key = (name, subjects[0])
        lines, _ = self._lines(name)
        spans = self._blocks.get(key)
        if spans is None:
            spans = []
            for start in sorted({n for token in subjects for n in self._starting(name, token)}):
                spans.append((start, _statement_end(lines, start)))
            self._blocks[key] = spans
        return [(start, _stretch(lines, start - 1, end)) for start, end in spans]

    def title(self, node: Node) -> str:
        try:
            subject = to_ox(node)
        except TypeError:
            subject = None
        best = None
        if self._titles is not None:
            best = self._titles.get(subject)
        elif isinstance(subject, (ox.NamedNode, ox.BlankNode)):
            best = self._best_titles(
                self.store.quads_for_pattern(subject, _DCT_TITLE, None, DATA)).get(subject)
        if best is not None and best[2]:
            # Two titles in the chosen language: the one pick_text picks.
            text = pick_text(self.view.objects(node, DCTERMS.title, [DATA]), self.lang)
        else:
            text = best[1] if best is not None else None
        if text:
            return text
        others = tuple(p for p in NAME_PREDICATES if p != DCTERMS.title)  # the title came first
        found = name_of(lambda s, p: self.view.objects(s, p, [DATA]), node, self.lang, others)
        return found.value if found is not None else compact(self.view.names, node)

    def _best_titles(self, quads: Iterable[ox.Quad]) -> dict[Any, tuple[int, str, bool]]:
        """The dct:title :func:`~samhandling_kg.core.labels.pick` picks for each subject of
        ``quads`` (dct:title statements): subject → (rank of its language, text, whether
        another title has that language)."""
        ranks: dict[str, int] = {}
        for wanted in (*fallback_order(self.lang), ""):
            ranks.setdefault(wanted, len(ranks))
        best: dict[Any, tuple[int, str, bool]] = {}
        for quad in quads:
            title = quad.object
            if not isinstance(title, ox.Literal):
                continue
            rank = ranks.get((title.language or "").lower())
            if rank is None:
                continue
            known = best.get(quad.subject)
            if known is None or rank < known[0]:
                best[quad.subject] = (rank, title.value, False)
            elif rank == known[0]:
                best[quad.subject] = (rank, known[1], True)
        return best

    def prepare(self) -> None:
        """The record of every solution (title, file, line): what the report needs whatever
        the findings, found ahead (while the checks run)."""
        # Every solution's title in one pass: a catalogue's records are looked up by the
        # thousand (without prepare, a record's titles are read when it is).
        self._titles = self._best_titles(self.store.quads_for_pattern(None, _DCT_TITLE, None, DATA))
        for node in self.solutions:
            self._record(node_text(node), node)

    def _record(self, text: str, node: Node) -> Record:
        if text not in self._records:
            file, line = self.where(node)
            kind = "solution" if self.is_solution(node) else "concept"
            self._records[text] = Record(text, self.title(node), kind, file, line)
        return self._records[text]

    def records(self, extra: Iterable[str], *, every: bool = True) -> list[Record]:
        """The records of the report, in its order: those of ``extra`` (the results' records),
        and (``every``) every solution of the data."""
        nodes: dict[str, Node] = {node_text(n): n for n in self.solutions} if every else {}
        for text in extra:
            if text not in nodes:
                if not text.startswith("_:") and not _is_valid_uri(text):
                    continue  # a literal focus node (--profile none) is no record
                node: Node = BNode(text[2:]) if text.startswith("_:") else URIRef(text)
                if self.given.is_data_subject(node) or node in self.given.refused:
                    nodes[text] = node
        records = [self._record(text, node) for text, node in nodes.items()]
        file_order = {name: index for index, name in enumerate(self.files)}
        records.sort(key=lambda r: (file_order.get(r.file or "", len(file_order)), r.line or 0,
                                    r.kind != "solution", r.title.lower(), r.node))
        return records

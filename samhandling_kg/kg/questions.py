"""The competency questions: ``queries/*.rq`` files with a header of comment lines.

Header lines, before the query text::

    # id: cq03-technical-forms-for-organisational-form
    # nb: Hvilke tekniske samhandlingsformer støtter en gitt organisatorisk samhandlingsform?
    # nn: Kva tekniske samhandlingsformer støttar ei gitt organisatorisk samhandlingsform?
    # en: Which technical forms support a given organisational form?
    # param: form iri sam:SendAndReceive -- the organisational form
    # label form@nb: Organisatorisk samhandlingsform
    # label form@nn: Organisatorisk samhandlingsform
    # label form@en: Organisational form
    # data: required -- the question reads solution descriptions given with --data

``param`` is ``NAME KIND [DEFAULT] [-- description]`` with KIND ``iri`` or ``literal``;
``iri[CLASS]`` asks for an instance of CLASS (checked against the graph queried) and
``literal[a|b|c]`` for one of the listed values. Values are bound to ``?NAME`` as RDF terms,
never pasted into the query text.

``label NAME@LANG: TEXT`` names a parameter or a result column (the variable ``?NAME``) for a
reader of LANG (nb, nn, en): the query page's fields and column headings, the table of
``samhandling query`` and the ``questions`` listing show these. Each competency question labels
every parameter and every result column in all three languages (a test holds them to it).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal as TypingLiteral

from rdflib import Literal, URIRef
from rdflib.term import Identifier, Node

from samhandling_kg.core import resources
from samhandling_kg.core.errors import InputError, QueryError
from samhandling_kg.core.terms import (
    ABSOLUTE_IRI,
    DEFAULT_LANGUAGE,
    IRI_FORBIDDEN,
    LANGUAGES,
    PREFIXES,
)
from samhandling_kg.io.rdf import decode_text, read_bytes
from samhandling_kg.sparql.guard import check_read_query
from samhandling_kg.sparql.results import QueryKind

#: The parameter a question's answer language is bound to; ``--lang`` sets its default.
LANGUAGE_PARAMETER = "lang"
_HEADER = re.compile(r"^#\s*(id|nb|nn|en|param|data)\s*:\s*(.*?)\s*$")
_LABEL = re.compile(r"^#\s*label\s+(\w+)@([a-z]{2})\s*:\s*(.*?)\s*$")
_PARAM = re.compile(r"^(\w+)\s+(iri|literal)(?:\[([^\]]+)\])?(?:\s+(.+?))?\s*(?:--\s*(.*))?$")


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: TypingLiteral["iri", "literal"]
    default: str | None
    description: str
    #: ``iri[CLASS]``: the class a value must be an instance of.
    of_class: URIRef | None = None
    #: ``literal[a|b]``: the values allowed.
    choices: tuple[str, ...] = ()

    def term(self, value: str, prefixes: Mapping[str, str]) -> Node:
        """The RDF term for a value given on the command line or in the API."""
        if self.kind == "literal":
            if self.choices and value not in self.choices:
                folded = [c for c in self.choices if c.lower() == value.strip().lower()]
                hint = f" (did you mean {folded[0]}?)" if folded else ""
                raise QueryError(f"parameter '{self.name}' is one of {', '.join(self.choices)}, "
                                 f"not {value!r}{hint}")
            return Literal(value)
        try:
            return expand_iri(value, prefixes)
        except QueryError as exc:
            # A bare name such as CompareFastingGlucose most likely means a term of the class
            # the parameter asks for: suggest the prefixed form.
            if re.fullmatch(r"[A-Za-z_][\w.-]*", value.strip()) and self.of_class is not None:
                for prefix, namespace in prefixes.items():
                    if str(self.of_class).startswith(namespace):
                        raise QueryError(f"{exc} (did you mean {prefix}:{value.strip()}?)") from None
            raise


@dataclass(frozen=True)
class Question:
    id: str
    path: Path
    text: Mapping[str, str]
    parameters: tuple[Parameter, ...]
    needs_data: bool
    query: str
    kind: QueryKind
    prefixes: Mapping[str, str]
    #: ``label NAME@LANG`` lines: the reader's names of parameters and result columns.
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def label(self, name: str, lang: str = DEFAULT_LANGUAGE) -> str:
        """A parameter's or result column's name for a reader of ``lang`` (the other Norwegian,
        then English, when the file lacks it; the variable's own name when it has none)."""
        texts = self.labels.get(name, {})
        others = {"nb": ("nn", "en"), "nn": ("nb", "en"), "en": ("nb", "nn")}.get(lang, ())
        for candidate in (lang, *others):
            if texts.get(candidate):
                return texts[candidate]
        return name

    def title(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.text.get(lang) or self.text.get("en") or self.id

    def defaults(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
        """The values the question is answered with when none are given, for a reader of
        ``lang``: the header's defaults, with ``lang`` for a ``lang`` parameter that takes it
        (the ``--lang`` of ``questions``/``query``, and the site's pages)."""
        values = {p.name: p.default for p in self.parameters if p.default is not None}
        for parameter in self.parameters:
            if parameter.name == LANGUAGE_PARAMETER and lang in parameter.choices:
                values[parameter.name] = lang
        return values

    def bindings(self, values: Mapping[str, str | Node] | None = None) -> dict[str, Node]:
        """Terms for every parameter: given values, else defaults. Unknown names are errors."""
        values = dict(values or {})
        known = {p.name for p in self.parameters}
        unknown = sorted(set(values) - known)
        if unknown:
            allowed = ", ".join(sorted(known)) or "none"
            raise QueryError(f"{self.id}: unknown parameter {', '.join(unknown)} (parameters: {allowed})")
        bound: dict[str, Node] = {}
        for parameter in self.parameters:
            value = values.get(parameter.name, parameter.default)
            if value is None:
                raise QueryError(f"{self.id}: parameter '{parameter.name}' needs a value ({parameter.description})")
            if not isinstance(value, Identifier):  # text (rdflib's terms are str too)
                try:
                    bound[parameter.name] = parameter.term(str(value), self.prefixes)
                except QueryError as exc:
                    raise QueryError(f"{self.id}: {exc}") from None
            elif parameter.kind == "iri" and not isinstance(value, URIRef):
                raise QueryError(f"{self.id}: parameter '{parameter.name}' wants an IRI, not {value!r}")
            else:
                bound[parameter.name] = value
        return bound


def expand_iri(value: str, prefixes: Mapping[str, str]) -> URIRef:
    """``sam:X``, ``<https://…>`` or ``https://…`` as an IRI; anything else is a QueryError."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    prefix, colon, local = text.partition(":")
    if colon and prefix in prefixes and not local.startswith("//"):
        if not local:
            raise QueryError(f"not an IRI of a term: {value!r} names a namespace")
        text = prefixes[prefix] + local
    if not ABSOLUTE_IRI.match(text) or IRI_FORBIDDEN.search(text):
        raise QueryError(f"not an IRI or known prefixed name: {value!r}")
    return URIRef(text)


def parse_question(path: str | Path, *, require_header: bool = True) -> Question:
    """Read a ``.rq`` file. Competency questions need the full header; a user's own query
    file (``require_header=False``) needs none and takes its file name as id."""
    path = Path(path)
    text = decode_text(read_bytes(path), path)
    fields: dict[str, list[str]] = {}
    labels: dict[str, dict[str, str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        match = _HEADER.match(line.strip())
        if match:
            fields.setdefault(match.group(1), []).append(match.group(2))
            continue
        match = _LABEL.match(line.strip())
        if match:
            name, lang, label = match.groups()
            if lang not in LANGUAGES:
                raise InputError(path, f"label {name}@{lang}: the language is one of {', '.join(LANGUAGES)}",
                                 line=number)
            if lang in labels.get(name, {}):
                raise InputError(path, f"label {name}@{lang} is given twice", line=number)
            labels.setdefault(name, {})[lang] = label
    qid = (fields.get("id") or [path.stem])[0]
    if require_header:
        missing = [f for f in ("id", *LANGUAGES) if f not in fields]
        if missing:
            raise InputError(path, f"question header lacks {', '.join(missing)}", line=1)
        if qid != path.stem:
            raise InputError(path, f"id '{qid}' differs from the file name", line=1)
    prefixes = {**PREFIXES, **dict(re.findall(r"(?im)^\s*PREFIX\s+([\w-]*):\s*<([^>]*)>", text))}
    parameters = []
    for spec in fields.get("param", []):
        match = _PARAM.match(spec)
        if not match:
            raise InputError(path, f"bad param line {spec!r}: want NAME iri|literal [DEFAULT] [-- text]")
        name, kind, restriction, default, description = match.groups()
        if default is not None and default.startswith('"') and default.endswith('"'):
            default = default[1:-1]
        of_class, choices = None, ()
        if restriction and kind == "iri":
            try:
                of_class = expand_iri(restriction, prefixes)
            except QueryError as exc:
                raise InputError(path, f"param {name}: {exc}") from None
        elif restriction:
            choices = tuple(restriction.split("|"))
        parameters.append(Parameter(name, kind, default, description or "", of_class, choices))  # type: ignore[arg-type]
    _, kind = check_read_query(text, str(path))
    return Question(
        id=qid,
        path=path,
        text={lang: fields[lang][0] for lang in LANGUAGES if lang in fields},
        parameters=tuple(parameters),
        needs_data=(fields.get("data") or [""])[0].startswith("required"),
        query=text,
        kind=kind,
        prefixes=prefixes,
        labels=labels,
    )


@cache
def _catalogue() -> dict[str, Question]:
    questions = [parse_question(p) for p in resources.query_paths()]
    return {q.id: q for q in questions}


@cache
def _question_paths() -> dict[str, Path]:
    return {p.stem: p for p in resources.query_paths()}


def _one_question(qid: str) -> Question | None:
    """The competency question ``qid`` parsed alone: asking one question does not pay for
    parsing all of them (the file name is the id, which :func:`parse_question` checks). Only
    the shipped questions are kept: asking for any number of unknown ids keeps nothing."""
    path = _question_paths().get(qid)
    if path is None:
        return None
    if _catalogue.cache_info().currsize:
        return _catalogue().get(qid)
    return _parsed(path)


@cache
def _parsed(path: Path) -> Question:
    return parse_question(path)


def list_questions() -> list[Question]:
    """All competency questions, ordered by id."""
    return [q for _, q in sorted(_catalogue().items())]


def get_question(qid: str) -> Question:
    question = _one_question(qid)
    if question is not None:
        return question
    # (An id far longer than any question's is no misspelling of one: not compared.)
    close = difflib.get_close_matches(qid, list(_catalogue()), n=1, cutoff=0.8) if len(qid) < 200 else []
    hint = f"did you mean {close[0]}? " if close else ""
    raise QueryError(f"unknown question '{qid}'; {hint}'samhandling questions' lists them")


def resolve_query(name: str) -> Question:
    """A question id, or the path of a ``.rq`` file of the user's."""
    question = _one_question(name)
    if question is not None:
        return question
    if name.endswith(".rq") or "/" in name or Path(name).exists():
        return parse_question(name, require_header=False)
    return get_question(name)

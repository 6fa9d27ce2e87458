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
from samhandling_kg.core.errors import QueryError, input_error, localised
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
                raise localised(QueryError, {
                    "nb": "parameteren «{name}» tar en av verdiene {choices}, ikke «{value}»{hint}",
                    "nn": "parameteren «{name}» tek ein av verdiane {choices}, ikkje «{value}»{hint}",
                    "en": "parameter '{name}' is one of {choices}, not {value_repr}{hint}"},
                    name=self.name, choices=", ".join(self.choices), value=value, value_repr=repr(value),
                    hint=_did_you_mean(folded[0]) if folded else "")
            return Literal(value)
        try:
            return expand_iri(value, prefixes)
        except QueryError as exc:
            # A bare name such as CompareFastingGlucose most likely means a term of the class
            # the parameter asks for: suggest the prefixed form.
            if re.fullmatch(r"[A-Za-z_][\w.-]*", value.strip()) and self.of_class is not None:
                for prefix, namespace in prefixes.items():
                    if str(self.of_class).startswith(namespace):
                        raise localised(QueryError, dict.fromkeys(("nb", "nn", "en"), "{exc}{hint}"),
                                        exc=exc, hint=_did_you_mean(f"{prefix}:{value.strip()}")) from None
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
            allowed = ", ".join(sorted(known))
            raise localised(QueryError, {
                "nb": "{id}: ukjent parameter {unknown} (parametere: {nb})",
                "nn": "{id}: ukjend parameter {unknown} (parametrar: {nn})",
                "en": "{id}: unknown parameter {unknown} (parameters: {en})"},
                id=self.id, unknown=", ".join(unknown), nb=allowed or "ingen", nn=allowed or "ingen",
                en=allowed or "none")
        bound: dict[str, Node] = {}
        for parameter in self.parameters:
            value = values.get(parameter.name, parameter.default)
            if value is None:
                raise localised(QueryError, {
                    "nb": "{id}: parameteren «{name}» må ha en verdi ({nb})",
                    "nn": "{id}: parameteren «{name}» må ha ein verdi ({nn})",
                    "en": "{id}: parameter '{name}' needs a value ({en})"},
                    id=self.id, name=parameter.name, en=parameter.description,
                    nb=self.label(parameter.name, "nb"), nn=self.label(parameter.name, "nn"))
            if not isinstance(value, Identifier):  # text (rdflib's terms are str too)
                try:
                    bound[parameter.name] = parameter.term(str(value), self.prefixes)
                except QueryError as exc:
                    raise localised(QueryError, dict.fromkeys(("nb", "nn", "en"), "{id}: {exc}"),
                                    id=self.id, exc=exc) from None
            elif parameter.kind == "iri" and not isinstance(value, URIRef):
                raise localised(QueryError, {
                    "nb": "{id}: parameteren «{name}» skal ha en IRI, ikke «{value}»",
                    "nn": "{id}: parameteren «{name}» skal ha ein IRI, ikkje «{value}»",
                    "en": "{id}: parameter '{name}' wants an IRI, not {value_repr}"},
                    id=self.id, name=parameter.name, value=value, value_repr=repr(value))
            else:
                bound[parameter.name] = value
        return bound


def _did_you_mean(name: str) -> dict[str, str]:
    """`` (did you mean NAME?)`` in nb, nn and en."""
    return {"nb": f" (mente du {name}?)", "nn": f" (meinte du {name}?)", "en": f" (did you mean {name}?)"}


def expand_iri(value: str, prefixes: Mapping[str, str]) -> URIRef:
    """``sam:X``, ``<https://…>`` or ``https://…`` as an IRI; anything else is a QueryError."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    prefix, colon, local = text.partition(":")
    if colon and prefix in prefixes and not local.startswith("//"):
        if not local:
            raise localised(QueryError, {
                "nb": "ikke IRI-en til et begrep: «{value}» er et navnerom",
                "nn": "ikkje IRI-en til eit omgrep: «{value}» er eit namnerom",
                "en": "not an IRI of a term: {value_repr} names a namespace"},
                value=value, value_repr=repr(value))
        text = prefixes[prefix] + local
    if not ABSOLUTE_IRI.match(text) or IRI_FORBIDDEN.search(text):
        raise localised(QueryError, {
            "nb": "verken en IRI eller et kjent prefiksnavn: «{value}»",
            "nn": "verken ein IRI eller eit kjent prefiksnamn: «{value}»",
            "en": "not an IRI or known prefixed name: {value_repr}"}, value=value, value_repr=repr(value))
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
                raise input_error(path, {"nb": "label {label}: språket er ett av {known}",
                                         "nn": "label {label}: språket er eitt av {known}",
                                         "en": "label {label}: the language is one of {known}"},
                                  number, label=f"{name}@{lang}", known=", ".join(LANGUAGES))
            if lang in labels.get(name, {}):
                raise input_error(path, {"nb": "label {label} er gitt to ganger",
                                         "nn": "label {label} er gjeven to gonger",
                                         "en": "label {label} is given twice"}, number, label=f"{name}@{lang}")
            labels.setdefault(name, {})[lang] = label
    qid = (fields.get("id") or [path.stem])[0]
    if require_header:
        missing = [f for f in ("id", *LANGUAGES) if f not in fields]
        if missing:
            raise input_error(path, {"nb": "spørsmålshodet mangler {missing}",
                                     "nn": "spørsmålshovudet manglar {missing}",
                                     "en": "question header lacks {missing}"}, 1, missing=", ".join(missing))
        if qid != path.stem:
            raise input_error(path, {"nb": "id «{id}» er ikke det samme som filnavnet",
                                     "nn": "id «{id}» er ikkje det same som filnamnet",
                                     "en": "id '{id}' differs from the file name"}, 1, id=qid)
    prefixes = {**PREFIXES, **dict(re.findall(r"(?im)^\s*PREFIX\s+([\w-]*):\s*<([^>]*)>", text))}
    parameters = []
    for spec in fields.get("param", []):
        match = _PARAM.match(spec)
        if not match:
            raise input_error(path, {
                "nb": "ugyldig param-linje «{spec}»: skriv NAME iri|literal [DEFAULT] [-- tekst]",
                "nn": "ugyldig param-linje «{spec}»: skriv NAME iri|literal [DEFAULT] [-- tekst]",
                "en": "bad param line {spec_repr}: want NAME iri|literal [DEFAULT] [-- text]"},
                spec=spec, spec_repr=repr(spec))
        name, kind, restriction, default, description = match.groups()
        if default is not None and default.startswith('"') and default.endswith('"'):
            default = default[1:-1]
        of_class, choices = None, ()
        if restriction and kind == "iri":
            try:
                of_class = expand_iri(restriction, prefixes)
            except QueryError as exc:
                raise input_error(path, dict.fromkeys(("nb", "nn", "en"), "param {name}: {exc}"),
                                  name=name, exc=exc) from None
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
    hints = ({"nb": f"mente du {close[0]}? ", "nn": f"meinte du {close[0]}? ", "en": f"did you mean {close[0]}? "}
             if close else {"nb": "", "nn": "", "en": ""})
    raise localised(QueryError, {
        "nb": "ukjent spørsmål «{qid}»; {hint}«samhandling questions» viser dem",
        "nn": "ukjend spørsmål «{qid}»; {hint}«samhandling questions» viser dei",
        "en": "unknown question '{qid}'; {hint}'samhandling questions' lists them"}, qid=qid, hint=hints)


def resolve_query(name: str) -> Question:
    """A question id, or the path of a ``.rq`` file of the user's."""
    question = _one_question(name)
    if question is not None:
        return question
    if name.endswith(".rq") or "/" in name or Path(name).exists():
        return parse_question(name, require_header=False)
    return get_question(name)

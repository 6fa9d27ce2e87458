"""The validation report: severities, results, records, the report, engine findings."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode
from rdflib.term import Node

from samhandling_kg.core.errors import SamhandlingError, localised
from samhandling_kg.core.terms import DEFAULT_LANGUAGE


class Severity(str, enum.Enum):
    """The SHACL severities, in the order of the profile levels."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @property
    def rank(self) -> int:
        """0 for Violation (most severe), 2 for Info."""
        return _RANK[self]

    @property
    def level(self) -> str:
        """The profile level: mandatory, recommended or optional."""
        return _LEVEL[self]

    @classmethod
    def parse(cls, text: str | Severity) -> Severity:
        """``violation``/``Violation``/``sh:Violation`` → :attr:`VIOLATION` (etc.)."""
        if isinstance(text, Severity):
            return text
        name = str(text).rsplit("#", 1)[-1].rsplit(":", 1)[-1].strip().capitalize()
        try:
            return cls(name)
        except ValueError:
            known = ", ".join(s.value.lower() for s in cls)
            raise localised(SamhandlingError, {
                "nb": "ukjent alvorlighetsgrad «{text}»; kjente grader: {known}",
                "nn": "ukjend alvorsgrad «{text}»; kjende gradar: {known}",
                "en": "unknown severity {text_repr}; known: {known}"},
                text=text, text_repr=repr(text), known=known) from None


_RANK = {Severity.VIOLATION: 0, Severity.WARNING: 1, Severity.INFO: 2}
_LEVEL = {Severity.VIOLATION: "mandatory", Severity.WARNING: "recommended", Severity.INFO: "optional"}


@dataclass(frozen=True)
class ValidationResult:
    """One finding. The first seven fields are the contract's JSON object."""

    severity: Severity
    focus_node: str
    path: str | None
    value: str | None
    message: str
    source_shape: str
    constraint_component: str
    #: The record (solution, or a need or form declared by the user) the finding belongs to.
    record: str
    #: The file the record was read from and the line where it starts, where known.
    file: str | None = None
    line: int | None = None
    # The RDF terms behind the strings, for the Turtle report.
    focus_term: Node | None = field(default=None, repr=False, compare=False)
    path_term: Node | None = field(default=None, repr=False, compare=False)
    value_term: Node | None = field(default=None, repr=False, compare=False)
    #: The severity as the shape gives it (a custom severity counts as a violation).
    severity_term: Node | None = field(default=None, repr=False, compare=False)
    #: The structure of a complex result path (the triples under :attr:`path_term`).
    path_structure: tuple[tuple[Node, Node, Node], ...] = field(default=(), repr=False,
                                                                compare=False)
    #: The SHACL-SPARQL constraint that fired (sh:sourceConstraint: a node shape may hold
    #: several), as :attr:`source_shape` is written; None for any other finding.
    source_constraint: str | None = field(default=None, repr=False, compare=False)

    def as_json(self) -> dict[str, object]:
        """The object the public contract fixes for ``--format json``."""
        return {
            "severity": self.severity.value,
            "focus_node": self.focus_node,
            "path": self.path,
            "value": self.value,
            "message": self.message,
            "source_shape": self.source_shape,
            "constraint_component": self.constraint_component,
        }


@dataclass(frozen=True)
class Record:
    """A described thing the report is grouped by: a solution, or a need or form the user
    declared in their own file."""

    node: str
    title: str
    kind: str  # "solution" or "concept"
    file: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`. Never holds the data or the ontology."""

    results: tuple[ValidationResult, ...]
    records: tuple[Record, ...]
    files: tuple[str, ...]
    lang: str = DEFAULT_LANGUAGE
    fail_on: Severity = Severity.VIOLATION

    @property
    def conforms(self) -> bool:
        """True when no finding is at or above the ``fail_on`` level (what the exit status
        says)."""
        return not any(r.severity.rank <= self.fail_on.rank for r in self.results)

    @property
    def shacl_conforms(self) -> bool:
        """The SHACL meaning of conformance: no finding at all, whatever its severity."""
        return not self.results

    def count(self, severity: Severity | str) -> int:
        wanted = Severity.parse(severity)
        return sum(1 for r in self.results if r.severity is wanted)

    def for_record(self, record: Record | str) -> tuple[ValidationResult, ...]:
        node = record.node if isinstance(record, Record) else record
        return tuple(r for r in self.results if r.record == node)

    def failing(self) -> tuple[ValidationResult, ...]:
        """The findings at or above the ``fail_on`` level."""
        return tuple(r for r in self.results if r.severity.rank <= self.fail_on.rank)


@dataclass(frozen=True)
class Finding:
    """What an engine reports: the SHACL result's terms, before messages and locations."""

    focus: Node
    path: Node | None
    value: Node | None
    shape: Node | None
    component: Node | None
    severity: Severity
    #: The shape's own severity term (kept for a custom severity), and the structure of a
    #: complex path.
    severity_term: Node | None = field(default=None, compare=False)
    path_triples: tuple[tuple[Node, Node, Node], ...] = field(default=(), compare=False)
    #: The SHACL-SPARQL constraint behind the finding (sh:sourceConstraint), and what the
    #: engine gives for its message: the compiled engine the solution's bindings of the
    #: SELECT's other variables, pySHACL its own sh:resultMessage values.
    constraint: Node | None = field(default=None, compare=False)
    bindings: tuple[tuple[str, Node], ...] = field(default=(), compare=False)
    messages: tuple[Node, ...] = field(default=(), compare=False)


def severity_of(term: Node | str | None) -> Severity:
    """The severity level of a shape's sh:severity: sh:Violation, sh:Warning, sh:Info, and
    any other (a custom severity: SHACL allows any IRI) or none as a violation."""
    text = str(term)
    if text.startswith("http://www.w3.org/ns/shacl#") and text[len("http://www.w3.org/ns/shacl#"):] in (
            "Violation", "Warning", "Info"):
        return Severity.parse(text)
    return Severity.VIOLATION


Triple = tuple[Node, Node, Node]


def node_text(node: Node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


DATA = ox.NamedNode("urn:x-samhandling:data")


BACKGROUND = ox.NamedNode("urn:x-samhandling:background")


DATA_AND_BACKGROUND = [DATA, BACKGROUND]

#: The data as SPARQL reads it (literals by value), beside :data:`DATA` when that holds
#: literals in their written form (:mod:`samhandling_kg.validation.compiler.literals`): what
#: SHACL-SPARQL constraints query.
DATA_BY_VALUE = ox.NamedNode("urn:x-samhandling:data-by-value")

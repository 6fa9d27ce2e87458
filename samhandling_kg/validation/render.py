"""Writing a :class:`~samhandling_kg.validation.model.ValidationReport` as text, JSON, Turtle,
SARIF 2.1.0 or JUnit XML."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import (
    RDF,
    SH,  # closed: a misspelt SHACL term fails at once
    XSD,
)

from samhandling_kg.core.errors import printable
from samhandling_kg.core.namespace import SAMSH
from samhandling_kg.core.terms import PREFIXES, shorten
from samhandling_kg.core.version import __version__
from samhandling_kg.kg.graph import bind_prefixes
from samhandling_kg.validation.model import Severity, ValidationReport, ValidationResult
from samhandling_kg.validation.profile_docs import profile_rows

FORMATS: tuple[str, ...] = ("text", "json", "turtle", "sarif", "junit")
#: The formats that list every record, with findings or not (the others need only the
#: records of the results: ``validate(..., every_record=False)``).
LIST_EVERY_RECORD: frozenset[str] = frozenset({"text", "junit"})

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "Violation": "Violation", "Warning": "Warning", "Info": "Info",
        "violations": "violations", "warnings": "warnings", "infos": "infos",
        "violation": "violation", "warning": "warning", "info": "info",
        "records": "records", "record": "record", "ok": "no findings",
        "conforms": "conforms", "fails": "does not conform",
        "fail_on": "fail-on", "value": "value", "none": "No solution descriptions (sam:Solution) found.",
        "file": "file",
    },
    "nb": {
        "Violation": "Brudd", "Warning": "Advarsel", "Info": "Merknad",
        "violations": "brudd", "warnings": "advarsler", "infos": "merknader",
        "violation": "brudd", "warning": "advarsel", "info": "merknad",
        "records": "poster", "record": "post", "ok": "ingen funn",
        "conforms": "godkjent", "fails": "ikke godkjent",
        "fail_on": "feiler på", "value": "verdi",
        "none": "Fant ingen beskrivelser av samhandlingsløsninger (sam:Solution).",
        "file": "fil",
    },
    "nn": {
        "Violation": "Brot", "Warning": "Åtvaring", "Info": "Merknad",
        "violations": "brot", "warnings": "åtvaringar", "infos": "merknader",
        "violation": "brot", "warning": "åtvaring", "info": "merknad",
        "records": "postar", "record": "post", "ok": "ingen funn",
        "conforms": "godkjend", "fails": "ikkje godkjend",
        "fail_on": "feilar på", "value": "verdi",
        "none": "Fann ingen skildringar av samhandlingsløysingar (sam:Solution).",
        "file": "fil",
    },
}
_MARK = {Severity.VIOLATION: "✗", Severity.WARNING: "!", Severity.INFO: "i"}


def render(report: ValidationReport, fmt: str) -> str:
    """The report in one of :data:`FORMATS`."""
    return "".join(pieces(report, fmt))


def pieces(report: ValidationReport, fmt: str) -> Iterator[str]:
    """The report in one of :data:`FORMATS`, a piece at a time: what the command writes, so
    that a large report's JSON (tens of MB for a national catalogue) is never one string
    beside its results."""
    if fmt == "json":
        yield from _json_pieces(report)
        return
    writers: dict[str, Callable[[ValidationReport], str]] = {
        "text": to_text, "turtle": to_turtle, "sarif": to_sarif, "junit": to_junit,
    }
    yield writers[fmt](report)


# --- text ------------------------------------------------------------------------------


def _counted(number: int, singular: str, words: dict[str, str]) -> str:
    """``1 record``, ``2 records``: the word in the report's language and number."""
    return f"{number} {words[singular] if number == 1 else words[singular + 's']}"


def summary_line(report: ValidationReport) -> str:
    words = _WORDS[report.lang]
    verdict = words["conforms"] if report.conforms else words["fails"]
    # English keeps the option's own spelling (``--fail-on violation``); nb and nn name the level
    # in their own words.
    level = report.fail_on.value.lower()
    shown_level = level if report.lang == "en" else words[level]
    return (
        f"{_counted(len(report.records), 'record', words)}, "
        f"{_counted(report.count(Severity.VIOLATION), 'violation', words)}, "
        f"{_counted(report.count(Severity.WARNING), 'warning', words)}, "
        f"{_counted(report.count(Severity.INFO), 'info', words)} — {verdict} "
        f"({words['fail_on']} {shown_level})"
    )


def to_text(report: ValidationReport) -> str:
    """Grouped by record with its title, in the report's language, ending with a summary.
    Every string that comes from the data (titles, IRIs, file names, messages holding values)
    goes through :func:`~samhandling_kg.core.errors.printable`: control characters are shown as
    escapes, never sent to the terminal."""
    words = _WORDS[report.lang]
    out: list[str] = []
    grouped = {record.node for record in report.records}
    loose = [r for r in report.results if r.record not in grouped]
    if not report.records and not loose:
        out.append(words["none"])
        out.append("")
    for result in loose:  # a focus node that is no record (a literal, with --profile none)
        prop = f" [{printable(_short(result.path))}]" if result.path else ""
        out.append(f"{printable(result.focus_node)}")
        out.append(f"  {_MARK[result.severity]} {words[result.severity.value]}{prop}: "
                   f"{printable(result.message)}")
        out.append("")
    for record in report.records:
        where = ""
        if record.file:
            where = f"  [{printable(record.file)}{':' + str(record.line) if record.line else ''}]"
        out.append(f"{printable(record.title)}{where}")
        out.append(f"  {printable(record.node)}")
        findings = report.for_record(record)
        if not findings:
            out.append(f"  ✓ {words['ok']}")
        for result in findings:
            prop = f" [{printable(_short(result.path))}]" if result.path else ""
            out.append(f"  {_MARK[result.severity]} {words[result.severity.value]}{prop}: "
                       f"{printable(result.message)}")
            if result.focus_node != record.node:
                out.append(f"      ↳ {printable(result.focus_node)}")
        out.append("")
    out.append(summary_line(report))
    return "\n".join(out) + "\n"


#: The report's short names: the project's prefixes, and DCAT-AP's for applicableLegislation.
_REPORT_PREFIXES = {**PREFIXES, "dcatap": "http://data.europa.eu/r5r/"}


def _short(iri: str) -> str:
    return shorten(iri, _REPORT_PREFIXES)


# --- JSON --------------------------------------------------------------------------------


def to_json(report: ValidationReport) -> str:
    """The contract's object; ``conforms`` follows ``--fail-on`` like the exit status.
    Written as ``json.dumps(..., ensure_ascii=False, indent=2)`` writes it, but with the C
    string encoder on each value: with ``indent`` the json module writes in Python, a second
    per thousand findings."""
    return "".join(_json_pieces(report))


def _json_pieces(report: ValidationReport, batch: int = 1000) -> Iterator[str]:
    """:func:`to_json`'s text, ``batch`` results a piece."""
    yield f'{{\n  "conforms": {"true" if report.conforms else "false"},\n  "results": '
    results = report.results
    if not results:
        yield "[]\n}\n"
        return
    for start in range(0, len(results), batch):
        objects = ",\n".join(_json_object(r.as_json()) for r in results[start:start + batch])
        yield ("[\n" if start == 0 else ",\n") + objects
    yield "\n  ]\n}\n"


def _json_object(fields: dict[str, object]) -> str:
    """One result (strings and nulls only) as ``json.dumps`` indents it at depth 2."""
    lines = []
    for key, value in fields.items():
        if value is not None and not isinstance(value, str):
            return _indented(json.dumps(fields, ensure_ascii=False, indent=2))
        shown = "null" if value is None else _encode(value)
        lines.append(f"      {_encode(key)}: {shown}")
    return "    {\n" + ",\n".join(lines) + "\n    }" if lines else "    {}"


def _indented(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


#: The encoder json.dumps uses for strings with ensure_ascii=False.
_encode: Callable[[str], str] = json.encoder.encode_basestring


# --- Turtle (standard SHACL validation report) --------------------------------------------


class _WrittenLiteral(Literal):
    """A literal Turtle writes as ``"lexical"^^datatype`` always: rdflib's short forms of
    numbers and booleans rewrite the lexical form (``"1.0"^^xsd:double`` as ``1e+00``) or
    write an ill-typed one as no Turtle at all (``"none"^^xsd:boolean`` as ``none``)."""

    def _literal_n3(self, use_plain: bool = False, qname_callback: Any = None) -> str:
        return super()._literal_n3(False, qname_callback)


def _as_written(term: Any) -> Any:
    if isinstance(term, Literal) and term.datatype is not None and not term.language:
        return _WrittenLiteral(str(term), datatype=term.datatype, normalize=False)
    return term


def to_turtle(report: ValidationReport) -> str:
    """A standard ``sh:ValidationReport``; ``sh:conforms`` has its SHACL meaning (no result
    at all). Messages are in the report's language."""
    graph = bind_prefixes(Graph())
    graph.bind("samsh", str(SAMSH))
    root = BNode("report")
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(report.shacl_conforms, datatype=XSD.boolean)))
    for index, result in enumerate(report.results):
        node = BNode(f"result{index}")
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        severity = result.severity_term if result.severity_term is not None \
            else SH[result.severity.value]
        graph.add((node, SH.resultSeverity, severity))
        focus = result.focus_term if result.focus_term is not None else URIRef(result.focus_node)
        graph.add((node, SH.focusNode, _as_written(focus)))
        if result.path_term is not None:
            graph.add((node, SH.resultPath, result.path_term))
            for triple in result.path_structure:  # a complex path as its SHACL structure
                graph.add(triple)
        if result.value_term is not None:
            graph.add((node, SH.value, _as_written(result.value_term)))
        graph.add((node, SH.resultMessage, Literal(result.message, lang=report.lang)))
        shape = result.source_shape
        graph.add((node, SH.sourceShape, BNode(shape[2:]) if shape.startswith("_:") else URIRef(shape)))
        graph.add((node, SH.sourceConstraintComponent, URIRef(result.constraint_component)))
        constraint = result.source_constraint
        if constraint is not None:  # the SHACL-SPARQL constraint behind a result
            graph.add((node, SH.sourceConstraint,
                       BNode(constraint[2:]) if constraint.startswith("_:") else URIRef(constraint)))
    return graph.serialize(format="longturtle")


# --- SARIF 2.1.0 ---------------------------------------------------------------------------

_SARIF_LEVEL = {Severity.VIOLATION: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _artifact_uri(file: str) -> str:
    path = Path(file)
    return path.as_uri() if path.is_absolute() else path.as_posix()


def to_sarif(report: ValidationReport) -> str:
    """SARIF 2.1.0: one rule per shape of the profile, one result per finding, located at the
    record's file and line."""
    rows = profile_rows(report.lang)
    rule_index = {row.shape: index for index, row in enumerate(rows)}
    rules = [
        {
            "id": row.shape[len(str(SAMSH)):],
            "name": row.shape[len(str(SAMSH)):],
            "shortDescription": {"text": row.name or row.shape},
            "fullDescription": {"text": row.message.replace("{?value}", "…")},
            "defaultConfiguration": {"level": _SARIF_LEVEL[row.severity]},
            "properties": {"shape": row.shape, "path": row.path, "level": row.severity.level},
        }
        for row in rows
    ]
    results = []
    for result in report.results:
        item: dict[str, object] = {
            "ruleId": _rule_id(result),
            "level": _SARIF_LEVEL[result.severity],
            "message": {"text": result.message},
            "properties": {
                "severity": result.severity.value,
                "focusNode": result.focus_node,
                "path": result.path,
                "value": result.value,
                "sourceShape": result.source_shape,
                "constraintComponent": result.constraint_component,
            },
            "logicalLocations": [{"fullyQualifiedName": result.focus_node, "kind": "object"}],
        }
        if result.source_shape in rule_index:
            item["ruleIndex"] = rule_index[result.source_shape]
        if result.file:
            physical: dict[str, object] = {"artifactLocation": {"uri": _artifact_uri(result.file)}}
            if result.line:
                physical["region"] = {"startLine": result.line}
            item["locations"] = [{"physicalLocation": physical,
                                  "logicalLocations": [{"fullyQualifiedName": result.focus_node}]}]
        results.append(item)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "samhandling validate",
                "version": __version__,
                "informationUri": "https://w3id.org/samhandling",
                "rules": rules,
            }},
            "artifacts": [{"location": {"uri": _artifact_uri(f)}} for f in report.files],
            "results": results,
            "invocations": [{"executionSuccessful": True}],
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def _rule_id(result: ValidationResult) -> str:
    shape = result.source_shape
    return shape.removeprefix(str(SAMSH))


# --- JUnit XML -----------------------------------------------------------------------------


def to_junit(report: ValidationReport) -> str:
    """JUnit XML: one test suite per file, one test case per record. Findings at or above
    ``--fail-on`` make the case fail; the others are listed in its ``system-out``.

    XML 1.0 cannot hold most control characters, not even as character references, so every
    string from the data is passed through :func:`~samhandling_kg.core.errors.printable` (the escapes
    of the text format) before it is XML-escaped: the output always parses."""
    words = _WORDS[report.lang]
    suites: dict[str, list[str]] = {}
    counts: dict[str, list[int]] = {}
    for record in report.records:
        suite = _xml_safe(record.file or "graph")
        findings = report.for_record(record)
        failing = [r for r in findings if r.severity.rank <= report.fail_on.rank]
        other = [r for r in findings if r.severity.rank > report.fail_on.rank]
        case = [f"    <testcase classname={quoteattr(suite)} name={quoteattr(_xml_safe(record.title + ' <' + record.node + '>'))}>"]
        if failing:
            worst = min(failing, key=lambda r: r.severity.rank).severity
            summary = f"{len(failing)} × {words[worst.value]}"
            case.append(f"      <failure type={quoteattr(worst.value)} message={quoteattr(summary)}>"
                        + escape("\n".join(_line(r, words) for r in failing)) + "</failure>")
        if other:
            case.append("      <system-out>" + escape("\n".join(_line(r, words) for r in other))
                        + "</system-out>")
        case.append("    </testcase>")
        suites.setdefault(suite, []).append("\n".join(case))
        tally = counts.setdefault(suite, [0, 0])
        tally[0] += 1
        tally[1] += 1 if failing else 0
    total = sum(c[0] for c in counts.values())
    failures = sum(c[1] for c in counts.values())
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name="samhandling validate" tests="{total}" failures="{failures}" errors="0">']
    for suite, cases in suites.items():
        tests, failed = counts[suite]
        out.append(f'  <testsuite name={quoteattr(suite)} tests="{tests}" failures="{failed}" errors="0" skipped="0">')
        out.extend(cases)
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


def _line(result: ValidationResult, words: dict[str, str]) -> str:
    """One finding on one line, control characters escaped (see :func:`to_junit`)."""
    prop = f" [{_short(result.path)}]" if result.path else ""
    value = f" ({words['value']}: {result.value})" if result.value else ""
    return _xml_safe(f"{words[result.severity.value]}{prop}: {result.message}{value} <{result.source_shape}>")


def _xml_safe(text: str) -> str:
    """``printable(text)``, and the few other characters XML 1.0 forbids (lone surrogates,
    U+FFFE, U+FFFF) escaped the same way."""
    return re.sub("[\ud800-\udfff\ufffe\uffff]", lambda m: f"\\u{ord(m.group()):04x}", printable(text))

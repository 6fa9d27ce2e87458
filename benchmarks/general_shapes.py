"""General shapes, the compiled engine against pySHACL and pyshacl-turbo: the W3C SHACL suite as
a whole, the project's profile given as ``--shapes`` with ``--profile none`` on a generated
catalogue, and the national-profile checks: SKOS-AP-NO-Begrep (``shapes/skos-ap-no/``, the
project's check and the Digdir-like one) on the SKOS-AP-NO export of the knowledge graph plus
generated concepts, and DCAT-AP-NO (``shapes/dcat-ap-no/``) on the DCAT-AP-NO export of a
generated catalogue.

    python benchmarks/general_shapes.py                 # suite, 1,000 records, 1,000 concepts
    python benchmarks/general_shapes.py --records 200 --concepts 200 --repeat 1 --no-suite

The compiled engine and pySHACL run in this process through ``samhandling_kg.validate(...,
shapes=..., profile="none", engine=...)`` (what ``samhandling validate --shapes S --profile
none`` runs); pyshacl-turbo (``pip install .[bench]``, Python 3.11 and later) through its
pySHACL-compatible ``pyshacl_turbo.validate(data, shacl_graph=..., advanced=True,
inference="none")``. Every engine reads the same files (the exports are written out first as
N-Triples), best of ``--repeat`` runs each. Printed: wall time per engine and the ratios, and
in the same run the agreement of their findings, each compared on six fields (focus node,
path, value, severity, source shape, constraint component; blank nodes masked, a complex path
as none): where they disagree, how many findings and a sample. Generated data: the catalogue
of tests/catalogue_gen.py (one record in ten with one to three defects), with an endpoint per
solution for DCAT-AP-NO, and the concepts of tests/national_gen.py (one in ten with one or two
defects). Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import platform
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "validation"))

Findings = Counter[tuple[str, ...]]
ENGINES = ("compiled", "pyshacl", "turbo")
NAMES = {"compiled": "compiled", "pyshacl": "pySHACL", "turbo": "pyshacl-turbo"}


def _mask(node: str | None) -> str:
    return "_:" if (node or "").startswith("_:") else (node or "")


def _findings(report: Any) -> Findings:
    """The findings of a ``ValidationReport``, blank nodes masked (each run reads anew)."""
    return Counter((_mask(r.focus_node), r.path or "", _mask(r.value), r.severity.value,
                    _mask(r.source_shape), r.constraint_component) for r in report.results)


def _turbo_findings(report: Any) -> Findings:
    """The same six fields of a SHACL report graph (pyshacl-turbo's), as the project's report
    writes them: a blank node masked, a complex path as none, a custom severity a violation."""
    from rdflib import BNode, URIRef
    from rdflib.namespace import RDF, SH

    from samhandling_kg.validation.model import node_text, severity_of

    def text(node: Any) -> str:
        return "" if node is None else ("_:" if isinstance(node, BNode) else node_text(node))

    found: Findings = Counter()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(result, SH.resultPath)
        found[(text(report.value(result, SH.focusNode)),
               str(path) if isinstance(path, URIRef) else "",
               text(report.value(result, SH.value)),
               severity_of(report.value(result, SH.resultSeverity)).value,
               text(report.value(result, SH.sourceShape)),
               str(report.value(result, SH.sourceConstraintComponent) or ""))] += 1
    return found


def _best(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def _runner(engine: str, data: Path, shapes: Path) -> Callable[[], Findings | None]:
    """One engine's run on files: its findings, or None when it refuses the shapes."""
    if engine == "turbo":
        import pyshacl_turbo
        from rdflib import Graph

        def turbo() -> Findings | None:
            try:
                _, report, _ = pyshacl_turbo.validate(str(data), shacl_graph=str(shapes),
                                                      advanced=True, inference="none")
            except Exception:  # its refusals and errors: counted as refused
                return None
            if not isinstance(report, Graph):  # a ValidationFailure: shapes it cannot run
                return None
            return _turbo_findings(report)
        return turbo

    from samhandling_kg import validate
    from samhandling_kg.core.errors import SamhandlingError

    def ours() -> Findings | None:
        try:
            return _findings(validate(data, shapes=[shapes], profile="none", engine=engine,
                                      fail_on="info"))
        except SamhandlingError:
            return None
    return ours


def _engines(turbo: bool) -> tuple[str, ...]:
    return ENGINES if turbo else ENGINES[:2]


def _ratios(seconds: dict[str, float]) -> str:
    base = seconds["compiled"]
    return ", ".join(f"{NAMES[e]} / compiled = {seconds[e] / base:.1f}x"
                     for e in seconds if e != "compiled")


def _sample(a: Findings, b: Findings) -> str:
    only = sorted((a - b).elements()) or sorted((b - a).elements())
    if not only:
        return ""
    focus, path, value, severity, shape, component = only[0]
    return (f"e.g. {component.rsplit('#', 1)[-1]} of {shape.rsplit('/', 1)[-1] or '_:'} on "
            f"{focus.rsplit('/', 1)[-1] or '_:'}" + (f" path {path.rsplit('/', 1)[-1]}" if path else "")
            + (f" value {value[:40]!r}" if value else ""))


def _agreement(found: dict[str, Findings | None]) -> list[str]:
    """Lines saying how far the engines' findings agree, pair by pair against the compiled."""
    lines = []
    compiled = found["compiled"]
    counts = ", ".join(f"{sum(f.values())} {NAMES[e]}" if f is not None else f"{NAMES[e]} refused"
                       for e, f in found.items())
    lines.append(f"  findings: {counts}")
    for engine, other in found.items():
        if engine == "compiled" or compiled is None or other is None:
            continue
        if other == compiled:
            lines.append(f"  {NAMES[engine]}: the same findings")
            continue
        missing, extra = compiled - other, other - compiled
        lines.append(f"  {NAMES[engine]}: {sum(missing.values())} of the compiled engine's "
                     f"findings missing, {sum(extra.values())} more; "
                     f"{_sample(compiled, other)}")
    return lines


def compare(title: str, data: Path, shapes: Path, repeat: int, turbo: bool) -> None:
    """Every engine on one data file and one shapes file, printed."""
    seconds, found = {}, {}
    for engine in _engines(turbo):
        seconds[engine], found[engine] = _best(_runner(engine, data, shapes), repeat)
    print(f"{title}, best of {repeat}:")
    print("  " + ", ".join(f"{NAMES[e]} {s:.2f} s" for e, s in seconds.items()) + "; "
          + _ratios(seconds))
    for line in _agreement(found):
        print(line)


def suite(repeat: int, turbo: bool) -> None:
    import w3c_suite

    entries = w3c_suite.entries()
    engines = _engines(turbo)
    totals = dict.fromkeys(engines, 0.0)
    refused = Counter[str]()
    same_as = Counter[str]()
    all_same = 0
    differing: dict[str, list[str]] = {e: [] for e in engines if e != "compiled"}
    for entry in entries:
        outcome: dict[str, Findings | None] = {}
        for engine in engines:
            seconds, outcome[engine] = _best(_runner(engine, entry.data, entry.shapes), repeat)
            totals[engine] += seconds
            refused[engine] += outcome[engine] is None
        for engine in differing:
            if outcome[engine] == outcome["compiled"]:
                same_as[engine] += 1
            else:
                differing[engine].append(entry.name)
        all_same += all(outcome[e] == outcome["compiled"] for e in engines)
    print(f"W3C suite, {len(entries)} entries (core and sparql), best of {repeat}, totals:")
    print("  " + ", ".join(f"{NAMES[e]} {s:.2f} s" for e, s in totals.items()) + "; "
          + _ratios(totals))
    print("  refused (an error, or shapes it cannot run): "
          + ", ".join(f"{NAMES[e]} {refused[e]}" for e in engines)
          + f"; the suite expects {sum(e.failure for e in entries)} to fail (malformed shapes)")
    for engine, names in differing.items():
        sample = ", ".join(names[:4]) + (", …" if len(names) > 4 else "")
        print(f"  {NAMES[engine]}: the same findings as the compiled engine on {same_as[engine]} "
              f"of {len(entries)} entries" + (f"; differs on {sample}" if names else ""))
    print(f"  all {len(engines)} engines the same on {all_same} of {len(entries)} entries "
          "(the compiled engine's differences from pySHACL: docs/validation.md, "
          "'Where pySHACL differs')")


def profile(tmp: Path, records: int, repeat: int, turbo: bool) -> None:
    from catalogue_gen import write_catalogue

    from samhandling_kg.kg.graph import shapes_graph

    data = write_catalogue(tmp / "catalogue.ttl", records)
    shapes = tmp / "profile.ttl"
    shapes.write_text(shapes_graph().serialize(format="turtle"), encoding="utf-8")
    compare(f"The profile as --shapes --profile none, {records:,} records", data, shapes,
            repeat, turbo)


def skos_ap_no(tmp: Path, concepts: int, repeat: int, turbo: bool) -> None:
    from national_gen import concept_specs, with_concepts

    from samhandling_kg.core import resources
    from samhandling_kg.publish.skos_ap_no import CHECKS, code_lists
    from samhandling_kg.publish.skos_ap_no import skos_ap_no as export

    graph = export(with_concepts(tmp, concept_specs(concepts)))
    data = tmp / "skos-ap-no.nt"
    data.write_bytes(graph.serialize(format="nt", encoding="utf-8"))
    folder = resources.data_dir("shapes") / "skos-ap-no"
    title = (f"SKOS-AP-NO-Begrep, the knowledge graph's concepts and {concepts:,} generated "
             f"({len(graph):,} triples)")
    compare(f"{title}, the project's check ({CHECKS['project']})", data,
            folder / CHECKS["project"], repeat, turbo)
    # The Digdir-like check runs with the code lists in the data, as its validator fetches them.
    with_lists = tmp / "skos-ap-no-with-code-lists.nt"
    with_lists.write_bytes((graph + code_lists()).serialize(format="nt", encoding="utf-8"))
    compare(f"{title}, the Digdir-like check ({CHECKS['digdir-like']}, code lists added)",
            with_lists, folder / CHECKS["digdir-like"], repeat, turbo)


def dcat_ap_no(tmp: Path, records: int, repeat: int, turbo: bool) -> None:
    from national_gen import realistic_services

    from samhandling_kg.core import resources
    from samhandling_kg.publish.dcat_ap_no import dcat_ap_no as export

    result = export(realistic_services(tmp, records))
    data = tmp / "dcat-ap-no.nt"
    data.write_bytes(result.graph.serialize(format="nt", encoding="utf-8"))
    shapes = resources.data_dir("shapes") / "dcat-ap-no" / "dcat-ap-no.ttl"
    compare(f"DCAT-AP-NO, the export of {records:,} generated records ({len(result.services):,} "
            f"data services, {len(result.graph):,} triples)", data, shapes, repeat, turbo)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=1000,
                        help="records of the generated catalogues (profile, DCAT-AP-NO)")
    parser.add_argument("--concepts", type=int, default=1000,
                        help="generated concepts added to the SKOS-AP-NO export")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-suite", action="store_true", help="leave the W3C suite out")
    args = parser.parse_args(argv)
    # The engines' warnings about the suite's odd shapes and literals go to stderr by logging
    # and warnings; the figures are what this prints.
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    import pyoxigraph
    import pyshacl

    turbo = importlib.util.find_spec("pyshacl_turbo") is not None
    if turbo:
        from importlib.metadata import version
        turbo_text = f"pyshacl-turbo {version('pyshacl-turbo')}"
    else:
        turbo_text = "pyshacl-turbo not installed (skipped; pip install .[bench])"
    print(f"# Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, "
          f"pySHACL {pyshacl.__version__}, {turbo_text}")
    if not args.no_suite:
        suite(args.repeat, turbo)
    with tempfile.TemporaryDirectory() as tmp:
        profile(Path(tmp), args.records, args.repeat, turbo)
        skos_ap_no(Path(tmp), args.concepts, args.repeat, turbo)
        dcat_ap_no(Path(tmp), args.records, args.repeat, turbo)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

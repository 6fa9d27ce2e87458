"""General shapes, compiled engine against pySHACL: the W3C SHACL suite as a whole, and the
project's profile given as ``--shapes`` with ``--profile none`` (the general path: literals as
written, no background) on a generated catalogue.

    python benchmarks/general_shapes.py                 # suite + 1,000 records
    python benchmarks/general_shapes.py --records 5000 --repeat 3

Both engines run in this process through ``samhandling_kg.validate(..., shapes=...,
profile="none", engine=...)``, best of ``--repeat`` runs each. Printed: wall time per engine,
the ratio, and in the same run the agreement of their findings (and, for the suite, with the
suite's expected reports). pyshacl-turbo is measured when it is installed (it is not on this
machine's package index). Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "validation"))


def _findings(report: object) -> Counter[tuple[str, ...]]:
    """The findings, blank nodes masked (each engine's run reads the files anew)."""
    def text(node: str | None) -> str:
        return "_:" if (node or "").startswith("_:") else (node or "")
    return Counter((text(r.focus_node), r.path or "", text(r.value), r.severity.value,
                    text(r.source_shape), r.constraint_component)
                   for r in report.results)  # type: ignore[attr-defined]


def _best(function, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def suite(repeat: int) -> None:
    import w3c_suite

    from samhandling_kg import validate
    from samhandling_kg.core.errors import SamhandlingError

    entries = w3c_suite.entries()
    totals = {"compiled": 0.0, "pyshacl": 0.0}
    same = refused = 0
    for entry in entries:
        outcome = {}
        for engine in totals:
            def run(engine: str = engine, entry: w3c_suite.Entry = entry) -> object:
                try:
                    return validate(entry.data, shapes=[entry.shapes], profile="none",
                                    engine=engine, fail_on="info")
                except SamhandlingError:
                    return None
            seconds, report = _best(run, repeat)
            totals[engine] += seconds
            outcome[engine] = None if report is None else _findings(report)
        if outcome["compiled"] is None or outcome["pyshacl"] is None:
            refused += 1
        same += outcome["compiled"] == outcome["pyshacl"]
    print(f"W3C suite, {len(entries)} entries (core and sparql), best of {repeat}:")
    print(f"  compiled {totals['compiled']:.2f} s, pySHACL {totals['pyshacl']:.2f} s, "
          f"pySHACL / compiled = {totals['pyshacl'] / totals['compiled']:.1f}x")
    print(f"  same findings on {same} of {len(entries)} entries ({refused} refused by an engine; "
          "the differences are listed in docs/validation.md, 'Where pySHACL differs')")


def catalogue(records: int, repeat: int) -> None:
    from catalogue_gen import write_catalogue

    from samhandling_kg import validate
    from samhandling_kg.kg.graph import shapes_graph

    with tempfile.TemporaryDirectory() as tmp:
        data = write_catalogue(Path(tmp) / "catalogue.ttl", records)
        shapes = Path(tmp) / "profile.ttl"
        shapes.write_text(shapes_graph().serialize(format="turtle"), encoding="utf-8")
        figures = {}
        for engine in ("compiled", "pyshacl"):
            figures[engine] = _best(lambda engine=engine: validate(  # type: ignore[misc]
                data, shapes=[shapes], profile="none", engine=engine, fail_on="info"), repeat)
        compiled, reference = (_findings(figures[e][1]) for e in ("compiled", "pyshacl"))
        print(f"The profile as --shapes --profile none, {records:,} records, best of {repeat}:")
        print(f"  compiled {figures['compiled'][0]:.2f} s, pySHACL {figures['pyshacl'][0]:.2f} s, "
              f"pySHACL / compiled = {figures['pyshacl'][0] / figures['compiled'][0]:.1f}x")
        print(f"  findings: {sum(compiled.values())} compiled, {sum(reference.values())} pySHACL, "
              f"{'the same' if compiled == reference else 'different'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    import pyoxigraph
    import pyshacl

    print(f"# Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, "
          f"pySHACL {pyshacl.__version__}; pyshacl-turbo "
          f"{'installed' if importlib.util.find_spec('pyshacl_turbo') else 'not installed (skipped)'}")
    suite(args.repeat)
    catalogue(args.records, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

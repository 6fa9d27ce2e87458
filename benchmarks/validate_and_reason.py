"""Validation and OWL 2 RL materialisation times as a catalogue grows.

    python benchmarks/validate_and_reason.py [--records 100 1000 5000]

Prints figures; asserts nothing. The catalogue is the one ``benchmarks/stores.py`` generates
(about 11 triples a record). Validation runs the whole profile (core, recommended,
consistency, vocabulary, optional) with the knowledge graph as background; materialisation
is ``samhandling query --infer`` / ``export --infer`` on the ontology plus the catalogue.
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stores import catalogue

from samhandling_kg import load_knowledge_graph, materialise, validate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[100, 1000, 5000])
    args = parser.parse_args(argv)
    print(f"# {platform.python_implementation()} {platform.python_version()}, {platform.machine()}")
    print(f"{'records':>8} {'triples':>9} {'validate s':>11} {'per record ms':>14} "
          f"{'materialise s':>14} {'inferred':>9} {'findings':>9}")
    with tempfile.TemporaryDirectory() as folder:
        for records in args.records:
            path = Path(folder) / f"catalogue-{records}.ttl"
            catalogue(path, records)
            start = time.perf_counter()
            report = validate(path)
            validate_s = time.perf_counter() - start
            graph = load_knowledge_graph([path])
            start = time.perf_counter()
            closure = materialise(graph)
            reason_s = time.perf_counter() - start
            print(f"{records:>8} {len(graph):>9} {validate_s:>11.2f} {1000 * validate_s / records:>14.2f} "
                  f"{reason_s:>14.2f} {len(closure) - len(graph):>9} {len(report.results):>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

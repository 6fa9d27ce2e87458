"""Parse and query times of the stores on a generated catalogue of solution descriptions.

    python benchmarks/stores.py [--records 20000] [--repeat 3]

Prints figures; asserts nothing (timings belong here, not in the tests). Each record is a
sam:Solution with an identifier, titles in nb and en, a description, a publisher, and the forms
it realises and uses (about 11 triples). The grouping query counts solutions per technical
form and organisational form, as a catalogue overview would.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph
import rdflib

from samhandling_kg.io.streams import write_ntriples
from samhandling_kg.kg.graph import load_knowledge_graph
from samhandling_kg.stores.local import OxigraphStore, RdflibStore

SAM = "https://w3id.org/samhandling#"
ORGANISATIONAL = ["SendAndReceive", "LookUpAndMakeAvailable", "ChangeAndShare"]
TECHNICAL = ["MessageExchange", "DocumentSharing", "DataSharing", "SharedSolution", "PortalAccess"]

GROUPING = f"""PREFIX sam: <{SAM}>
SELECT ?technical ?organisational (COUNT(DISTINCT ?solution) AS ?solutions)
WHERE {{ ?solution a sam:Solution ; sam:uses ?technical ; sam:realises ?organisational . }}
GROUP BY ?technical ?organisational ORDER BY DESC(?solutions) ?technical ?organisational"""


def catalogue(path: Path, records: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write(f"@prefix sam: <{SAM}> .\n@prefix dct: <http://purl.org/dc/terms/> .\n")
        for i in range(records):
            org = rng.sample(ORGANISATIONAL, rng.randint(1, 2))
            tech = rng.sample(TECHNICAL, rng.randint(1, 2))
            out.write(
                f"<https://example.org/solution/{i}> a sam:Solution ;\n"
                f'  dct:identifier "S-{i:06d}" ;\n'
                f'  dct:title "Løsning {i}"@nb, "Solution {i}"@en ;\n'
                f'  dct:description "Generert løsning nummer {i}."@nb ;\n'
                f"  dct:publisher <https://example.org/org/{rng.randint(1, 400)}> ;\n"
                f"  sam:realises {', '.join('sam:' + o for o in org)} ;\n"
                f"  sam:uses {', '.join('sam:' + t for t in tech)} .\n"
            )


def timed(action: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median shown)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "catalogue.ttl"
        catalogue(data, args.records)
        size = data.stat().st_size / 1e6
        print(f"# {args.records} records, {size:.1f} MB Turtle; Python {platform.python_version()}, "
              f"rdflib {rdflib.__version__}, pyoxigraph {pyoxigraph.__version__}")

        parse_rdflib, graph = timed(lambda: load_knowledge_graph([data]), 1)
        print(f"{'rdflib: parse (ontology + catalogue)':<45}{parse_rdflib:8.2f} s   {len(graph)} triples")

        def oxigraph_load() -> OxigraphStore:
            store = OxigraphStore()
            store.load([data])
            return store

        parse_ox, store = timed(oxigraph_load, args.repeat)
        print(f"{'pyoxigraph: load (ontology + catalogue)':<45}{parse_ox:8.2f} s   {len(store)} triples")

        def stream() -> int:
            with (Path(folder) / "out.nt").open("wb") as out:
                return write_ntriples([data], out)

        streamed, count = timed(stream, args.repeat)
        print(f"{'streaming to N-Triples (what load sends)':<45}{streamed:8.2f} s   {count} triples")

        rdflib_store = RdflibStore(graph)
        query_rdflib, answer_rdflib = timed(lambda: rdflib_store.query(GROUPING), args.repeat)
        print(f"{'rdflib: grouping query':<45}{query_rdflib:8.2f} s   {len(answer_rdflib.rows)} rows")
        query_ox, answer_ox = timed(lambda: store.query(GROUPING), args.repeat)
        print(f"{'pyoxigraph: grouping query':<45}{query_ox:8.2f} s   {len(answer_ox.rows)} rows")
        same = answer_ox.as_set() == answer_rdflib.as_set()
        print(f"# same answer on both: {same}; speed-up parse x{parse_rdflib / parse_ox:.0f}, "
              f"query x{query_rdflib / query_ox:.0f}")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

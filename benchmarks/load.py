"""``samhandling load`` against ``oxigraph load`` on a real Oxigraph server, side by side.

    python benchmarks/load.py [--records 10000] [--large] [--repeat 1] [--virtuoso] [--data FILE]

Prints figures and ratios; asserts nothing (timings belong here, not in the tests). The
catalogue is the realistic one of tests/catalogue_gen.py (every property of the profile, about
22 triples a record, one record in ten with defects), as Turtle; ``--data`` loads a given
Turtle file instead.

* ``oxigraph load`` — Oxigraph's own bulk loader into a fresh database folder (no server): the
  floor, and what the issue asks ``samhandling load`` to reach at least half the speed of. It
  is run twice: into the default graph, and with ``--graph`` into the named graph that
  ``samhandling load`` fills (the same job: Oxigraph keeps six indexes for named graphs and
  three for the default graph, so this is about 40 % slower).
* ``samhandling load`` into an empty graph of a fresh ``oxigraph serve`` — the usual first load.
* ``samhandling load`` of the same files again — the graph holds triples, so the load computes
  the changes against what the graph holds and sends them in one update.
* with ``--virtuoso``, the same two loads into a fresh Virtuoso 7 (if installed), and for
  comparison what Virtuoso itself offers: its bulk loader (``ld_dir`` + ``rdf_loader_run`` over
  ``isql``, reading a file on the server: neither all-or-nothing nor possible for a remote
  store) and its one all-or-nothing way over HTTP, an upload into a temporary graph and one
  ``MOVE`` (timed with a bare HTTP client, without ``samhandling``, into an empty graph and
  again onto the same graph, on a second fresh Virtuoso: a fresh one is slower, and both
  sides meet one as cold). The servers are sized as
  Virtuoso's virtuoso.ini advises for a machine with 4 GB or more (``NumberOfBuffers`` 340000,
  ``MaxDirtyBuffers`` 250000) with a ``TransactionAfterImageLimit`` a swap of millions of
  triples fits in; ``--virtuoso-packaged`` keeps the Debian package's settings instead.

``--large`` is ``--records 100000``. With ``--repeat N`` every figure is the best of N runs
(each ``samhandling load`` into a new graph), which evens out a machine shared with other work.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from catalogue_gen import write_catalogue

GRAPH = "https://example.org/benchmark/catalogue"


#: Seconds any one load may take (``--cap``); a longer one is stopped and shown as "> cap".
CAP = float("inf")


def timed(argv: list[str], env: dict[str, str] | None = None, *, may_fail: bool = False) -> tuple[float, str]:
    """Seconds and standard output of a run; a failed run stops the benchmark, or with
    ``may_fail`` is shown (NaN seconds, its last error line printed)."""
    start = time.perf_counter()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False,
                              timeout=CAP if float("inf") != CAP else None)
    except subprocess.TimeoutExpired:
        return float("inf"), ""
    seconds = time.perf_counter() - start
    if done.returncode != 0 and may_fail:
        print(f"# failed after {seconds:.0f} s: {done.stderr.strip().splitlines()[-1][:400]}", flush=True)
        return float("nan"), ""
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:3])} … failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return seconds, done.stdout.strip()


def samhandling(graph_store: str, data: Path, env: dict[str, str], graph: str = GRAPH) -> tuple[float, str]:
    code = "import sys; from samhandling_kg.cli import main; sys.exit(main())"
    return timed([sys.executable, "-c", code, "load", "--graph-store", graph_store, "--graph", graph,
                  str(data)], env, may_fail=True)


def first_and_again(graph_store: str, data: Path, env: dict[str, str], repeat: int) -> tuple[float, float, str]:
    """Best times of a load into an empty graph and of the same load again, and the triples."""
    firsts, agains, triples = [], [], ""
    for run in range(repeat):
        graph = f"{GRAPH}/{run}"
        first, report = samhandling(graph_store, data, env, graph)
        again, _ = samhandling(graph_store, data, env, graph)
        firsts.append(first)
        agains.append(again)
        print(f"# run {run}: {first:.2f} s into the empty graph, {again:.2f} s again", flush=True)
        triples = report.split()[1] if report else triples
    return min(firsts), min(agains), triples


def virtuoso_baselines(virtuoso: Any, data: Path) -> list[tuple[str, float, str]]:
    """What Virtuoso itself offers, timed without samhandling: its bulk loader (a file on the
    server, over isql, then a checkpoint) and an upload into a temporary graph + one MOVE."""
    import httpx

    rows: list[tuple[str, float, str]] = []
    auth = httpx.DigestAuth("dba", "dba")
    body = data.read_bytes()  # in memory: a digest challenge makes the client send it twice
    target = f"{GRAPH}/bare"
    for what in ("empty graph", "same graph again"):
        seconds = float("nan")
        for attempt in range(2):  # Virtuoso now and then closes the connection on the challenge
            # (no small request first to meet it: a GET of the graph before the upload left
            # a fresh Virtuoso holding a lock the upload then waited on for minutes)
            start = time.perf_counter()
            with httpx.Client(auth=auth, timeout=CAP if float("inf") != CAP else 3600) as client:
                try:
                    client.put(virtuoso.graph_store_url, params={"graph-uri": f"{GRAPH}/temporary"},
                               content=body, headers={"Content-Type": "text/turtle"}).raise_for_status()
                    client.post(virtuoso.update_url,
                                data={"query": f"MOVE GRAPH <{GRAPH}/temporary> TO GRAPH <{target}>"}
                                ).raise_for_status()
                    seconds = time.perf_counter() - start
                    break
                except httpx.HTTPError as exc:
                    print(f"# Virtuoso's upload + MOVE failed (attempt {attempt + 1}): {exc}")
        rows.append((f"Virtuoso's upload + MOVE (bare client), {what}", seconds, ""))
    isql = shutil.which("isql-vt") or shutil.which("isql")
    if isql:
        shutil.copy(data, virtuoso.folder / "bulk.ttl")
        seconds, _ = timed([isql, virtuoso.extra["sql_port"], "dba", "dba",
                            (f"exec=ld_dir('{virtuoso.folder}', 'bulk.ttl', '{GRAPH}/bulk'); "
                             "rdf_loader_run(); checkpoint;")], may_fail=True)
        rows.append(("Virtuoso's bulk loader (isql, not all-or-nothing)", seconds, ""))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--large", action="store_true", help="100,000 records (about 2.2 M triples)")
    parser.add_argument("--data", type=Path, help="a Turtle catalogue to load instead of a generated one")
    parser.add_argument("--virtuoso", action="store_true", help="also load into a fresh Virtuoso 7")
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure (the best is shown)")
    parser.add_argument("--virtuoso-log-limit", metavar="BYTES", default="2000000000",
                        help="Virtuoso's TransactionAfterImageLimit (the package's 50,000,000 refuses "
                        "a swap of about two million triples; default %(default)s)")
    parser.add_argument("--virtuoso-packaged", action="store_true",
                        help="run Virtuoso with the Debian package's settings (80 MB of buffers) "
                        "instead of sizing it")
    parser.add_argument("--cap", type=float, default=float("inf"),
                        help="seconds any one load may take; longer loads are stopped (shown as >CAP)")
    args = parser.parse_args(argv)
    global CAP
    CAP = args.cap
    records = 100_000 if args.large else args.records
    binary = shutil.which("oxigraph")
    if binary is None:
        raise SystemExit("needs the Oxigraph server: pip install oxigraph")
    env = {**os.environ, "SAMHANDLING_TIMEOUT": "3600"}
    env.pop("SAMHANDLING_USER", None)
    env.pop("SAMHANDLING_PASSWORD", None)

    from servers import start_oxigraph, start_virtuoso  # the test suite's server starters

    with tempfile.TemporaryDirectory() as folder:
        data = args.data or write_catalogue(Path(folder) / "catalogue.ttl", records)
        print(f"# {args.data or f'{records} records'}, {data.stat().st_size / 1e6:.1f} MB Turtle; "
              f"{subprocess.run([binary, '--version'], capture_output=True, text=True, check=False).stdout.strip()}")
        floors = []
        for into in ([], ["--graph", GRAPH]):
            floors.append(min(timed([binary, "load", "--location", str(Path(folder) / f"db{len(floors)}-{run}"),
                                     "--file", str(data), *into])[0] for run in range(args.repeat)))
        rows = [("oxigraph load (bulk, no server), default graph", floors[0], ""),
                ("oxigraph load --graph (the same named graph)", floors[1], "")]

        server = start_oxigraph()
        try:
            first, again, triples = first_and_again(server.graph_store_url, data, env, args.repeat)
            rows.append(("samhandling load, empty graph (Oxigraph server)", first, triples))
            rows.append(("samhandling load, same graph again (Oxigraph server)", again, triples))
        finally:
            server.stop()
        if args.virtuoso:
            parameters = {"TransactionAfterImageLimit": args.virtuoso_log_limit}
            if not args.virtuoso_packaged:
                parameters |= {"NumberOfBuffers": "340000", "MaxDirtyBuffers": "250000"}
            try:
                virtuoso = start_virtuoso(parameters)
            except (FileNotFoundError, RuntimeError) as exc:
                print(f"# Virtuoso skipped: {exc}")
            else:
                try:
                    credentials = {**env, "SAMHANDLING_USER": "dba", "SAMHANDLING_PASSWORD": "dba"}
                    first, again, triples = first_and_again(virtuoso.graph_store_url, data, credentials,
                                                            args.repeat)
                    rows.append(("samhandling load, empty graph (Virtuoso)", first, triples))
                    rows.append(("samhandling load, same graph again (Virtuoso)", again, triples))
                finally:
                    virtuoso.stop()
                virtuoso = start_virtuoso(parameters)  # fresh, as cold as the one above was
                try:
                    rows += virtuoso_baselines(virtuoso, data)
                finally:
                    virtuoso.stop()

    print(f"{'':55} {'seconds':>8} {'triples':>9} {'× oxigraph load':>16} {'× … --graph':>12}")
    for name, seconds, count in rows:
        if seconds == float("inf"):
            print(f"{name:55} {'>' + format(CAP, 'g'):>8} {count:>9} "
                  f"{'>' + format(CAP / floors[0], '.0f'):>16} {'>' + format(CAP / floors[1], '.0f'):>12}")
            continue
        print(f"{name:55} {seconds:8.2f} {count:>9} {seconds / floors[0]:16.2f} {seconds / floors[1]:12.2f}")
    print("# the issue's target: samhandling load within 2× oxigraph load (at least half its throughput);"
          " like for like, into the same named graph, is the last column")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

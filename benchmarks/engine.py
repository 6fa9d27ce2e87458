"""The engines side by side: validation, questions and --infer on generated catalogues.

    python benchmarks/engine.py                 # 1,000 and 10,000 records
    python benchmarks/engine.py --large         # and 100,000
    python benchmarks/engine.py --sizes 500 --cap 60
    python benchmarks/engine.py --only parse compiled --sizes 10000 100000 \
        --seed 7 --defect-rate 0.2 --record-shape rich --repeat 3
    python benchmarks/engine.py --only parse compiled --sizes 1000000 --cap 7200

Inputs above SAMHANDLING_SPILL_ABOVE (256 MiB; about 300,000 records) are validated in an
on-disk store: the ratio to the in-memory parse floor is then some ten times larger, and the
point of the run is its memory.

Each figure is one run in a fresh child process (the best of ``--repeat`` runs): wall time of
the work (the interpreter's start and imports left out) and the child's peak RSS. The catalogues are realistic: every
property of the profile, one record in ten with one to three defects of every kind the profile
checks (tests/catalogue_gen.py), written in one of its record shapes (``--record-shape``).
Rows:

* pyoxigraph parse: ``Store().load`` of the file alone, the floor any engine stands on;
* validate compiled: ``samhandling validate FILE --format json`` (the default engine);
* pyshacl-turbo (``pip install .[bench]``): its ``validate`` on the profile's shapes and an
  rdflib graph of the ontology and the file (its parse included, as the CLI rows include
  theirs); "not installed" where it is not;
* validate pySHACL: the same with ``--engine pyshacl``; any run (of any row) longer than
  ``--cap`` seconds is stopped, the larger sizes are not run, and their figures are
  extrapolated linearly from the largest size that finished, or from one run on a tenth of
  the smallest size (marked ``~``; pySHACL grows faster than linearly, so these are floors);
* Jena SHACL: ``shacl validate`` on the same shapes and data (ontology included): the
  ``shacl`` command on PATH, else the classes of Debian's libapache-jena-java under
  /usr/share/java run with ``java`` (the package ships no command); capped like pySHACL;
* questions cq14 and cq15 (the two that read solution descriptions) and cq05: ``samhandling
  query`` with ``--store rdflib`` and ``--store oxigraph`` (the default), and raw pyoxigraph
  (load + query, the rows listed);
* --infer: the OWL 2 RL rules in Oxigraph (``OxigraphStore.with_knowledge_graph(infer=True)``)
  against ``samhandling_kg.kg.graph.materialise`` (owlrl), both with the reading of ontology and
  catalogue included (compare with the questions' load + query).

Prints figures and ratios; asserts nothing. Timings stay out of the tests.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from catalogue_gen import RECORD_SHAPES  # tests/ put on the path above

QUESTION_TEXT = {q: (ROOT / "queries" / f"{q}.rq") for q in
                 ("cq14-solutions-per-form", "cq15-inconsistent-solutions", "cq05-forms-for-need")}


# --- the measured work (in the child) -------------------------------------------------------


def _work(kind: str, path: str) -> Callable[[], str]:
    """The work of one kind on ``path`` as a function (imports done before, outside the
    timing); it returns a short note (counts) for the table."""
    import io

    import pyoxigraph as ox

    from samhandling_kg.cli import main
    from samhandling_kg.core import resources

    if kind == "parse":
        def parse() -> str:
            store = ox.Store()
            store.load(path=path, format=ox.RdfFormat.TURTLE)
            return f"{len(store)} triples"
        return parse
    if kind in ("compiled", "pyshacl"):
        import samhandling_kg.validation.engines  # noqa: F401  (imported before the timing)

        if kind == "pyshacl":
            import pyshacl  # noqa: F401

        def check() -> str:
            out = io.StringIO()
            code = main(["validate", path, "--format", "json", "--engine", kind], out=out,
                        err=io.StringIO())
            results = json.loads(out.getvalue())["results"] if out.getvalue() else []
            return f"exit {code}, {len(results)} findings"
        return check
    if kind == "turbo":
        import pyshacl_turbo  # the bench extra (Python 3.11 and later)
        from rdflib import Graph
        from rdflib.namespace import RDF, SH

        from samhandling_kg.kg.graph import shapes_graph

        shapes = shapes_graph()
        ontology = str(resources.ontology_path())

        def turbo() -> str:
            # The data and the ontology in one graph, as the project's engines see them.
            data = Graph().parse(ontology).parse(path)
            _, report, _ = pyshacl_turbo.validate(data, shacl_graph=shapes, advanced=True,
                                                  inference="none", do_owl_imports=False)
            if not isinstance(report, Graph):
                return f"failed: {str(getattr(report, 'message', report))[:100]}"
            return f"{len(set(report.subjects(RDF.type, SH.ValidationResult)))} findings"
        return turbo
    if kind.startswith("question:"):
        _, store_name, question = kind.split(":")

        def ask() -> str:
            out = io.StringIO()
            code = main(["query", question, "--data", path, "--store", store_name,
                         "--format", "csv"], out=out, err=io.StringIO())
            return f"exit {code}, {len(out.getvalue().splitlines()) - 1} rows"
        return ask
    if kind.startswith("raw:"):
        from samhandling_kg.kg.questions import get_question
        from samhandling_kg.sparql.binding import bind_with_values
        from samhandling_kg.sparql.guard import check_read_query

        question = get_question(kind.split(":")[1])
        # The question's default parameters, bound with a VALUES block as the tool does
        # (Oxigraph's substitutions refuse a variable the SELECT does not project).
        _, query_kind = check_read_query(question.query)
        text = bind_with_values(question.query, query_kind, question.bindings({}))
        ontology = str(resources.ontology_path())

        def raw() -> str:
            store = ox.Store()
            store.load(path=ontology, format=ox.RdfFormat.TURTLE)
            store.load(path=path, format=ox.RdfFormat.TURTLE)
            return f"{len(list(store.query(text)))} rows"
        return raw
    if kind == "rules":
        from samhandling_kg.stores.local import OxigraphStore

        def rules() -> str:
            after = OxigraphStore.with_knowledge_graph([path], infer=True)
            return f"{len(after)} triples with the closure"
        return rules
    if kind == "owlrl":
        from samhandling_kg.kg.graph import load_knowledge_graph, materialise

        def owlrl() -> str:
            graph = load_knowledge_graph([path])
            closure = materialise(graph)
            return f"{len(closure)} triples with the closure"
        return owlrl
    raise SystemExit(f"unknown work {kind}")


def _child(kind: str, path: str) -> None:
    work = _work(kind, path)
    before = os.times()
    start = time.perf_counter()
    note = work()
    wall = time.perf_counter() - start
    after = os.times()
    # CPU of this process and its threads (user + system; Oxigraph runs queries on threads).
    cpu = (after.user - before.user) + (after.system - before.system)
    print(json.dumps({"wall": wall, "cpu": cpu, "rss": _peak_rss_mib(), "note": note}))


def _peak_rss_mib() -> float:
    """This process's peak RSS. Not getrusage's ru_maxrss: Linux carries it over from the
    parent through fork and exec, so every child would show the parent's peak at least."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB → MiB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the parent -------------------------------------------------------------------------------


def run_capped(command: list[str], cap: float) -> subprocess.CompletedProcess[str] | None:
    """``command`` run to its end, or None when it took longer than ``cap`` seconds. It runs
    in a session of its own, and the whole session is killed at the cap: a timed-out
    ``/usr/bin/time java …`` must not leave the JVM running under the next measurement."""
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          start_new_session=True) as proc:
        try:
            out, err = proc.communicate(timeout=cap)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return None
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


def measure(kind: str, path: Path, cap: float, repeat: int = 1) -> dict[str, object] | None:
    """The best of ``repeat`` child runs (the least wall and CPU time, the largest peak RSS:
    a shared machine only ever adds time); None when one took longer than ``cap`` seconds."""
    return measure_side_by_side([kind], path, cap, repeat)[kind]


def measure_side_by_side(kinds: list[str], path: Path, cap: float, repeat: int = 1
                         ) -> dict[str, dict[str, object] | None]:
    """:func:`measure` of each of ``kinds``, their runs alternating (A B A B …): a shared
    machine's drift over the runs touches every kind alike, so their ratio holds. A kind
    that fails or passes the cap is not run again."""
    best: dict[str, dict[str, object] | None] = {}
    for round_ in range(repeat):
        for kind in kinds:
            known = best.get(kind)
            if round_ and (known is None or _failed(known)):
                continue  # past the cap or failed: so it stays
            figure = _measure_once(kind, path, cap)
            if known is None or figure is None or _failed(figure):
                best[kind] = None if figure is None else dict(figure)
                continue
            for key, pick in (("wall", min), ("cpu", min), ("rss", max)):
                if key in figure and key in known:
                    known[key] = pick(float(known[key]), float(figure[key]))  # type: ignore[arg-type]
    return best


def _failed(figure: dict[str, object] | None) -> bool:
    return figure is not None and str(figure.get("note", "")).startswith("failed")


def _measure_once(kind: str, path: Path, cap: float) -> dict[str, object] | None:
    """One child run; None when it took longer than ``cap`` seconds (or failed)."""
    proc = run_capped([sys.executable, __file__, "--child", kind, str(path)], cap)
    if proc is None:
        return None
    if proc.returncode != 0:
        return {"wall": float("nan"), "rss": float("nan"),
                "note": f"failed: {proc.stderr.strip().splitlines()[-1:]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


#: The jars ``shacl.shacl`` needs from Debian's libapache-jena-java and its dependencies
#: (the package installs the classes but no ``shacl`` command; the whole of /usr/share/java
#: on the class path clashes: two SLF4J bindings, a log4j bridge loop).
JENA_JARS = ("jena-base", "jena-core", "jena-arq", "jena-iri", "jena-shacl", "jena-cmds",
             "jena-rdfconnection", "jena-dboe-base", "jena-dboe-index", "jena-dboe-storage",
             "jena-dboe-trans-data", "jena-dboe-transaction", "jena-tdb", "jena-tdb2", "jena-shex",
             "commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io",
             "commons-lang3", "commons-logging", "dexx.collection", "gson", "guava", "httpclient",
             "httpcore", "jackson-annotations", "jackson-core", "jackson-databind",
             "jakarta.json-api", "jsonld-java", "protobuf", "slf4j-api", "slf4j-nop", "thrift",
             "titanium-json-ld")
JAVA_LIBRARY = Path("/usr/share/java")


def jena_command(folder: Path) -> list[str] | str:
    """How to run Jena's ``shacl``: the command on PATH, or the classes of Debian's
    libapache-jena-java run by ``java``; a string saying why not when neither is there."""
    command = shutil.which("shacl")
    if command is not None:
        return [command]
    java = shutil.which("java")
    jars = [JAVA_LIBRARY / f"{name}.jar" for name in JENA_JARS]
    missing = [jar.name for jar in jars if not jar.exists()]
    if java is None or missing:
        return ("not installed (no 'shacl' command on PATH, no java with "
                f"{JAVA_LIBRARY}/jena-shacl.jar{' and ' + ', '.join(missing[:3]) if missing and len(missing) < len(jars) else ''})")
    # Debian's jena-core (4.5.0) moved its bundled Xerces to the package ``xerces`` but left
    # the message files under org/apache/jena/ext/xerces, and the XSD datatypes fail to start
    # ("internal error") without them: put copies where the classes look.
    fixes = folder / "jena-resources"
    with zipfile.ZipFile(JAVA_LIBRARY / "jena-core.jar") as jar:
        for name in jar.namelist():
            old = "org/apache/jena/ext/xerces/"
            if name.startswith(old) and name.endswith(".properties"):
                target = fixes / "xerces" / name[len(old):]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    classpath = os.pathsep.join([str(fixes), *map(str, jars)])
    return [java, "-cp", classpath, "shacl.shacl"]


def jena(path: Path, folder: Path, cap: float) -> dict[str, object] | str | None:
    """Jena SHACL on the profile's shapes and the data with the ontology beside it (pySHACL
    and the compiled engine see the ontology too), wall time and peak RSS of the JVM."""
    command = jena_command(folder)
    if isinstance(command, str):
        return command
    from samhandling_kg.core import resources

    shapes = folder / "shapes.ttl"
    shapes.write_text("".join(p.read_text(encoding="utf-8") for p in resources.shape_paths()),
                      encoding="utf-8")
    data = folder / f"{path.stem}-with-ontology.ttl"
    data.write_text(resources.ontology_path().read_text(encoding="utf-8") + "\n"
                    + path.read_text(encoding="utf-8"), encoding="utf-8")
    time_command = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []
    start = time.perf_counter()
    proc = run_capped([*time_command, *command, "validate", "--text", "--shapes", str(shapes),
                       "--data", str(data)], cap)
    if proc is None:
        return None
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        return {"wall": float("nan"), "rss": float("nan"),
                "note": f"failed: {proc.stderr.strip().splitlines()[-1:]}"}
    last = proc.stderr.strip().splitlines()[-1:] if time_command else []
    rss = int(last[0]) / 1024 if last and last[0].isdigit() else float("nan")
    findings = sum(1 for line in proc.stdout.splitlines() if line.startswith("Node="))
    return {"wall": wall, "rss": rss, "note": f"Jena SHACL, {findings} findings"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--large", action="store_true", help="add 100,000 records")
    parser.add_argument("--cap", type=float, default=180.0,
                        help="seconds any one run may take (default 180); longer runs are "
                        "stopped and extrapolated")
    parser.add_argument("--seed", type=int, default=1,
                        help="the generator's seed (default 1): which records get which defects")
    parser.add_argument("--defect-rate", type=float, default=0.1,
                        help="the share of records with one to three defects (default 0.1)")
    parser.add_argument("--record-shape", choices=RECORD_SHAPES, default="full",
                        help="how each record is written (default full): full (every property "
                        "once), minimal (only what the profile requires), rich (several values "
                        "per property), flat (one statement a line, IRIs whole)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each figure, the best kept (default 1): the least wall and "
                        "CPU time and the largest peak RSS; the parse floor and the compiled "
                        "engine run in alternation")
    parser.add_argument("--only", nargs="+", metavar="KIND",
                        help="measure only these rows (parse, compiled, pyshacl, jena, rules, "
                        "owlrl, question:…, raw:…), e.g. --only parse compiled")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0

    import pyoxigraph
    import pyshacl
    import rdflib
    from catalogue_gen import write_catalogue

    sizes = sorted(set(args.sizes + ([100_000] if args.large else [])))
    print(f"# Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores; "
          f"pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}, "
          f"pySHACL {pyshacl.__version__}; cap {args.cap:g} s per run")
    kinds = [("pyoxigraph parse (floor)", "parse"), ("validate, compiled (default)", "compiled"),
             ("validate, pySHACL", "pyshacl"), ("pyshacl-turbo (same shapes)", "turbo"),
             ("Jena SHACL", "jena")]
    for question in QUESTION_TEXT:
        kinds += [(f"{question[:4]} --store rdflib", f"question:rdflib:{question}"),
                  (f"{question[:4]} --store oxigraph", f"question:oxigraph:{question}"),
                  (f"{question[:4]} raw pyoxigraph", f"raw:{question}")]
    kinds.append(("--infer, rules in Oxigraph", "rules"))
    kinds.append(("--infer, owlrl (reference)", "owlrl"))
    if args.only:
        kinds = [(label, kind) for label, kind in kinds if kind in args.only]

    figures: dict[tuple[str, int], dict[str, object] | None] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = {}
        for size in sizes:
            paths[size] = write_catalogue(folder / f"catalogue-{size}.ttl", size, seed=args.seed,
                                          defective=args.defect_rate, shape=args.record_shape)
            print(f"# {size} records (seed {args.seed}, defect rate {args.defect_rate:g}, "
                  f"record shape {args.record_shape}): "
                  f"{paths[size].stat().st_size / 1e6:.1f} MB Turtle")
        header = f"{'':<32}" + "".join(f"{size:>12,} rec  {'RSS':>7}" for size in sizes)
        print(header)
        # The floor and the compiled engine, whose ratio is the headline, run in alternation.
        side_by_side = [kind for kind in ("parse", "compiled") if kind in {k for _, k in kinds}]
        paired = {(kind, size): figure for size in sizes
                  for kind, figure in measure_side_by_side(side_by_side, paths[size], args.cap,
                                                           args.repeat).items()
                  if figure is not None} if len(side_by_side) == 2 else {}
        probe: Path | None = None  # a small catalogue to extrapolate from when the cap stops
        for label, kind in kinds:
            cells = []
            last: tuple[int, float] | None = None
            stopped = False  # a smaller size ran past the cap: so would the larger ones
            for size in sizes:
                if stopped:
                    figure = None
                elif kind == "jena":
                    figure = jena(paths[size], folder, args.cap)
                    if isinstance(figure, str):
                        cells = [figure]
                        break
                elif kind == "turbo" and importlib.util.find_spec("pyshacl_turbo") is None:
                    cells = ["not installed (pip install .[bench], Python 3.11 and later)"]
                    break
                elif (kind, size) in paired:
                    figure = paired[(kind, size)]
                else:
                    figure = measure(kind, paths[size], args.cap, args.repeat)
                if figure is None and last is None:
                    # Past the cap at the smallest size: one run on a tenth of it to
                    # extrapolate from.
                    small = max(sizes[0] // 10, 10)
                    if probe is None:
                        probe = write_catalogue(folder / f"catalogue-{small}.ttl", small,
                                                seed=args.seed, defective=args.defect_rate,
                                                shape=args.record_shape)
                    found = (jena(probe, folder, args.cap) if kind == "jena"
                             else measure(kind, probe, args.cap))
                    if isinstance(found, dict) and found["wall"] == found["wall"]:  # not NaN
                        last = (small, float(found["wall"]))  # type: ignore[arg-type]
                figures[(kind, size)] = figure
                if figure is None:
                    stopped = True
                    if last:
                        estimate = last[1] * size / last[0]
                        cells.append(f"{'~' + format(estimate, '.1f') + ' s':>16}  {'—':>7}")
                        figures[(kind, size)] = {"wall": estimate, "rss": float("nan"),
                                                 "note": "extrapolated"}
                    else:
                        cells.append(f"{'>' + format(args.cap, 'g') + ' s':>16}  {'—':>7}")
                    continue
                wall, rss = float(figure["wall"]), float(figure["rss"])  # type: ignore[arg-type]
                last = (size, wall)
                cells.append(f"{wall:>14.2f} s  {rss:>5.0f} MiB")
            print(f"{label:<32}" + "".join(cells), flush=True)
        print()
        print("# compiled validation against the parse floor: wall, CPU, peak RSS (how it grows)")
        for size in sizes:
            compiled, parse = figures.get(("compiled", size)), figures.get(("parse", size))
            if not compiled or not parse:
                continue
            print(f"{size:>8,}: wall {float(compiled['wall']) / float(parse['wall']):.1f}× "  # type: ignore[arg-type]
                  f"({float(compiled['wall']):.2f} s / {float(parse['wall']):.2f} s), "  # type: ignore[arg-type]
                  f"CPU {float(compiled.get('cpu', float('nan'))) / float(parse.get('cpu', float('nan'))):.1f}× "  # type: ignore[arg-type]
                  f"({float(compiled.get('cpu', float('nan'))):.2f} s / {float(parse.get('cpu', float('nan'))):.2f} s), "  # type: ignore[arg-type]
                  f"peak RSS {float(compiled['rss']) / 1024:.2f} GiB")  # type: ignore[arg-type]
        def cpu(kind: str, size: int) -> float:
            figure = figures.get((kind, size)) or {}
            return float(figure.get("cpu", float("nan")))  # type: ignore[arg-type]

        ratios = [(size, cpu("compiled", size) / cpu("parse", size)) for size in sizes]
        ratios = [(size, ratio) for size, ratio in ratios if ratio == ratio]  # measured (not NaN)
        if len(ratios) > 1:
            steps = ", ".join(f"{b[1] / a[1]:.2f}× from {a[0]:,} to {b[0]:,} records"
                              for a, b in itertools.pairwise(ratios))
            print(f"# how the CPU ratio grows with size: {steps} (1.00× = it does not grow)")
        print()
        print("# ratios (per size)")
        for size in sizes:
            def wall(kind: str) -> float:
                figure = figures.get((kind, size))  # noqa: B023 (called in the loop)
                return float(figure["wall"]) if figure else float("nan")  # type: ignore[arg-type]

            floor = wall("parse")
            parts = [f"compiled/parse floor {wall('compiled') / floor:.1f}×",
                     f"pySHACL/compiled {wall('pyshacl') / wall('compiled'):.0f}×",
                     f"pyshacl-turbo/compiled {wall('turbo') / wall('compiled'):.1f}×",
                     f"Jena/compiled {wall('jena') / wall('compiled'):.1f}×"]
            for question in QUESTION_TEXT:
                raw = wall(f"raw:{question}")
                parts.append(f"{question[:4]} oxigraph/raw {wall(f'question:oxigraph:{question}') / raw:.1f}×, "
                             f"rdflib/raw {wall(f'question:rdflib:{question}') / raw:.1f}×")
            parts.append(f"--infer rules/parse floor {wall('rules') / floor:.1f}×, "
                         f"owlrl/rules {wall('owlrl') / wall('rules'):.0f}×")
            print(f"{size:>8,}: " + "; ".join(part for part in parts if "nan" not in part))
        notes = {f"{kind}@{size}": f["note"] for (kind, size), f in figures.items() if f}
        print("# notes: " + json.dumps(notes, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The ``samhandling`` command.

Exit status: 0 success, 1 findings (validation), 2 usage or input error. A user's mistake is
reported as one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn, TextIO
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from rdflib import RDF, BNode, Graph, Literal
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from . import __version__
from .api import check_parameter_terms
from .errors import SamhandlingError, printable
from .graph import bind_prefixes, load_knowledge_graph
from .questions import LANGUAGES, list_questions, resolve_query
from .sparql import format_result
from .stores import OxigraphStore, RdflibStore, Store, endpoint_for_query

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

EXPORT_FORMATS = {"turtle": "longturtle", "json-ld": "json-ld", "nt": "nt", "xml": "xml"}


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error (it prints the whole usage by default)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0-65535): {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="samhandling",
        description="Knowledge graph of the Norwegian e-health digital interaction forms.",
    )
    parser.add_argument("--version", action="version", version=f"samhandling {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    query = commands.add_parser(
        "query",
        help="answer a competency question or run a read query",
        description="Run QUERY (a question id from 'samhandling questions' or a .rq file) over "
        "the ontology plus the data files. Only SELECT, ASK, CONSTRUCT and DESCRIBE run.",
    )
    query.add_argument("query", metavar="QUERY", help="competency-question id or path to a .rq file")
    query.add_argument("--data", metavar="FILE", nargs="+", action="extend", default=[],
                       help="RDF files or folders to query together with the ontology (format by file ending)")
    query.add_argument("--infer", action="store_true", help="materialise OWL 2 RL entailments first")
    query.add_argument("--bind", metavar="NAME=VALUE", action="append", default=[],
                       help="value of a question parameter, e.g. form=sam:SendAndReceive")
    query.add_argument("--format", choices=("table", "csv", "json"), default="table",
                       help="table (default), W3C SPARQL CSV, or W3C SPARQL JSON")
    # --- stores (docs/stores.md) ---
    query.add_argument("--endpoint", metavar="URL",
                       help="run at this SPARQL endpoint instead of over local files")
    query.add_argument("--graph", metavar="IRI",
                       help="with --endpoint: the graph to query (the protocol's default-graph-uri)")
    query.add_argument("--store", choices=("rdflib", "oxigraph"), default="rdflib",
                       help="local store: rdflib (default) or embedded Oxigraph, many times "
                       "faster on large catalogues (needs pyoxigraph)")
    query.set_defaults(handler=_cmd_query)
    _add_store_commands(commands)

    questions = commands.add_parser(
        "questions", help="list the competency questions",
        description="List the competency questions with their ids, parameters and text.",
    )
    questions.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the text")
    questions.set_defaults(handler=_cmd_questions)

    export = commands.add_parser(
        "export", help="write the ontology in an RDF format",
        description="Write the ontology (and data files) deterministically: the same input "
        "gives byte-identical output.",
    )
    export.add_argument("--format", choices=tuple(EXPORT_FORMATS), default="turtle",
                        help="turtle (canonical long Turtle, default), json-ld, nt or xml")
    export.add_argument("--infer", action="store_true", help="include OWL 2 RL entailments")
    export.add_argument("--data", metavar="FILE", nargs="+", action="extend", default=[],
                        help="RDF files or folders to include")
    export.add_argument("--output", "-o", metavar="FILE",
                        help="write here (atomically) instead of standard output")
    export.set_defaults(handler=_cmd_export)

    # --- validate (docs/validation.md) ---
    check = commands.add_parser(
        "validate", help="validate solution descriptions against the SHACL profile",
        description="Validate solution descriptions (sam:Solution) in RDF files or folders "
        "against the profile: mandatory gaps are violations, recommended gaps warnings, "
        "optional ones infos. Exit 0 when nothing reaches the --fail-on level, 1 otherwise.",
    )
    check.add_argument("files", metavar="FILE", nargs="*",
                       help="RDF file (format by file ending) or folder of RDF files")
    check.add_argument("--format", choices=("text", "json", "turtle", "sarif", "junit"),
                       default="text", help="text (default), json, turtle (SHACL report), "
                       "sarif (SARIF 2.1.0) or junit (JUnit XML)")
    check.add_argument("--lang", choices=("nb", "nn", "en"), default="en",
                       help="language of messages and titles (default en)")
    check.add_argument("--fail-on", choices=("violation", "warning", "info"), default="violation",
                       help="lowest severity that makes the exit status 1 (default violation)")
    from .validation import DEFAULT_ENGINE, ENGINES

    check.add_argument("--engine", choices=tuple(ENGINES), default=DEFAULT_ENGINE,
                       help="compiled (default: the profile compiled to SPARQL, run in Oxigraph) "
                       "or pyshacl (the reference engine, slower; the same findings)")
    check.add_argument("--endpoint", metavar="URL",
                       help="validate the catalogue a SPARQL 1.1 endpoint holds, with the "
                       "compiled queries run there, instead of files")
    check.add_argument("--graph", metavar="IRI",
                       help="with --endpoint: the graph holding the catalogue (default-graph-uri)")
    check.add_argument("--background-graph", metavar="IRI",
                       help="with --endpoint: a graph holding the ontology, when 'load' did not "
                       "put it beside the catalogue")
    check.set_defaults(handler=_cmd_validate)
    return parser


def _cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .reports import render
    from .validation import validate

    if args.endpoint:
        from .validation import validate_endpoint

        if args.files or args.engine != "compiled":
            raise SamhandlingError("--endpoint validates the catalogue at the endpoint with the "
                                   "compiled engine; give no FILE and no --engine pyshacl")
        report = validate_endpoint(args.endpoint, graph=args.graph,
                                   background_graph=args.background_graph, lang=args.lang,
                                   fail_on=args.fail_on)
    elif args.graph or args.background_graph:
        raise SamhandlingError("--graph and --background-graph need --endpoint")
    else:
        report = validate(args.files, lang=args.lang, fail_on=args.fail_on, engine=args.engine)
    _write(out, render(report, args.format))
    return EXIT_OK if report.conforms else EXIT_FINDINGS


def _cmd_query(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    question = resolve_query(args.query)
    values: dict[str, str] = {}
    for item in args.bind:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise SamhandlingError(f"--bind wants NAME=VALUE, not {item!r}")
        values[name] = value
    bindings = question.bindings(values)
    store: Store
    if args.endpoint or args.graph:  # --- stores (docs/stores.md) ---
        store = endpoint_for_query(args)
    else:
        if question.needs_data and not args.data:
            err.write(f"samhandling: note: {question.id} reads solution descriptions; give them "
                      "with --data FILE...\n")
        if args.store == "oxigraph":
            store = OxigraphStore.with_knowledge_graph(args.data, infer=args.infer)
        else:
            store = RdflibStore(load_knowledge_graph(args.data, infer=args.infer))
        # A misspelt IRI would otherwise answer with no rows, as if the answer were empty.
        check_parameter_terms(question, bindings, store)
    result = store.query(question.query, bindings, source=str(question.path))
    _write(out, format_result(result, args.format, question.prefixes))
    if result.truncated and args.format != "table":  # the table says so in its last line
        err.write(f"samhandling: warning: {args.endpoint} capped the answer at "
                       f"{len(result.rows)} rows; it is incomplete\n")
    return EXIT_OK


def _cmd_questions(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    for question in list_questions():
        params = " ".join(
            f"[{p.name}={p.default}]" if p.default else f"{p.name}=…" for p in question.parameters
        )
        data = "  (--data)" if question.needs_data else ""
        out.write(f"{question.id}{' ' + params if params else ''}{data}\n    {question.title(args.lang)}\n")
    return EXIT_OK


def _cmd_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    graph = load_knowledge_graph(args.data, infer=args.infer)
    text = export_text(graph, args.format)
    if args.output:
        write_atomically(Path(args.output), text)
    else:
        _write(out, text)
    return EXIT_OK


def export_text(graph: Graph, fmt: str) -> str:
    """Serialise deterministically: the same graph gives the same bytes in every run.

    Blank nodes get canonical labels (hashes of their surroundings) and the triples go into a
    fresh graph in sorted order. Long Turtle then sorts its subjects and nests unshared blank
    nodes; N-Triples is sorted line by line. rdflib's RDF/XML and JSON-LD writers walk Python
    sets, whose order changes with the per-process hash seed, so those two are written here.
    """
    canonical = Graph()
    for prefix, namespace in graph.namespaces():
        canonical.bind(prefix, namespace)
    bind_prefixes(canonical)
    triples = sorted(to_canonical_graph(graph), key=lambda t: tuple(term.n3() for term in t))
    for triple in triples:
        canonical.add(triple)
    if fmt == "xml":
        return _rdf_xml(canonical, triples)
    text = canonical.serialize(format=EXPORT_FORMATS[fmt])
    if fmt == "nt":
        return "".join(sorted(text.splitlines(keepends=True)))
    if fmt == "json-ld":
        document = json.loads(text)
        nodes = document if isinstance(document, list) else document.get("@graph", [document])
        for node in nodes:
            for key, values in node.items():
                if isinstance(values, list):
                    values.sort(key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        nodes.sort(key=lambda n: str(n.get("@id", "")))
        return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return text


def _rdf_xml(graph: Graph, triples: list[tuple[Node, Node, Node]]) -> str:
    """Flat RDF/XML, one rdf:Description per subject, in the order of ``triples``."""
    used: dict[str, str] = {}
    body: list[str] = []
    current: Node | None = None
    for subject, predicate, obj in triples:
        if subject != current:
            if current is not None:
                body.append("  </rdf:Description>")
            what = f"rdf:nodeID={quoteattr(str(subject))}" if isinstance(subject, BNode) else (
                f"rdf:about={quoteattr(str(subject))}")
            body.append(f"  <rdf:Description {what}>")
            current = subject
        try:
            prefix, namespace, local = graph.namespace_manager.compute_qname_strict(str(predicate))
        except ValueError:
            raise SamhandlingError(f"the predicate <{predicate}> cannot be written as RDF/XML") from None
        used[prefix] = str(namespace)
        element = f"{prefix}:{local}"
        if isinstance(obj, Literal):
            attributes = f" xml:lang={quoteattr(obj.language)}" if obj.language else (
                f" rdf:datatype={quoteattr(str(obj.datatype))}" if obj.datatype else "")
            body.append(f"    <{element}{attributes}>{xml_escape(str(obj))}</{element}>")
        elif isinstance(obj, BNode):
            body.append(f"    <{element} rdf:nodeID={quoteattr(str(obj))}/>")
        else:
            body.append(f"    <{element} rdf:resource={quoteattr(str(obj))}/>")
    if current is not None:
        body.append("  </rdf:Description>")
    used["rdf"] = str(RDF)
    declarations = "".join(f"\n   xmlns:{p}={quoteattr(n)}" for p, n in sorted(used.items()))
    return "\n".join(['<?xml version="1.0" encoding="utf-8"?>', f"<rdf:RDF{declarations}>", *body,
                      "</rdf:RDF>", ""])


def write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder: a failed write never leaves the target
    half-written."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_symlink() or (path.exists() and not path.is_file()):
        # Replacing it would swap a link, a device or a folder for a plain file.
        raise SamhandlingError(f"{path}: not a regular file; refusing to replace it")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise SamhandlingError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SamhandlingError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _add_store_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``load`` and ``serve`` (docs/stores.md)."""
    from .stores import DEFAULT_TIMEOUT

    load = commands.add_parser(
        "load", help="put the knowledge graph into a triple store",
        description="Replace a graph of a SPARQL 1.1 store with the ontology plus FILEs, "
        "through its Graph Store HTTP Protocol URL (Oxigraph /store, Fuseki /ds/data, Virtuoso "
        "/sparql-graph-crud-auth, GraphDB /repositories/R/rdf-graphs/service). The graph is "
        "swapped in whole: after a failed load the store holds the graph it had. Credentials "
        "come from SAMHANDLING_USER and SAMHANDLING_PASSWORD only; SAMHANDLING_TIMEOUT sets "
        f"the seconds a store may stay silent (default {DEFAULT_TIMEOUT:g}).",
    )
    load.add_argument("--graph-store", metavar="URL", required=True,
                      help="the store's Graph Store HTTP Protocol endpoint")
    load.add_argument("--graph", metavar="IRI",
                      help="graph to replace (default: the ontology IRI https://w3id.org/samhandling)")
    load.add_argument("files", metavar="FILE", nargs="*", help="RDF files or folders to load with the ontology")
    load.set_defaults(handler=_cmd_load)

    serve = commands.add_parser(
        "serve", help="a local read-only SPARQL endpoint with a query page",
        description="Serve the knowledge graph (and data files) as a read-only SPARQL endpoint "
        "at http://HOST:PORT/sparql, with a query page in the browser offering the competency "
        "questions as examples. Updates are refused. Stop with Ctrl-C.",
    )
    serve.add_argument("--data", metavar="FILE", nargs="+", action="extend", default=[],
                       help="RDF files or folders to serve together with the ontology")
    serve.add_argument("--infer", action="store_true", help="materialise OWL 2 RL entailments first")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=_port, default=7878, help="port (default 7878; 0 picks a free one)")
    serve.set_defaults(handler=_cmd_serve)


def _cmd_load(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .stores import open_store

    store = open_store(graph_store=args.graph_store)
    _write(out, str(store.load(args.files, graph=args.graph)))
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .serve import serve

    return serve(args.data, infer=args.infer, host=args.host, port=args.port, out=out)


def _write(out: TextIO, text: str) -> None:
    out.write(text if text.endswith("\n") else text + "\n")


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command line; returns the exit status (the console script exits with it)."""
    out = out or sys.stdout
    err = err or sys.stderr
    # rdflib logs warnings (e.g. ill-typed literals) through the root logger; they are not
    # errors of ours and would break the one-line-per-error rule.
    logging.getLogger("rdflib").setLevel(logging.ERROR)
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # name the subcommand, whose --help lists what it takes
            prog = f"{parser.prog} {args.command}"
            parser.exit(EXIT_ERROR, f"{prog}: unrecognized arguments: {' '.join(extra)} (see '{prog} --help')\n")
        if args.command == "validate" and not args.files and not args.endpoint:
            prog = f"{parser.prog} validate"
            parser.exit(EXIT_ERROR, f"{prog}: the following arguments are required: FILE "
                        f"(or --endpoint URL) (see '{prog} --help')\n")
    except SystemExit as exc:  # --help, --version and usage errors
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_ERROR
    handler: Callable[[argparse.Namespace, TextIO, TextIO], int] = args.handler
    try:
        return handler(args, out, err)
    except SamhandlingError as exc:
        err.write(f"samhandling: {printable(str(exc))}\n")
        return EXIT_ERROR
    except BrokenPipeError:  # output piped into e.g. head
        return EXIT_OK
    except KeyboardInterrupt:
        err.write("samhandling: interrupted\n")
        return 130


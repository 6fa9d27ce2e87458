"""The ``samhandling`` command.

Exit status: 0 success, 1 findings (validation), 2 usage or input error. A user's mistake is
reported as one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from samhandling_kg.core.errors import SamhandlingError, fill, localised
from samhandling_kg.core.terms import DEFAULT_LANGUAGE, LANGUAGES
from samhandling_kg.core.text import printable, printable_lines
from samhandling_kg.core.usage import TEXTS, language_in, usage_line
from samhandling_kg.core.version import __version__
from samhandling_kg.io.output import OutputError, drop_output, write_output
from samhandling_kg.io.rdf import INPUT_FORMATS, STDIN, read_stdin
from samhandling_kg.kg.graph import load_knowledge_graph
from samhandling_kg.kg.questions import LANGUAGE_PARAMETER, list_questions, resolve_query
from samhandling_kg.publish.ontology import EXPORT_FORMATS, export_text, write_atomically
from samhandling_kg.publish.profiles import PROFILES
from samhandling_kg.query.names import term_names
from samhandling_kg.query.run import LOCAL_ENGINES, local_store, run
from samhandling_kg.sparql.results import format_result
from samhandling_kg.stores.base import Store
from samhandling_kg.stores.endpoint import EndpointStore, open_store

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error (it prints the whole usage by default), in
    ``language`` (core/usage.py; None: English)."""

    language: str | None = None

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, usage_line(self.prog, message, self.language))


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0-65535): {text!r}")
    return int(text)


def _within(convert: Callable[[str], float], low: float, high: float, what: str) -> Callable[[str], Any]:
    def check(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:  # NaN fails too
            raise argparse.ArgumentTypeError(f"not {what} ({low:g}-{high:g}): {text!r}")
        return value
    return check


def _add_lang(parser: argparse.ArgumentParser, what: str, default: str | None = DEFAULT_LANGUAGE) -> None:
    """The one language option: the same choices (terms.LANGUAGES) and default everywhere."""
    parser.add_argument("--lang", choices=LANGUAGES, default=default,
                        help=f"language of {what}: {', '.join(LANGUAGES)} (default {DEFAULT_LANGUAGE})")


def _add_input_format(parser: argparse.ArgumentParser) -> None:
    """``-`` reads standard input; its format comes from this option (rdfio's one registry)."""
    parser.add_argument("--input-format", metavar="FORMAT", type=str.lower, choices=INPUT_FORMATS,
                        help=f"the RDF format of standard input, given as '-': {', '.join(INPUT_FORMATS)}")


def _stdin_inputs(items: list[Any], input_format: str | None, option: str) -> list[Any]:
    """``items`` with ``-`` replaced by standard input read whole (once), in ``input_format``."""
    if STDIN not in items:
        if input_format is not None:
            raise localised(SamhandlingError, TEXTS["input-format-files"], stdin=STDIN)
        return items
    if items.count(STDIN) > 1:
        raise localised(SamhandlingError, TEXTS["stdin-twice"], stdin=STDIN)
    if input_format is None:
        raise localised(SamhandlingError, TEXTS["stdin-format"], stdin=STDIN, known=", ".join(INPUT_FORMATS),
                        option=option)
    given = read_stdin(sys.stdin.buffer, input_format)
    return [given if item == STDIN else item for item in items]


def build_parser(language: str | None = None) -> _Parser:
    """The parser; its usage errors in ``language`` (None: English)."""
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
        # QUERY is required; argparse would show it as [QUERY] (see below why it is optional there).
        usage=f"%(prog)s QUERY [--data FILE...] [--infer] [--lang {'|'.join(LANGUAGES)}] "
        "[--bind NAME=VALUE] [--format table|csv|json] [--endpoint URL [--graph IRI]] "
        f"[--store {'|'.join(LOCAL_ENGINES)}] [--input-format FORMAT]",
    )
    # Optional for argparse only: '--data DIR cq14' lets --data swallow the id (nargs="+");
    # _query_argument takes it back from there.
    query.add_argument("query", metavar="QUERY", nargs="?",
                       help="competency-question id or path to a .rq file (before or after the options)")
    query.add_argument("--data", metavar="FILE", nargs="+", action="extend", default=[],
                       help="RDF files or folders to query together with the ontology (format by "
                       "file ending; '-' for standard input, with --input-format)")
    _add_input_format(query)
    query.add_argument("--infer", action="store_true", help="materialise OWL 2 RL entailments first")
    # None: not given, so a --bind lang=… may say it instead (both at once is refused).
    _add_lang(query, "the labels: those a question answers with (its lang parameter) and those "
              "the table shows for terms and columns", default=None)
    query.add_argument("--bind", metavar="NAME=VALUE", action="append", default=[],
                       help="value of a question parameter, e.g. form=sam:SendAndReceive")
    query.add_argument("--format", choices=("table", "csv", "json"), default="table",
                       help="table (default), W3C SPARQL CSV, or W3C SPARQL JSON")
    # --- stores (docs/stores.md) ---
    query.add_argument("--endpoint", metavar="URL",
                       help="run at this SPARQL endpoint instead of over local files")
    query.add_argument("--graph", metavar="IRI",
                       help="with --endpoint: the graph to query (the protocol's default-graph-uri)")
    query.add_argument("--store", choices=LOCAL_ENGINES, default=None,
                       help=f"local engine: {LOCAL_ENGINES[0]} (default: embedded Oxigraph, many "
                       "times faster on large catalogues) or rdflib, the reference it is tested "
                       "against")
    query.set_defaults(handler=_cmd_query)
    _add_store_commands(commands)
    _add_docs_command(commands)

    questions = commands.add_parser(
        "questions", help="list the competency questions",
        description="List the competency questions with their ids, parameters and text.",
    )
    _add_lang(questions, "the text and of the lang parameter's default")
    questions.set_defaults(handler=_cmd_questions)

    export = commands.add_parser(
        "export", help="write the ontology in an RDF format",
        description="Write the ontology (and data files) deterministically: the same input "
        "gives byte-identical output.",
    )
    export.add_argument("--format", choices=[n for f in EXPORT_FORMATS.values() for n in (f.name, *f.aliases)],
                        default=next(iter(EXPORT_FORMATS)), metavar="FORMAT",
                        help="; ".join(f"{f.name} (or {', '.join(f.aliases)}): {f.description}"
                                       for f in EXPORT_FORMATS.values()))
    export.add_argument("--infer", action="store_true", help="include OWL 2 RL entailments")
    export.add_argument("--data", metavar="FILE", nargs="+", action="extend", default=[],
                        help="RDF files or folders to include")
    export.add_argument("--output", "-o", metavar="FILE",
                        help="write here (atomically) instead of standard output")
    # --- profiles (samhandling_kg/publish/profiles.py, the one registry) ---
    export.add_argument("--profile", choices=list(PROFILES),
                        help="; ".join(f"{p.name}: {p.help}" for p in PROFILES.values()))
    export.add_argument("--publisher", metavar="ORGNR",
                        help="with --profile: the publishing organisation's number (9 digits, "
                        "checked mod 11); default the organisation that owns the source today "
                        "(Helsedirektoratet, 983544622)")
    export.add_argument("--contact-email", metavar="ADDRESS",
                        help="with --profile: the contact point's e-mail address (default the "
                        "publisher's, where the knowledge graph knows it)")
    export.add_argument("--contact-url", metavar="URL",
                        help="with --profile: the contact point's web address (default the "
                        "publisher's, where the knowledge graph knows it)")
    _add_lang(export, "the error messages")
    export.set_defaults(handler=_cmd_export)

    # --- validate (docs/validation.md) ---
    check = commands.add_parser(
        "validate", help="validate solution descriptions against the SHACL profile",
        description="Validate solution descriptions (sam:Solution) in RDF files or folders "
        "against the profile: mandatory gaps are violations, recommended gaps warnings, "
        "optional ones infos. Exit 0 when nothing reaches the --fail-on level, 1 otherwise.",
    )
    check.add_argument("files", metavar="FILE", nargs="*",
                       help="RDF file (format by file ending; '-' for standard input, with "
                       "--input-format) or folder of RDF files")
    _add_input_format(check)
    from samhandling_kg.validation.engines import DEFAULT_ENGINE, ENGINES
    from samhandling_kg.validation.engines import PROFILES as VALIDATION_PROFILES
    from samhandling_kg.validation.model import Severity
    from samhandling_kg.validation.render import FORMATS as REPORT_FORMATS

    check.add_argument("--format", choices=REPORT_FORMATS, default=REPORT_FORMATS[0],
                       help=f"{', '.join(REPORT_FORMATS)} (default {REPORT_FORMATS[0]}): text, the "
                       "contract's JSON, the SHACL report in Turtle, SARIF 2.1.0 or JUnit XML")
    _add_lang(check, "messages and titles")
    levels = [severity.value.lower() for severity in Severity]
    check.add_argument("--fail-on", choices=levels, default=levels[0],
                       help=f"lowest severity that makes the exit status 1 (default {levels[0]})")

    check.add_argument("--engine", choices=tuple(ENGINES), default=DEFAULT_ENGINE,
                       help="compiled (default: the shapes compiled to SPARQL, run in Oxigraph) "
                       "or pyshacl (the reference engine, slower; the same findings)")
    check.add_argument("--shapes", metavar="SHAPES", action="append", default=[],
                       help="SHACL shapes (an RDF file or folder; repeatable) added to the profile; "
                       "with --profile none, the only shapes")
    check.add_argument("--profile", choices=VALIDATION_PROFILES, default=VALIDATION_PROFILES[0],
                       help="samhandling (default: the project's profile, with the ontology as "
                       "background) or none (the --shapes alone: no profile, no background)")
    check.add_argument("--endpoint", metavar="URL",
                       help="validate the catalogue a SPARQL 1.1 endpoint holds, with the "
                       "compiled queries run there, instead of files")
    check.add_argument("--graph", metavar="IRI",
                       help="with --endpoint: the graph holding the catalogue (default-graph-uri)")
    check.add_argument("--background-graph", metavar="IRI",
                       help="with --endpoint: a graph holding the ontology, when 'load' did not "
                       "put it beside the catalogue")
    check.add_argument("--quiet", "-q", action="store_true",
                       help="no progress lines on stderr (shown only on a terminal, after "
                       "SAMHANDLING_PROGRESS_AFTER seconds, default 2)")
    check.set_defaults(handler=_cmd_validate)

    # --- recommend (docs/model.md, "Decision characteristics") ---
    rec = commands.add_parser(
        "recommend", help="rank the interaction forms for a need or a set of characteristics",
        description="Rank the organisational forms, and the technical forms of the best ones, for "
        "a need (--need) and/or decision characteristics that hold (--has) or do not (--not), "
        "saying why with the evidence status and source of every link. --list names the "
        "characteristics and the needs.",
    )
    rec.add_argument("--need", metavar="IRI", help="the need, e.g. sam:SendReferral")
    rec.add_argument("--has", metavar="C", nargs="+", action="extend", default=[],
                     help="characteristics that hold (names from --list, e.g. receiver-known)")
    rec.add_argument("--not", dest="not_", metavar="C", nargs="+", action="extend", default=[],
                     help="characteristics that do not hold (also overrides the need's)")
    rec.add_argument("--list", action="store_true", help="list the characteristics and the needs")
    rec.add_argument("--data", metavar="FILE", nargs="+", action="extend", default=[],
                     help="a catalogue of solutions (and needs of your own) to read with the ontology")
    _add_lang(rec, "the text")
    rec.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")
    rec.set_defaults(handler=_cmd_recommend)
    parser.language = language
    for sub in commands.choices.values():
        sub.language = language
    return parser


def _cmd_recommend(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from samhandling_kg.recommendation.data import decision_data
    from samhandling_kg.recommendation.render import render, render_list
    from samhandling_kg.recommendation.rule import ExclusiveCharacteristics, recommend

    if args.list:
        if args.need or args.has or args.not_:
            raise localised(SamhandlingError, {"nb": "--list tar ingen --need, --has eller --not",
                                               "nn": "--list tek ingen --need, --has eller --not",
                                               "en": "--list takes no --need, --has or --not"})
        listed = render_list(decision_data(load_knowledge_graph(args.data)), args.lang, args.format)
        write_output(out, _for_terminal(listed, args.format))
        return EXIT_OK
    try:
        result = recommend(args.need, args.has, args.not_, data=args.data)
    except ExclusiveCharacteristics as exc:  # one line naming both, in the language asked for
        raise SamhandlingError(exc.message(args.lang)) from None
    write_output(out, _for_terminal(render(result, args.lang, args.format), args.format))
    return EXIT_OK


def _for_terminal(text: str, fmt: str) -> str:
    """Text output with the data's labels in it, escaped as every text output is (JSON keeps
    values exactly)."""
    return text if fmt == "json" else printable_lines(text)


def _cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from samhandling_kg.core.progress import Progress, wants_progress
    from samhandling_kg.validation.render import pieces

    progress = Progress(err, args.lang) if wants_progress(err, args.quiet) else None
    with progress or contextlib.nullcontext():
        report = _validate_report(args, progress)
    write_output(out, pieces(report, args.format))
    return EXIT_OK if report.conforms else EXIT_FINDINGS


def _validate_report(args: argparse.Namespace, progress: Any) -> Any:
    from samhandling_kg.validation.engines import validate
    from samhandling_kg.validation.render import LIST_EVERY_RECORD

    if args.endpoint:
        from samhandling_kg.validation.endpoint import validate_endpoint

        if args.files or args.engine != "compiled":
            raise localised(SamhandlingError, TEXTS["validate-endpoint-files"])
        report = validate_endpoint(args.endpoint, graph=args.graph,
                                   background_graph=args.background_graph, lang=args.lang,
                                   fail_on=args.fail_on, progress=progress,
                                   shapes=args.shapes or None, profile=args.profile)
    elif args.graph or args.background_graph:
        raise localised(SamhandlingError, TEXTS["validate-graph-endpoint"])
    else:
        args.files = _stdin_inputs(args.files, args.input_format, "samhandling validate")
        report = validate(args.files, lang=args.lang, fail_on=args.fail_on, engine=args.engine,
                          progress=progress, shapes=args.shapes or None, profile=args.profile,
                          every_record=args.format in LIST_EVERY_RECORD)
    return report


def _query_argument(args: argparse.Namespace) -> str:
    """QUERY, also when it came after ``--data FILE...`` and that list took it: a ``.rq``
    file or a question id (no file ending, no such file) is never an RDF data file (those are
    read by their RDF file ending)."""
    if args.query is not None:
        return str(args.query)
    if args.data:
        last = str(args.data[-1])
        if last != STDIN and (last.endswith(".rq") or not (Path(last).suffix or Path(last).exists())):
            args.data = args.data[:-1]
            return last
    raise localised(SamhandlingError, TEXTS["query-missing"])


def _cmd_query(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    question = resolve_query(_query_argument(args))
    values: dict[str, str] = {}
    for item in args.bind:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise localised(SamhandlingError, TEXTS["bind-form"], item=item, item_repr=repr(item))
        if name in values:  # the last would silently win
            raise localised(SamhandlingError, TEXTS["bind-twice"], name=name, first=values[name], second=value,
                            first_repr=repr(values[name]), second_repr=repr(value))
        values[name] = value
    if args.lang is not None and LANGUAGE_PARAMETER in values and values[LANGUAGE_PARAMETER] != args.lang:
        raise localised(SamhandlingError, TEXTS["lang-disagree"], lang=args.lang, param=LANGUAGE_PARAMETER,
                        value=values[LANGUAGE_PARAMETER])
    values = {**question.defaults(args.lang or DEFAULT_LANGUAGE), **values}
    question.bindings(values)  # a bad value is refused before any file is read
    store: Store | None = None
    if args.endpoint or args.graph:  # --- stores (docs/stores.md) ---
        if not args.endpoint:
            raise localised(SamhandlingError, TEXTS["query-graph-endpoint"])
        if args.data or args.infer or args.store is not None:
            raise localised(SamhandlingError, TEXTS["query-local-options"])
        store = open_store(endpoint=args.endpoint, graph=args.graph, on_warning=_warner(err))
    elif question.needs_data and not args.data:
        note = fill(TEXTS["note-data"], id=question.id)[args.lang or DEFAULT_LANGUAGE]
        err.write(f"samhandling: {note}\n")
    args.data = _stdin_inputs(args.data, args.input_format, "--data")
    if store is None:
        store = local_store(args.data, infer=args.infer, engine=args.store or LOCAL_ENGINES[0])
    result = run(question, values, store=store)
    if args.format == "table" and result.kind == "SELECT":
        # For people: labels in the reader's language, the question's names of the columns.
        lang = args.lang or DEFAULT_LANGUAGE
        write_output(out, format_result(result, "table", question.prefixes, lang=lang,
                                        names=term_names(store, result, lang),
                                        headings={v: question.label(v, lang) for v in result.variables}))
    else:
        write_output(out, format_result(result, args.format, question.prefixes,
                                        lang=args.lang or DEFAULT_LANGUAGE if args.format == "table" else None))
    if isinstance(store, EndpointStore) and result.kind == "SELECT" and not result.rows:
        hint = store.default_graph_hint()
        if hint:
            err.write(f"samhandling: note: {printable(hint)}\n")
    if result.truncated and args.format != "table":  # the table says so in its last line
        capped = fill(TEXTS["capped"], endpoint=args.endpoint, rows=len(result.rows))
        err.write(f"samhandling: {capped[args.lang or DEFAULT_LANGUAGE]}\n")
    return EXIT_OK


def _cmd_questions(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    lines = []
    for question in list_questions():
        defaults = question.defaults(args.lang)  # [lang=nn] for --lang nn
        params = " ".join(
            f"[{p.name}={defaults[p.name]}]" if p.name in defaults else f"{p.name}=…"
            for p in question.parameters
        )
        data = "  (--data)" if question.needs_data else ""
        lines.append(f"{question.id}{' ' + params if params else ''}{data}\n    {question.title(args.lang)}\n")
        # Each parameter's name for a reader, from the question file (the query page's fields).
        lines += [f"      {p.name}: {question.label(p.name, args.lang)}\n" for p in question.parameters
                  if question.label(p.name, args.lang) != p.name]
    write_output(out, "".join(lines))
    return EXIT_OK


def _cmd_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.profile:
        if args.infer:  # the profile maps asserted links; entailed ones would pose as stated
            raise localised(SamhandlingError, {"nb": "export: --infer kan ikke brukes med --profile",
                                               "nn": "export: --infer kan ikkje brukast med --profile",
                                               "en": "export: --infer cannot be used with --profile"})
        run = PROFILES[args.profile].run(args.data, args.publisher, args.contact_email, args.contact_url)
        err.writelines(f"{printable(line)}\n" for line in run.lines)
        if not run.write:
            return EXIT_FINDINGS
        graph, status = run.graph, (EXIT_FINDINGS if run.status else EXIT_OK)
    elif args.publisher is not None or args.contact_email is not None or args.contact_url is not None:
        option = "--publisher" if args.publisher is not None else (
            "--contact-email" if args.contact_email is not None else "--contact-url")
        raise localised(SamhandlingError, {"nb": "export: {option} krever --profile ({profiles})",
                                           "nn": "export: {option} krev --profile ({profiles})",
                                           "en": "export: {option} needs --profile ({profiles})"},
                        option=option, profiles=" | ".join(PROFILES))
    else:
        graph, status = load_knowledge_graph(args.data, infer=args.infer), EXIT_OK
    text = export_text(graph, args.format)
    if args.output:
        write_atomically(Path(args.output), text)
    else:
        write_output(out, text)
    return status


def _add_store_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``load`` and ``serve`` (docs/stores.md)."""
    from samhandling_kg.io.http import DEFAULT_TIMEOUT
    from samhandling_kg.serve.server import DEFAULT_PORT, Limits

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
    load.add_argument("--clean", action="store_true",
                      help="instead of loading: remove the temporary graphs and records that "
                      "interrupted loads left in the store (only while no load is running)")
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
    serve.add_argument("--port", type=_port, default=DEFAULT_PORT,
                       help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")
    limits = Limits()
    serve.add_argument("--timeout", metavar="SECONDS", type=_within(float, 0.1, 86400, "a number of seconds"),
                       default=limits.timeout, help=f"stop a query after this long (default {limits.timeout:g})")
    serve.add_argument("--memory", metavar="MB", type=_within(int, 0, 1 << 20, "a number of MB"),
                       default=limits.memory_mb, help="memory a query may take on top of the "
                       f"graph, in MB (default {limits.memory_mb}; 0: no limit)")
    serve.add_argument("--workers", metavar="N", type=_within(int, 1, 64, "a number of workers"),
                       default=limits.workers, help="queries run at once, each in a process with "
                       f"its own copy of the graph (default {limits.workers})")
    serve.add_argument("--allow-cross-site", action="store_true",
                       help="answer requests that other web sites make browsers send (refused by "
                       "default: a page elsewhere could run and time queries here)")
    serve.set_defaults(handler=_cmd_serve)


def _add_docs_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``docs``: the static documentation site (samhandling_kg/site)."""
    docs = commands.add_parser(
        "docs", help="write the documentation site (nb, nn, en) generated from the graph",
        description="Write a static, offline documentation site generated from the knowledge "
        "graph into DIR: the diagram, the supported-by matrix, a page per concept, the needs "
        "tree, the profile and the competency questions with their answers, in Bokmål, "
        "Nynorsk and English; with --data also the solution catalogue. DIR/index.html is the "
        "start page.",
    )
    docs.add_argument("--output", "-o", metavar="DIR", required=True, help="folder to write the site into")
    docs.add_argument("--data", metavar="FILE", nargs="+", action="extend", default=[],
                      help="RDF files or folders of solution descriptions to include")
    docs.set_defaults(handler=_cmd_docs)


def _cmd_docs(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from samhandling_kg.site import write_site

    count = write_site(args.output, args.data)
    write_output(out, f"wrote {count} files to {args.output} (start page: "
                      f"{Path(args.output) / 'index.html'})")
    return EXIT_OK


def _cmd_load(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    store = open_store(graph_store=args.graph_store, on_warning=_warner(err))
    if args.clean:
        if args.files or args.graph:
            raise SamhandlingError("--clean takes no FILE and no --graph: it cleans the whole store")
        removed = store.clean()
        write_output(out, f"removed {len(removed)} temporary graph{'' if len(removed) == 1 else 's'} of "
                          f"loads at {args.graph_store}" + "".join(f"\n  {name}" for name in removed))
        return EXIT_OK
    report = store.load(args.files, graph=args.graph)
    err.writelines(f"samhandling: note: {printable(note)}\n" for note in report.notes)
    write_output(out, str(report))
    return EXIT_OK


def _warner(err: TextIO) -> Callable[[str], None]:
    def warn(message: str) -> None:
        err.write(f"samhandling: warning: {printable(message)}\n")

    return warn


def _cmd_serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from samhandling_kg.serve.server import Limits, serve

    limits = Limits(timeout=args.timeout, memory_mb=args.memory, workers=args.workers,
                    allow_cross_site=args.allow_cross_site)
    return serve(args.data, infer=args.infer, host=args.host, port=args.port, out=out, limits=limits,
                 err=err)


def _error_language(args: argparse.Namespace) -> str | None:
    """The language of a command's error lines: its --lang (``query``'s default, None, is
    the default language); None (English) for commands without one."""
    lang: str | None = getattr(args, "lang", None)
    return lang or (DEFAULT_LANGUAGE if args.command == "query" else None)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command line; returns the exit status (the console script exits with it)."""
    out = out or sys.stdout
    err = err or sys.stderr
    # rdflib logs warnings (e.g. ill-typed literals) through the root logger; they are not
    # errors of ours and would break the one-line-per-error rule.
    logging.getLogger("rdflib").setLevel(logging.ERROR)
    given = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(language_in(given, ("validate", "query"), DEFAULT_LANGUAGE, LANGUAGES))
    if not given:  # a bare 'samhandling': the help, as usage
        err.write(parser.format_help())
        return EXIT_ERROR
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # name the subcommand, whose --help lists what it takes
            prog = f"{parser.prog} {args.command}"
            parser.exit(EXIT_ERROR, usage_line(prog, f"unrecognized arguments: {' '.join(extra)}",
                                               parser.language))
        if args.command == "validate" and not args.files and not args.endpoint:
            lang = parser.language or "en"
            parser.exit(EXIT_ERROR, usage_line(f"{parser.prog} validate", TEXTS["validate-required"][lang], lang))
    except SystemExit as exc:  # --help, --version and usage errors
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_ERROR
    handler: Callable[[argparse.Namespace, TextIO, TextIO], int] = args.handler
    try:
        return handler(args, out, err)
    except SamhandlingError as exc:
        if isinstance(exc, OutputError):
            drop_output(out)
        err.write(f"samhandling: {printable(exc.in_language(_error_language(args)))}\n")
        return EXIT_ERROR
    except BrokenPipeError:  # output piped into e.g. head
        drop_output(out)
        return EXIT_OK
    except OSError as exc:  # e.g. pyoxigraph reporting an I/O error while a result is read
        err.write(f"samhandling: {printable(exc.strerror or str(exc) or type(exc).__name__)}\n")
        return EXIT_ERROR
    except KeyboardInterrupt as exc:  # Interrupted says what is true after it
        err.write(f"samhandling: {printable(str(exc)) or 'interrupted'}\n")
        return 130


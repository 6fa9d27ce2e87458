"""The bad-input corpus (tests/corpus/manifest.toml) run through the real command line.

Every case: bounded time, exit 2 with exactly one line on stderr naming the file (or exit 0
with the right answer where the input is legal), no traceback, nothing fetched, no file named
in the data opened. Cases that could hang or eat memory run in a child process with a memory
limit, a CPU limit, a wall-clock timeout and a network trip-wire; the rest run in-process under
an alarm, with the conftest network guard and an audit hook that records forbidden opens.

Below the corpus: regression tests named after the bugs the corpus found.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from samhandling_kg.cli import main

CORPUS = Path(__file__).parents[1] / "corpus"
CASES: list[dict[str, Any]] = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))["case"]

#: Seconds any one command may take, in-process or in a child process.
CASE_TIMEOUT = 30
#: Address space of a child process: the bombs must fail long before this.
CHILD_MEMORY = 1536 * 1024 * 1024

#: Paths that data files name (file: IRIs, entities, contexts) and that must never be opened.
FORBIDDEN_OPENS = ("/etc/passwd", "/etc/shadow", "SENTINEL", "attacker.example")

_opened: list[str] = []
_watching = False


def _open_watch(event: str, args: tuple[Any, ...]) -> None:
    if _watching and event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        name = os.fsdecode(args[0])
        if any(mark in name for mark in FORBIDDEN_OPENS):
            _opened.append(name)


sys.addaudithook(_open_watch)


# --------------------------------------------------------------------------------- generators

def _write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _triples(n: int) -> str:
    return "".join(f'<https://example.org/s{i}> <https://example.org/p> "value {i}" .\n' for i in range(n))


def huge_ntriples(tmp: Path) -> Path:
    return _write(tmp / "huge.nt", _triples(30000))  # about 2.5 MB


def huge_ntriples_bad_end(tmp: Path) -> Path:
    return _write(tmp / "huge-bad.nt", _triples(30000) + "<https://example.org/s> <https://example.org/p> .\n")


def one_line_literal_ntriples(tmp: Path) -> Path:
    return _write(tmp / "long-line.nt", '<https://example.org/s> <https://example.org/p> "' + "a" * 3_000_000 + '" .\n')


def one_line_many_triples_turtle(tmp: Path) -> Path:
    body = " ".join(f'ex:s{i} ex:p "v" .' for i in range(10000))
    return _write(tmp / "one-line.ttl", "@prefix ex: <https://example.org/> . " + body)


def huge_iri_turtle(tmp: Path) -> Path:
    return _write(tmp / "long-iri.ttl", f'<https://example.org/{"x" * 1_000_000}> <https://example.org/p> "v" .')


def long_multiline_literal(tmp: Path) -> Path:
    return _write(tmp / "multiline.ttl", '<https://example.org/s> <https://example.org/p> """' + "line\n" * 20000 + '""" .\n')


def deep_blank_nodes(tmp: Path) -> Path:
    depth = 20000
    return _write(tmp / "deep.ttl", "<https://example.org/s> <https://example.org/p> "
                  + "[ <https://example.org/p> " * depth + "1" + " ]" * depth + " .\n")


def deep_collection_trig(tmp: Path) -> Path:
    return _write(tmp / "deep.trig", "<https://example.org/g> { <https://example.org/s> <https://example.org/p> "
                  + "(" * 5000 + ")" * 5000 + " . }\n")


def deep_formula(tmp: Path) -> Path:
    return _write(tmp / "deep.n3", "{ " * 5000 + "}" * 5000 + " .\n")


def deep_objects_jsonld(tmp: Path) -> Path:
    depth = 50000
    return _write(tmp / "deep.jsonld", '{"@id": "https://example.org/s", "https://example.org/p": '
                  + '{"https://example.org/p": ' * depth + '"x"' + "}" * depth + "}")


def deep_lists_jsonld(tmp: Path) -> Path:
    return _write(tmp / "lists.jsonld", '{"@id": "https://example.org/s", "https://example.org/p": {"@list": '
                  + "[" * 5000 + "]" * 5000 + "}}")


def deep_rdfxml(tmp: Path) -> Path:
    depth = 3000
    head = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">'
    body = '<rdf:Description rdf:about="https://example.org/s"><ex:p>' + "<rdf:Description><ex:p>" * (depth - 1)
    tail = "</ex:p></rdf:Description>" * depth
    return _write(tmp / "deep.rdf", head + body + "x" + tail + "</rdf:RDF>")


def moderate_collection(tmp: Path) -> Path:
    return _write(tmp / "list.ttl", "<https://example.org/s> <https://example.org/p> " + "(" * 100 + ")" * 100 + " .\n")


GOOD_TURTLE = '<https://example.org/a> <https://example.org/b> "c"@nb .\n'


def folder(tmp: Path) -> Path:
    (tmp / "folder.ttl").mkdir()
    return tmp / "folder.ttl"


def link_to_file(tmp: Path) -> Path:
    _write(tmp / "real.ttl", GOOD_TURTLE)
    (tmp / "link.ttl").symlink_to(tmp / "real.ttl")
    return tmp / "link.ttl"


def link_to_folder(tmp: Path) -> Path:
    (tmp / "real").mkdir()
    (tmp / "link.ttl").symlink_to(tmp / "real")
    return tmp / "link.ttl"


def dangling_link(tmp: Path) -> Path:
    (tmp / "dangling.ttl").symlink_to(tmp / "gone.ttl")
    return tmp / "dangling.ttl"


def link_loop(tmp: Path) -> Path:
    (tmp / "a.ttl").symlink_to(tmp / "b.ttl")
    (tmp / "b.ttl").symlink_to(tmp / "a.ttl")
    return tmp / "a.ttl"


def fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "pipe.ttl")
    return tmp / "pipe.ttl"


def dev_zero(tmp: Path) -> Path:
    (tmp / "zero.nt").symlink_to("/dev/zero")
    return tmp / "zero.nt"


def dev_urandom(tmp: Path) -> Path:
    (tmp / "random.ttl").symlink_to("/dev/urandom")
    return tmp / "random.ttl"


def unknown_ending(tmp: Path) -> Path:
    return _write(tmp / "report.docx", b"PK\x03\x04")


def hostile_folder(tmp: Path) -> Path:
    top = tmp / "catalogue"
    (top / "sub").mkdir(parents=True)
    _write(top / "good.ttl", GOOD_TURTLE)
    os.mkfifo(top / "pipe.ttl")
    (top / "loop-a.ttl").symlink_to(top / "loop-b.ttl")
    (top / "loop-b.ttl").symlink_to(top / "loop-a.ttl")
    (top / "dangling.nt").symlink_to(top / "gone.nt")
    (top / "sub" / "parent").symlink_to(top)  # a folder loop
    (top / "sub" / "zero.nt").symlink_to("/dev/zero")
    return top


def unreadable(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = _write(tmp / "locked.ttl", GOOD_TURTLE)
    path.chmod(0)
    if os.geteuid() == 0:  # root reads files whatever their mode: make the read fail as it would
        real = Path.open

        def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", refuse)
    return path


def unreadable_subfolder(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder whose subfolder cannot be listed: it was skipped and the folder 'conformed'."""
    top = tmp / "catalogue"
    (top / "locked").mkdir(parents=True)
    _write(top / "good.ttl", GOOD_TURTLE)
    _write(top / "locked" / "hidden-from-us.ttl", GOOD_TURTLE)
    (top / "locked").chmod(0)
    if os.geteuid() == 0:  # root lists folders whatever their mode: make the listing fail
        real = os.scandir

        def refuse(folder: Any = ".") -> Any:
            if Path(folder) == top / "locked":
                raise PermissionError(13, "Permission denied", str(folder))
            return real(folder)

        monkeypatch.setattr(os, "scandir", refuse)
    return top


def deep_folders(tmp: Path) -> Path:
    """1,200 nested folders (Path.rglob recursed and raised RecursionError)."""
    top = tmp / "deep"
    top.mkdir()
    current = top
    for _ in range(1200):
        current = current / "d"
        current.mkdir()
    _write(current / "a.ttl", GOOD_TURTLE)
    return top


def many_prefixes_turtle(tmp: Path) -> Path:
    """100,000 @prefix lines: rdflib bound each in time growing with those before (it hung)."""
    lines = "".join(f"@prefix p{i}: <https://example.org/{i}/> .\n" for i in range(100_000))
    return _write(tmp / "prefixes.ttl", lines + 'p7:a p7:b "c"@nb .\n')


def many_prefixes_trig(tmp: Path) -> Path:
    lines = "".join(f"@prefix p{i}: <https://example.org/{i}/> .\n" for i in range(100_000))
    return _write(tmp / "prefixes.trig", lines + 'p7:g { p7:a p7:b "c"@nb . }\n')


def many_xml_namespaces(tmp: Path) -> Path:
    names = "".join(f' xmlns:p{i}="https://example.org/{i}/"' for i in range(20_000))
    return _write(tmp / "namespaces.rdf", f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"{names}>'
                  '<rdf:Description rdf:about="https://example.org/a"><p5:b>c</p5:b></rdf:Description></rdf:RDF>')


def many_jsonld_prefixes(tmp: Path) -> Path:
    terms = ",".join(f'"p{i}": "https://example.org/{i}/"' for i in range(20_000))
    return _write(tmp / "prefixes.jsonld", '{"@context": {%s}, "@id": "https://example.org/a", "p5:b": "c"}' % terms)


_HEAD = ("@prefix sam: <https://w3id.org/samhandling#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
         "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n@prefix ex: <https://example.org/> .\n")


def subclass_chain_to_solution(tmp: Path) -> Path:
    """A solution typed with the end of a 1,000-long rdfs:subClassOf chain down from sam:Solution."""
    chain = "".join(f"ex:C{i} rdfs:subClassOf ex:C{i + 1} .\n" for i in range(1000))
    return _write(tmp / "subclasses.ttl", _HEAD + chain + "ex:C1000 rdfs:subClassOf sam:Solution .\n"
                  "ex:x a ex:C0 ; sam:realises sam:SendAndReceive .\n")


def deep_subclass_of_organisational_form(tmp: Path) -> Path:
    """A solution realising an instance of a class 5,000 levels below sam:OrganisationalForm."""
    chain = "".join(f"ex:D{i} rdfs:subClassOf ex:D{i + 1} .\n" for i in range(5000))
    return _write(tmp / "deep-form.ttl", _HEAD + chain + "ex:D5000 rdfs:subClassOf sam:OrganisationalForm .\n"
                  "ex:f a ex:D0 .\nex:x a sam:Solution ; sam:realises ex:f .\n")


def deep_broader_chain(tmp: Path) -> Path:
    chain = "".join(f"ex:N{i} skos:broader ex:N{i + 1} .\n" for i in range(3000))
    return _write(tmp / "broader.ttl", _HEAD + chain)


def blank_node_chain(tmp: Path) -> Path:
    chain = "".join(f"_:b{i} <https://example.org/p> _:b{i + 1} .\n" for i in range(2000))
    return _write(tmp / "chain.nt", "<https://example.org/s> <https://example.org/p> _:b0 .\n" + chain)


def long_list(tmp: Path) -> Path:
    items = " ".join(f'"{i}"' for i in range(3000))
    return _write(tmp / "list.ttl", f"<https://example.org/s> <https://example.org/p> ({items}) .\n")


def huge_values_query(tmp: Path) -> Path:
    values = " ".join(f'"v{i}"' for i in range(200_000))  # about 2 MB
    return _write(tmp / "values.rq", f"SELECT * WHERE {{ VALUES ?x {{ {values} }} }}\n")


def long_or_chain_query(tmp: Path) -> Path:
    chain = " || ".join(f"?o = {i}" for i in range(100_000))
    return _write(tmp / "or.rq", f"SELECT * WHERE {{ ?s ?p ?o\n FILTER({chain}) }}\n")


def many_unions_query(tmp: Path) -> Path:
    unions = "\nUNION ".join(f"{{ ?s ?p {i} }}" for i in range(3_000))  # 20,000 were 430 KB
    return _write(tmp / "unions.rq", f"SELECT * WHERE {{\n{unions} }}\n")


def gigabyte_of_nul(tmp: Path) -> Path:
    """A sparse 1 GB file of NUL bytes: it was read whole (2.1 GB) to report byte 0."""
    path = tmp / "zeros.ttl"
    with path.open("wb") as handle:
        handle.truncate(1024 ** 3)
    return path


MAKERS: dict[str, Callable[..., Path]] = {
    f.__name__: f
    for f in (huge_ntriples, huge_ntriples_bad_end, one_line_literal_ntriples, one_line_many_triples_turtle,
              huge_iri_turtle, long_multiline_literal, deep_blank_nodes, deep_collection_trig, deep_formula,
              deep_objects_jsonld, deep_lists_jsonld, deep_rdfxml, moderate_collection, folder,
              link_to_file, link_to_folder, dangling_link, link_loop, fifo, dev_zero, dev_urandom,
              unknown_ending, hostile_folder, unreadable, unreadable_subfolder, deep_folders,
              many_prefixes_turtle, many_prefixes_trig, many_xml_namespaces, many_jsonld_prefixes,
              gigabyte_of_nul, subclass_chain_to_solution, deep_subclass_of_organisational_form,
              deep_broader_chain, blank_node_chain, long_list, huge_values_query,
              long_or_chain_query, many_unions_query)
}

#: Makers that patch the process (root reads whatever the mode says).
PATCHING = {"unreadable", "unreadable_subfolder"}


# --------------------------------------------------------------------------------- running

def _english(argv: list[str], error: bool = True) -> list[str]:
    """The manifest's error messages are the English ones: validate, query and export (whose
    errors follow --lang, default nb) run with --lang en where the case expects an error
    (``error``) and gives no language; answers stay in the default language."""
    if (error and argv and argv[0] in ("validate", "query", "export")
            and not any(a.startswith("--lang") for a in argv)):
        return [*argv, "--lang", "en"]
    return argv


def _commands(case: dict[str, Any], path: Path) -> list[list[str]]:
    if "argv" in case:
        return [_english([a.replace("{file}", str(path)).replace("{corpus}", str(CORPUS))
                          for a in case["argv"]], case.get("exit") == 2)]
    probe = str(CORPUS / "queries" / "probe.rq")
    default = ["query"] if path.suffix == ".rq" else ["data", "validate"]
    argv = {
        "data": ["query", probe, "--data", str(path)],
        # the reference engine, where it reads a file differently from the default (Oxigraph)
        "data-rdflib": ["query", probe, "--store", "rdflib", "--data", str(path)],
        "data-infer": ["query", probe, "--infer", "--data", str(path)],
        "validate": ["validate", str(path)],
        "export": ["export", "--format", "nt", "--data", str(path)],
        "query": ["query", str(path)],
    }
    return [_english(argv[name], case.get("exit") == 2) for name in case.get("commands", default)]


class CaseTimeout(Exception):
    pass


@contextmanager
def _alarm(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise CaseTimeout(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_in_process(argv: list[str]) -> tuple[int, str, str]:
    global _watching
    out, err = io.StringIO(), io.StringIO()
    _watching = True
    try:
        with _alarm(CASE_TIMEOUT):
            code = main(argv, out=out, err=err)
    finally:
        _watching = False
    return code, out.getvalue(), err.getvalue()


#: The child: limits first, then a trip-wire on every connection and forbidden open, then the CLI.
CHILD = f"""
import os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({CHILD_MEMORY}, {CHILD_MEMORY}))
resource.setrlimit(resource.RLIMIT_CPU, ({CASE_TIMEOUT}, {CASE_TIMEOUT}))
NET = {{"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request"}}
FORBIDDEN = {FORBIDDEN_OPENS!r}
def trip(event, args):
    if event in NET:
        os.write(2, ("TRIPWIRE network " + repr(args)[:200] + "\\n").encode()); os._exit(97)
    if event == "open" and args and isinstance(args[0], str) and any(m in args[0] for m in FORBIDDEN):
        os.write(2, ("TRIPWIRE open " + args[0] + "\\n").encode()); os._exit(98)
sys.addaudithook(trip)
from samhandling_kg.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _isolation_prefix() -> list[str]:
    """``unshare -rn`` (no network namespace at all) where the system allows it."""
    tool = shutil.which("unshare")
    if tool and subprocess.run([tool, "-rn", "true"], capture_output=True).returncode == 0:
        return [tool, "-rn"]
    return []


_PREFIX: list[str] | None = None


def run_isolated(argv: list[str]) -> tuple[int, str, str]:
    global _PREFIX
    if _PREFIX is None:
        _PREFIX = _isolation_prefix()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        [*_PREFIX, sys.executable, "-c", CHILD, *argv],
        capture_output=True, timeout=CASE_TIMEOUT + 15, env=env, stdin=subprocess.DEVNULL,
    )
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def check(case: dict[str, Any], path: Path, argv: list[str], first: bool,
          result: tuple[int, str, str]) -> None:
    code, out, err = result
    where = f"case {case['id']}: {' '.join(argv)[:200]}"
    assert "Traceback" not in err, f"{where}\n{err}"
    assert "TRIPWIRE" not in err, f"{where}\n{err}"
    assert code == case["exit"], f"{where}: exit {code}, stderr {err!r}"
    if code == 2:
        assert err.endswith("\n") and err.count("\n") == 1, f"{where}: not one line: {err!r}"
        assert err.startswith("samhandling: "), err
        if case.get("names_file", True):
            assert str(path) in err, f"{where}: does not name the file: {err!r}"
        if "line" in case:
            assert f"{path}:{case['line']}: " in err, f"{where}: not on line {case['line']}: {err!r}"
        assert case["stderr"] in err, f"{where}: {err!r}"
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", err), f"{where}: raw control characters: {err!r}"
        assert out == "", f"{where}: output besides the error: {out[:200]!r}"
    else:
        assert err == "", f"{where}: stderr {err!r}"
        if first:
            for fragment in case.get("stdout", []):
                assert fragment in out, f"{where}: {fragment!r} not in {out[:500]!r}"


def test_manifest_is_complete() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert len(ids) >= 40
    for case in CASES:
        assert ("file" in case) != ("make" in case), case["id"]
        assert case["exit"] in (0, 2) or (case["exit"] == 1 and "validate" in str(case.get("commands"))), case["id"]
        assert case["exit"] != 2 or case.get("stderr"), f"{case['id']}: an error case needs its stderr fragment"
        if "file" in case:
            assert (CORPUS / case["file"]).is_file(), case["id"]
        else:
            assert case["make"] in MAKERS, case["id"]
    listed = {case["file"] for case in CASES if "file" in case}
    on_disk = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file()}
    unused = on_disk - listed - {"manifest.toml", "queries/probe.rq", "queries/count.rq", "queries/count-p.rq",
                                         "queries/path-star.rq"}
    assert not unused, f"corpus files without a case: {sorted(unused)}"
    suffixes = {Path(case["file"]).suffix for case in CASES if "file" in case and case["exit"] == 2}
    assert {".ttl", ".nt", ".nq", ".trig", ".n3", ".jsonld", ".rdf", ".trix", ".rq"} <= suffixes


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_corpus_case(case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if "file" in case:
        path = CORPUS / case["file"]
    else:
        maker = MAKERS[case["make"]]
        path = maker(tmp_path, monkeypatch) if case["make"] in PATCHING else maker(tmp_path)
    del _opened[:]
    for index, argv in enumerate(_commands(case, path)):
        started = time.monotonic()
        result = run_isolated(argv) if case.get("isolate") else run_in_process(argv)
        check(case, path, argv, index == 0, result)
        assert time.monotonic() - started < CASE_TIMEOUT
    assert not _opened, f"case {case['id']} opened {_opened}"
    if case.get("make") == "deep_folders":
        _remove_deep(path)  # pytest's own clean-up (shutil.rmtree) recurses per level


def _remove_deep(top: Path) -> None:
    folders = [top]
    while True:
        entries = [p for p in folders[-1].iterdir()]
        for entry in entries:
            if entry.is_dir() and not entry.is_symlink():
                folders.append(entry)
                break
            entry.unlink()
        else:
            break
    for folder in reversed(folders):
        for entry in folder.iterdir():
            entry.unlink()
        folder.rmdir()


#: Legal RDF that the rdflib reader refuses but load's streaming parser (pyoxigraph) takes:
#: a 6000-digit integer, a NUL character inside a literal.
LOAD_ACCEPTS = {"turtle-bare-integer-of-6000-digits", "turtle-bare-integer-of-6000-digits-validate",
                "nul-inside-literal"}
LOAD_CASES = [
    pytest.param(case, id=case["id"])
    for case in CASES
    if "file" in case and case["exit"] == 2 and case["id"] not in LOAD_ACCEPTS
    and case["file"].split("/")[0] in ("syntax", "encoding", "junk", "xml", "jsonld")
]


@pytest.mark.parametrize("case", LOAD_CASES)
def test_load_refuses_the_bad_file_before_connecting(case: dict[str, Any]) -> None:
    """``load`` reads Turtle, N-Triples, N-Quads and TriG with its own streaming parser: the same
    bad files must be refused there too, naming the file, before any connection is made (the
    graph store named here has no server behind it)."""
    from servers import free_port

    path = CORPUS / case["file"]
    code, out, err = run_in_process(["load", "--graph-store", f"http://127.0.0.1:{free_port()}/store", str(path)])
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert str(path) in err and "connection refused" not in err, err
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", err), err


# --------------------------------------------------------------------------------- regressions

def run(*argv: str) -> tuple[int, str, str]:
    return run_in_process(_english(list(argv)))


def _linear_baseline(tmp: Path, size: int) -> float:
    """Seconds to read a well-formed N-Triples file of about ``size`` bytes in short lines: the
    yardstick the two quadratic bugs below are measured against, on the same machine and run
    (a shared machine makes absolute times meaningless)."""
    from samhandling_kg.io.rdf import parse_file

    line = '<https://example.org/s> <https://example.org/p> "a" .\n'
    path = _write(tmp / "baseline.nt", "".join(line.replace('"a"', f'"{i}"') for i in range(size // len(line))))
    started = time.monotonic()
    parse_file(path)
    return time.monotonic() - started


def test_bug_ntriples_long_line_quadratic(tmp_path: Path) -> None:
    """rdflib's N-Triples reader re-scanned its buffer for every 2 KB read: 85 s for one 5 MB line
    (some twenty times a file of that size in short lines; now a tenth of it)."""
    from samhandling_kg.io.rdf import parse_file

    path = one_line_literal_ntriples(tmp_path)
    started = time.monotonic()
    assert len(parse_file(path)) == 1
    took = time.monotonic() - started
    assert took < 4 * max(_linear_baseline(tmp_path, path.stat().st_size), 0.05)


def test_bug_ntriples_error_line_found_by_reparsing_every_line(tmp_path: Path) -> None:
    """The bad line of a long N-Triples file was found by parsing each line again with a new graph."""
    from samhandling_kg.core.errors import InputError
    from samhandling_kg.io.rdf import parse_file

    path = huge_ntriples_bad_end(tmp_path)
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        parse_file(path)
    assert caught.value.line == 30001
    took = time.monotonic() - started
    # the re-parse per line was quadratic: many times a good file of that size (now less)
    assert took < 4 * max(_linear_baseline(tmp_path, path.stat().st_size), 0.05)


@pytest.mark.parametrize("ending", [".nt", ".nq"])
def test_bug_line_formats_keep_line_numbers_with_cr_line_ends(ending: str, tmp_path: Path) -> None:
    graph = " <https://example.org/g>" if ending == ".nq" else ""
    path = _write(tmp_path / f"cr{ending}", f'<https://example.org/a> <https://example.org/b> "x"{graph} .\r'
                  f'<https://example.org/a> <https://example.org/b> "y"{graph} .\r\n<https://example.org/a> .\n')
    code, _, err = run("query", str(CORPUS / "queries" / "probe.rq"), "--data", str(path))
    assert code == 2 and f"{path}:3: " in err, err


def test_bug_jsonld_huge_number_escaped_as_traceback() -> None:
    code, _, err = run("validate", str(CORPUS / "syntax" / "huge-number.jsonld"))
    assert code == 2 and "malformed JSON" in err and "Traceback" not in err


def test_bug_ill_typed_literal_warnings_reach_stderr(tmp_path: Path) -> None:
    """rdflib warns (warnings.warn) about "maybe"^^xsd:boolean; Python printed it on stderr."""
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from samhandling_kg.cli import main; sys.exit(main(sys.argv[1:]))",
         "query", str(CORPUS / "queries" / "probe.rq"), "--data", str(CORPUS / "legal" / "ill-typed.ttl")],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert "maybe" in proc.stdout


def test_bug_iri_with_space_crashed_export() -> None:
    code, out, err = run("export", "--format", "nt", "--data", str(CORPUS / "syntax" / "iri-with-space.ttl"))
    assert code == 2 and "invalid IRI" in err and out == ""


def test_bug_from_named_raised_bare_exception() -> None:
    code, _, err = run("query", str(CORPUS / "sparql" / "from-named.rq"))
    assert code == 2 and "cannot run the query" in err


def test_bug_lazy_construct_errors_escape(tmp_path: Path) -> None:
    path = _write(tmp_path / "construct.rq", "CONSTRUCT { ?s ?p ?o } FROM NAMED <urn:g> WHERE { GRAPH ?g { ?s ?p ?o } }")
    code, _, err = run("query", str(path))
    assert code == 2 and "cannot run the query" in err


def test_bug_empty_query_called_an_update() -> None:
    code, _, err = run("query", str(CORPUS / "sparql" / "empty.rq"))
    assert code == 2 and "is empty" in err and "update" not in err


def test_bug_comment_only_query_called_an_update(tmp_path: Path) -> None:
    path = _write(tmp_path / "comments.rq", "# nothing here\n  # still nothing\n")
    code, _, err = run("query", str(path))
    assert code == 2 and "is empty" in err


def test_bug_control_characters_reach_the_terminal() -> None:
    code, out, _ = run("query", str(CORPUS / "queries" / "probe.rq"), "--data",
                       str(CORPUS / "legal" / "control-characters.ttl"))
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    # the machine formats keep the value exactly
    code, out, _ = run("query", str(CORPUS / "queries" / "probe.rq"), "--format", "json", "--data",
                       str(CORPUS / "legal" / "control-characters.ttl"))
    assert code == 0 and "\\u001b[2J" in out


def test_bug_utf32_reported_as_utf16() -> None:
    code, _, err = run("validate", str(CORPUS / "encoding" / "utf32le-bom.ttl"))
    assert code == 2 and "UTF-32" in err and "UTF-16" not in err


def test_file_name_with_newline_gives_one_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "evil\nname.ttl", "not turtle at all\n")
    code, _, err = run("validate", str(path))
    assert code == 2 and err.count("\n") == 1

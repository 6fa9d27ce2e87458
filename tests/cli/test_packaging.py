"""The wheel carries the Turtle and query files, and works from any folder."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    builder_module = pytest.importorskip("hatchling.builders.wheel")
    out = tmp_path_factory.mktemp("dist")
    builder = builder_module.WheelBuilder(str(ROOT))
    (built,) = builder.build(directory=str(out), versions=["standard"])
    return Path(built)


def test_wheel_ships_every_source_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = ["ontology/samhandling.ttl"]
    expected += [f"queries/{p.name}" for p in (ROOT / "queries").glob("*.rq")]
    expected += [f"shapes/{p.name}" for p in (ROOT / "shapes").glob("*.ttl")]
    expected += ["shapes/skos-ap-no/skos-ap-no-begrep.ttl"]  # the check of export --profile
    for name in expected:
        assert f"samhandling_kg/_data/{name}" in names
    site = ROOT / "samhandling_kg" / "site"  # the documentation site's templates and scripts
    for path in [*site.glob("templates/*.j2"), *site.glob("static/*")]:
        assert f"samhandling_kg/site/{path.relative_to(site)}" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_unpacked_wheel_answers_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import samhandling_kg, samhandling_kg.core.resources as r;"
        "print(r.ontology_path());"
        "print(len(samhandling_kg.load_knowledge_graph()), len(samhandling_kg.list_questions()))"
    )
    done = subprocess.run(
        [sys.executable, "-s", "-c", code],  # PYTHONPATH puts the unpacked wheel first
        cwd=elsewhere, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    path, counts = done.stdout.splitlines()
    assert path.startswith(str(site)) and "_data" in path
    triples, questions = map(int, counts.split())
    assert triples > 1000 and questions == len(list((ROOT / "queries").glob("*.rq")))


def test_import_leaves_the_host_process_as_it_was() -> None:
    """A library does not change its host process on import: no audit hook installed, and
    rdflib's SPARQL_LOAD_GRAPHS and NORMALIZE_LITERALS as they were (issue 12)."""
    probe = (
        "import sys\n"
        "hooks = []\n"
        "sys.addaudithook(lambda event, args: hooks.append(event) if event == 'sys.addaudithook' else None)\n"
        "import rdflib, rdflib.plugins.sparql as sparql\n"
        "before = (sparql.SPARQL_LOAD_GRAPHS, rdflib.NORMALIZE_LITERALS)\n"
        "import samhandling_kg\n"
        "after = (sparql.SPARQL_LOAD_GRAPHS, rdflib.NORMALIZE_LITERALS)\n"
        "assert not hooks, hooks\n"
        "assert before == after, (before, after)\n"
        "samhandling_kg.load_knowledge_graph()\n"  # reading a file installs the guard, once
        "assert hooks == ['sys.addaudithook'], hooks\n"
        "assert (sparql.SPARQL_LOAD_GRAPHS, rdflib.NORMALIZE_LITERALS) == before\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_peer_engine_of_the_benchmarks_is_an_extra_the_tests_never_need() -> None:
    # pyshacl-turbo is measured by benchmarks/general_shapes.py only: the `bench` extra, for
    # the Pythons its wheel is built for; CI installs `.[test]`, and no test imports it.
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"]
    (turbo,) = [r for r in extras["bench"] if r.startswith("pyshacl-turbo")]
    assert turbo.endswith("; python_version >= '3.11'")
    assert not any("turbo" in r for r in extras["test"])
    importing = [str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("*.py")
                 if re.search(r"^\s*(import|from)\s+pyshacl_turbo", p.read_text(encoding="utf-8"),
                              re.MULTILINE)]
    assert importing == []
    assert "pyshacl_turbo" in (ROOT / "benchmarks" / "general_shapes.py").read_text(encoding="utf-8")

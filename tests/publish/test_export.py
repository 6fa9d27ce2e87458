"""`samhandling export`: every format round-trips and the output is byte-for-byte stable."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from samhandling_kg import load_knowledge_graph, ontology_graph
from samhandling_kg.cli import main
from samhandling_kg.core.namespace import ONTOLOGY_IRI
from samhandling_kg.core.terms import PREFIXES
from samhandling_kg.publish.ontology import EXPORT_FORMATS

FORMATS = {name: fmt.rdflib_format for name, fmt in EXPORT_FORMATS.items()}


def export(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(["export", *argv], out=out, err=err) == 0, err.getvalue()
    return out.getvalue()


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_round_trips_and_is_deterministic(fmt: str) -> None:
    first = export("--format", fmt)
    assert export("--format", fmt) == first
    parsed = Graph().parse(data=first, format=FORMATS[fmt])
    assert isomorphic(parsed, ontology_graph())


def test_turtle_export_is_sorted_long_turtle() -> None:
    text = export()
    assert text.startswith("PREFIX ")  # longturtle writes SPARQL-style prefixes
    assert "sam:SendAndReceive" in text


def test_materialised_export_holds_the_entailments() -> None:
    text = export("--format", "nt", "--infer")
    assert text == export("--format", "nt", "--infer")
    parsed = Graph().parse(data=text, format="nt")
    assert isomorphic(parsed, load_knowledge_graph(infer=True))
    assert (
        "<https://w3id.org/samhandling#DataSharing> <https://w3id.org/samhandling#supports> "
        "<https://w3id.org/samhandling#ChangeAndShare> ." in text.splitlines()
    )


def test_output_file_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "samhandling.nt"
    out = io.StringIO()
    assert main(["export", "--format", "nt", "--output", str(target)], out=out) == 0
    assert out.getvalue() == ""
    assert target.read_text(encoding="utf-8") == export("--format", "nt")
    assert [p.name for p in tmp_path.iterdir()] == ["samhandling.nt"]  # no temporary left


def test_output_into_missing_folder_is_one_line_error(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "folder" / "out.ttl"
    err = io.StringIO()
    assert main(["export", "--output", str(target)], err=err) == 2
    assert err.getvalue().count("\n") == 1 and str(target) in err.getvalue()
    assert not target.exists()


def test_existing_output_survives_a_failed_export(tmp_path: Path) -> None:
    target = tmp_path / "keep.ttl"
    target.write_text("precious")
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle")
    err = io.StringIO()
    assert main(["export", "--data", str(bad), "--output", str(target)], err=err) == 2
    assert target.read_text() == "precious"


@pytest.mark.parametrize("kind", ["link", "folder", "device"])
def test_output_that_is_not_a_regular_file_is_left_alone(kind: str, tmp_path: Path) -> None:
    if kind == "link":
        target = tmp_path / "link.ttl"
        (tmp_path / "real.ttl").write_text("kept")
        target.symlink_to(tmp_path / "real.ttl")
    elif kind == "folder":
        target = tmp_path / "folder.ttl"
        target.mkdir()
    else:
        target = Path("/dev/null")
    err = io.StringIO()
    assert main(["export", "--output", str(target)], err=err) == 2
    assert "not a regular file" in err.getvalue()
    if kind == "link":
        assert target.is_symlink() and (tmp_path / "real.ttl").read_text() == "kept"
    assert kind != "device" or Path("/dev/null").is_char_device()


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_is_the_same_under_another_hash_seed(fmt: str) -> None:
    # Python's per-process hash seed changes the order of sets; rdflib's writers walk sets.
    import os
    import subprocess
    import sys

    code = f"import sys; from samhandling_kg.cli import main; sys.exit(main(['export', '--format', '{fmt}']))"
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }
    assert outputs == {export("--format", fmt)}


def test_output_file_follows_the_umask(tmp_path: Path) -> None:
    """An exported file is an ordinary file: readable by others when the umask says so (it
    was created 0600 by the temporary-file step, and publishing it then failed)."""
    previous = os.umask(0o022)
    try:
        target = tmp_path / "out.ttl"
        assert main(["export", "--output", str(target)], out=io.StringIO()) == 0
        assert stat.S_IMODE(target.stat().st_mode) == 0o644
        os.umask(0o077)
        private = tmp_path / "private.ttl"
        assert main(["export", "--output", str(private)], out=io.StringIO()) == 0
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
    finally:
        os.umask(previous)


@pytest.mark.parametrize("alias", [a for f in EXPORT_FORMATS.values() for a in f.aliases])
def test_aliases_write_the_same_bytes(alias: str) -> None:
    (name,) = [n for n, f in EXPORT_FORMATS.items() if alias in f.aliases]
    assert export("--format", alias) == export("--format", name)
    assert {"ttl", "jsonld"} <= {a for f in EXPORT_FORMATS.values() for a in f.aliases}


def test_json_ld_is_compacted_with_the_project_prefixes() -> None:
    import json

    document = json.loads(export("--format", "jsonld"))
    assert document["@context"] == PREFIXES
    ids = {node["@id"] for node in document["@graph"]}
    assert "sam:SendAndReceive" in ids and str(ONTOLOGY_IRI) in ids
    assert not any(i.startswith("https://w3id.org/samhandling#") for i in ids)


def test_json_ld_of_data_with_its_own_prefixes_round_trips(tmp_path: Path) -> None:
    data = tmp_path / "d.ttl"
    data.write_text("@prefix ex: <https://example.org/> .\n@prefix sam: <https://w3id.org/samhandling#> .\n"
                    "ex:s a sam:Solution ; ex:p ( 3 1 2 ) ; ex:q [ ex:r \"x\"@nb ] .\n", encoding="utf-8")
    text = export("--format", "json-ld", "--data", str(data))
    assert text == export("--format", "json-ld", "--data", str(data))
    assert isomorphic(Graph().parse(data=text, format="json-ld"), load_knowledge_graph([data]))


def test_turtle_opens_with_the_ontology_header() -> None:
    text = export("--format", "ttl")
    body = text.split("\n\n", 1)[1].lstrip()  # after the PREFIX lines
    assert body.startswith(f"<{ONTOLOGY_IRI}>\n"), body[:200]
    header = body.split("\n\n", 1)[0]
    assert "owl:Ontology" in header and "owl:versionIRI" in header

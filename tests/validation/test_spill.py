"""An input larger than SAMHANDLING_SPILL_ABOVE is validated in an on-disk store (issue 18: a
million records within 12 GiB). The in-memory store is the oracle: the report must be the
same, blank-node labels aside (each read names them anew), and the folder must go."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from catalogue_gen import DEFECTS, catalogue_text

from samhandling_kg import validate
from samhandling_kg.cli import main
from samhandling_kg.core import limits
from samhandling_kg.core.errors import InputError
from samhandling_kg.validation.input import _read
from samhandling_kg.validation.render import to_json

ROOT = Path(__file__).resolve().parents[2]


def _masked(report_json: str) -> str:
    return re.sub(r"_:[0-9A-Za-z]+", "_:b", report_json)


@pytest.fixture()
def catalogue(tmp_path: Path) -> Path:
    # Every kind of defect, alone and in pairs, between valid records.
    specs: list[list[str]] = [[d] for d in DEFECTS]
    specs += [[a, b] for a, b in zip(DEFECTS, DEFECTS[7:] + DEFECTS[:7])]
    specs += [[] for _ in range(20)]
    path = tmp_path / "catalogue.ttl"
    path.write_text(catalogue_text(specs), encoding="utf-8")
    return path


@pytest.fixture()
def own_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_the_limit_decides_where_the_store_is(catalogue: Path, own_tmp: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    size = catalogue.stat().st_size
    monkeypatch.setenv(limits.SPILL.env, str(size))  # not above: in memory
    given = _read(catalogue)
    assert not given.spilled and not list(own_tmp.iterdir())
    monkeypatch.setenv(limits.SPILL.env, str(size - 1))
    given = _read(catalogue)
    assert given.spilled and len(list(own_tmp.iterdir())) == 1
    given.close()
    assert not list(own_tmp.iterdir())


@pytest.mark.parametrize("engine", ["compiled", "pyshacl"])
def test_a_spilled_validation_reports_what_memory_reports(
        catalogue: Path, own_tmp: Path, monkeypatch: pytest.MonkeyPatch, engine: str) -> None:
    in_memory = validate(catalogue, engine=engine)
    monkeypatch.setenv(limits.SPILL.env, "1")
    on_disk = validate(catalogue, engine=engine)
    assert len(in_memory.results) > len(DEFECTS)
    assert _masked(to_json(on_disk)) == _masked(to_json(in_memory))
    assert not list(own_tmp.iterdir())  # the store's folder is gone


def test_spilled_with_the_users_shapes_and_no_profile(own_tmp: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data.ttl"
    data.write_text('@prefix ex: <http://example.org/> .\n'
                    'ex:a ex:p "5"^^<http://www.w3.org/2001/XMLSchema#int> , "x" .\n',
                    encoding="utf-8")
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text('@prefix sh: <http://www.w3.org/ns/shacl#> .\n'
                      '@prefix ex: <http://example.org/> .\n'
                      '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                      'ex:S a sh:NodeShape ; sh:targetNode ex:a ;\n'
                      '  sh:property [ sh:path ex:p ; sh:datatype xsd:int ] .\n', encoding="utf-8")
    in_memory = validate(data, shapes=shapes, profile="none")
    monkeypatch.setenv(limits.SPILL.env, "1")
    on_disk = validate(data, shapes=shapes, profile="none")
    assert [r.value for r in on_disk.results] == [r.value for r in in_memory.results] == ['x']
    assert not list(own_tmp.iterdir())


def test_a_bad_file_on_disk_is_one_line_and_leaves_nothing(own_tmp: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b .\n",
                   encoding="utf-8")
    monkeypatch.setenv(limits.SPILL.env, "1")
    with pytest.raises(InputError) as raised:
        validate(bad)
    assert "bad.ttl" in str(raised.value) and raised.value.line == 3
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "bad.ttl" in err and "Traceback" not in err
    assert not list(own_tmp.iterdir())


def test_the_command_line_spills_the_same(catalogue: Path, own_tmp: Path,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(catalogue), "--format", "json"]) == 1
    in_memory = json.loads(_masked(capsys.readouterr().out))
    monkeypatch.setenv(limits.SPILL.env, "1")
    assert main(["validate", str(catalogue), "--format", "json"]) == 1
    assert json.loads(_masked(capsys.readouterr().out)) == in_memory
    assert not list(own_tmp.iterdir())

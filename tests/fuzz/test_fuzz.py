"""The fuzz harnesses (tests/fuzz/fuzz_harnesses.py) for a bounded, derandomised number of
examples, and every crash they ever found (tests/fuzz/corpus/) replayed. Long runs by hand:
``python benchmarks/fuzz.py --examples 20000``."""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from typing import Any

import pytest
from fuzz_harnesses import (
    STRATEGIES,
    check_endpoint_answer,
    check_file_reader,
    check_query_guard,
    check_serve_request,
    corpus_cases,
    save,
)
from helpers import serving
from hypothesis import HealthCheck, given, settings

#: FUZZ_EXAMPLES=N for longer runs (benchmarks/fuzz.py sets it, randomised, and FUZZ_SAVE=1).
_LONG = os.environ.get("FUZZ_EXAMPLES")
_SAVE = bool(os.environ.get("FUZZ_SAVE"))


def _settings(quick: int) -> settings:
    return settings(max_examples=int(_LONG or quick), deadline=None, derandomize=_LONG is None,
                    database=None, suppress_health_check=list(HealthCheck))


def _final() -> bool:
    from hypothesis.control import current_build_context

    try:
        return bool(current_build_context().is_final)
    except Exception:
        return False


@pytest.fixture(scope="module")
def serve_port() -> Iterator[int]:
    from samhandling_kg.serve.server import make_server
    from samhandling_kg.stores.local import OxigraphStore
    with serving(make_server(OxigraphStore.with_knowledge_graph(), "127.0.0.1", 0)) as (_, port):
        yield port


def _run(harness: str, value: Any, port: int | None = None) -> None:
    try:
        if harness == "file_reader":
            check_file_reader(*value)
        elif harness == "query_guard":
            check_query_guard(value)
        elif harness == "endpoint_answer":
            check_endpoint_answer(*value)
        else:
            assert port is not None
            check_serve_request(value, port)
    except Exception:
        if _SAVE and _final():  # the shrunk example hypothesis reports, not every step there
            save(harness, value)
        raise


@_settings(40)
@given(STRATEGIES["file_reader"])
def test_fuzz_file_readers(value: tuple[bytes, str]) -> None:
    _run("file_reader", value)


@_settings(150)
@given(STRATEGIES["query_guard"])
def test_fuzz_query_guard(value: str) -> None:
    _run("query_guard", value)


@_settings(100)
@given(STRATEGIES["endpoint_answer"])
def test_fuzz_endpoint_answers(value: tuple[bytes, str]) -> None:
    _run("endpoint_answer", value)


@_settings(60)
@given(STRATEGIES["serve_request"])
def test_fuzz_serve_requests(serve_port: int, value: bytes) -> None:
    _run("serve_request", value, serve_port)


@pytest.mark.parametrize(("harness", "case"), corpus_cases(), ids=lambda v: getattr(v, "stem", v))
def test_fuzz_corpus_case(harness: str, case: Any, request: pytest.FixtureRequest) -> None:
    value = ast.literal_eval(case.read_text(encoding="utf-8"))
    port = request.getfixturevalue("serve_port") if harness == "serve_request" else None
    _run(harness, value, port)

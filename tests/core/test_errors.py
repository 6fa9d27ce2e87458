"""The errors carry what callers decide on as typed fields, not as words in their text."""

from __future__ import annotations

import pytest

from samhandling_kg.core.errors import (
    EndpointError,
    Interrupted,
    QueryError,
    UpdateRefused,
    keeps_claim,
    uncertain,
)
from samhandling_kg.sparql.guard import check_read_query


def test_an_update_is_refused_as_its_own_kind() -> None:
    with pytest.raises(UpdateRefused) as refused:
        check_read_query("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "q.rq")
    assert isinstance(refused.value, QueryError)
    with pytest.raises(QueryError) as malformed:
        check_read_query("SELECT WHERE {", "q.rq")
    assert not isinstance(malformed.value, UpdateRefused)


def test_uncertain_and_keeps_claim_are_fields() -> None:
    assert uncertain(EndpointError("lost", uncertain=True))
    assert not uncertain(EndpointError("refused"))
    assert not uncertain(ValueError("x"))
    assert keeps_claim(EndpointError("pending", keeps_claim=True))
    assert keeps_claim(Interrupted("interrupted", keeps_claim=True))
    assert not keeps_claim(Interrupted("interrupted"))
    assert not keeps_claim(KeyboardInterrupt())

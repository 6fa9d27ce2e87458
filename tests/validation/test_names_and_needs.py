"""What ``validate`` says about a name a Norwegian writer would type: the term whose nb, nn or
en label the name is, a need for a wrong ``sam:addresses``, and every finding of a record that
lacks its ``rdf:type``."""

from __future__ import annotations

from pathlib import Path

import pytest

from samhandling_kg.core.namespace import SAM
from samhandling_kg.kg.graph import closest_term
from samhandling_kg.validation.engines import validate

ROOT = Path(__file__).resolve().parents[2]
HELSEID = (ROOT / "examples" / "helseid.ttl").read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "expected"), [
    ("Portaltilgang", "sam:PortalAccess"),  # the Bokmål label as a name
    ("Meldingsutveksling", "sam:MessageExchange"),
    ("Datadeling", "sam:DataSharing"),
    ("Portaltilgan", "sam:PortalAccess"),  # a misspelt label
    ("Soluton", "sam:Solution"),  # a misspelt name still finds its term
    ("PortalAccess", None),  # a term is not its own suggestion
])
def test_a_label_typed_as_a_name_suggests_its_term(name: str, expected: str | None) -> None:
    assert closest_term(str(SAM) + name) == expected


def test_only_needs_are_suggested_among_needs() -> None:
    assert closest_term(str(SAM) + "Legemiddel", str(SAM.Need)) == "sam:Medicines"
    assert closest_term(str(SAM) + "Portaltilgang", str(SAM.Need)) is None


def _messages(tmp_path: Path, text: str, lang: str = "nb", engine: str = "compiled") -> list[tuple[str, str]]:
    path = tmp_path / "solution.ttl"
    path.write_text(text, encoding="utf-8")
    report = validate(path, lang=lang, engine=engine)
    return sorted((str(r.path), r.message) for r in report.results)


@pytest.mark.parametrize("engine", ["compiled", "pyshacl"])
def test_validate_suggests_the_term_of_a_label_given_as_a_name(tmp_path: Path, engine: str) -> None:
    text = HELSEID.replace("sam:uses sam:DataSharing ;", "sam:uses sam:Portaltilgang ;")
    assert text != HELSEID
    messages = _messages(tmp_path, text, engine=engine)
    uses = [m for p, m in messages if p == str(SAM.uses)]
    assert len(uses) == 1 and uses[0].endswith("Mente du sam:PortalAccess?"), messages


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_a_form_given_as_addresses_gets_the_needs_it_meets(tmp_path: Path, lang: str) -> None:
    from samhandling_kg.validation.hints import NEEDS_OF_FORM

    text = HELSEID.replace("sam:addresses cat:TrustBetweenActors", "sam:addresses sam:SendAndReceive")
    assert text != HELSEID
    addresses = [m for p, m in _messages(tmp_path, text, lang) if p == str(SAM.addresses)]
    assert len(addresses) == 1
    hint = NEEDS_OF_FORM[lang].split("{}")[0]
    assert hint in addresses[0] and "sam:ReferralsAndDischargeSummaries" in addresses[0]
    # A misspelt need gets the need it most likely is.
    text = HELSEID.replace("sam:addresses cat:TrustBetweenActors", "sam:addresses sam:Legemiddel")
    addresses = [m for p, m in _messages(tmp_path, text, lang) if p == str(SAM.addresses)]
    assert len(addresses) == 1 and "sam:Medicines" in addresses[0]


@pytest.mark.parametrize("engine", ["compiled", "pyshacl"])
def test_a_record_without_its_type_still_gets_its_other_findings(tmp_path: Path, engine: str) -> None:
    broken = HELSEID.replace("sam:uses sam:DataSharing ;", "sam:uses sam:Portaltilgang ;")
    typed = _messages(tmp_path, broken, "en", engine)
    untyped = _messages(tmp_path, broken.replace("cat:helseid a sam:Solution ;", "cat:helseid"), "en", engine)
    assert broken.count("cat:helseid a sam:Solution ;") == 1
    # The same findings, and the missing type besides.
    missing = [m for m in untyped if m not in typed]
    assert len(missing) == 1 and missing[0][0].endswith("#type") and "sam:Solution" in missing[0][1]
    assert set(typed) <= set(untyped) and len(typed) >= 3

"""Norwegian organisation numbers: the mod-11 check and the brreg IRI form."""

from __future__ import annotations

import re

_ORG_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
_ORG_IRI = re.compile(r"^https?://data[.]brreg[.]no/enhetsregisteret/(api/)?enhet(er)?/([0-9]{9})$")


def organisation_number_valid(number: str) -> bool:
    """True for a 9-digit Norwegian organisation number with a correct mod-11 check digit
    (weights 3 2 7 6 5 4 3 2; check digit 11 − sum mod 11, 11 → 0, 10 never valid)."""
    if not re.fullmatch(r"[0-9]{9}", number):
        return False
    digits = [int(c) for c in number]
    remainder = sum(w * d for w, d in zip(_ORG_WEIGHTS, digits)) % 11
    check = (11 - remainder) % 11
    return check != 10 and check == digits[8]


def organisation_number_of(iri: str) -> str | None:
    """The organisation number in an Enhetsregisteret IRI, or None."""
    match = _ORG_IRI.match(str(iri))
    return match.group(3) if match else None

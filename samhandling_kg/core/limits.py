"""The limits the tool chooses for what it reads (issue 23), instead of a parser's accident.

Each has a default that real catalogues never meet and an environment variable that raises
(or lowers) it; past it the command stops with one line naming the file, the line and the
limit, and exit 2. SECURITY.md lists them with the tests that show them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from samhandling_kg.core.errors import SamhandlingError, localised

MIB = 1 << 20


@dataclass(frozen=True)
class Limit:
    """One limit: its environment variable, its default, and what it counts."""

    env: str
    default: int
    unit: str  # "bytes", "characters", "rows", "seconds", "triples"

    def value(self) -> int:
        """The limit in force: the environment variable when set, else the default."""
        given = os.environ.get(self.env, "").strip()
        if not given:
            return self.default
        if not given.isdigit() or int(given) <= 0:
            raise localised(SamhandlingError, {
                "nb": "{env}: «{given}» er ikke et positivt heltall ({unit})",
                "nn": "{env}: «{given}» er ikkje eit positivt heiltal ({unit})",
                "en": "{env}: not a positive whole number of {unit}: {given_repr}"},
                env=self.env, given=given[:40], given_repr=repr(given[:40]), unit=UNITS[self.unit])
        return int(given)

    def describe(self, value: int | None = None) -> str:
        """``4 MiB (the limit; SAMHANDLING_MAX_TOKEN raises it)``."""
        amount = self.value() if value is None else value
        return f"{amount_text(amount, self.unit)} (the limit; {self.env} raises it)"

    def described(self, value: int | None = None) -> dict[str, str]:
        """:meth:`describe` in nb, nn and en (for :func:`~samhandling_kg.core.errors.localised`)."""
        amount = self.value() if value is None else value
        return {"nb": f"{amount_text(amount, self.unit, 'nb')} (grensen; kan økes med {self.env})",
                "nn": f"{amount_text(amount, self.unit, 'nn')} (grensa; kan aukast med {self.env})",
                "en": self.describe(amount)}


#: The units of the limits in each language.
UNITS = {"bytes": {"nb": "byte", "nn": "byte", "en": "bytes"},
         "characters": {"nb": "tegn", "nn": "teikn", "en": "characters"},
         "rows": {"nb": "rader", "nn": "rader", "en": "rows"},
         "seconds": {"nb": "sekunder", "nn": "sekund", "en": "seconds"},
         "triples": {"nb": "tripler", "nn": "triplar", "en": "triples"}}


def amount_text(amount: int, unit: str, lang: str = "en") -> str:
    """``amount`` of ``unit`` for a reader of ``lang`` (MiB for whole mebibytes)."""
    if unit == "bytes" and amount >= MIB and amount % MIB == 0:
        return f"{amount // MIB} MiB"
    if unit == "bytes" and amount >= MIB:
        text = f"{amount / MIB:.1f}"
        return f"{text if lang == 'en' else text.replace('.', ',')} MiB"
    name = UNITS.get(unit, {}).get(lang, unit)
    return f"{amount:,} {name}".replace(",", " ") if amount >= 10_000 else f"{amount} {name}"


#: The largest literal or IRI a reader takes, in bytes of the file (pyoxigraph's parsers stop
#: at 16 MiB with a MemoryError; a description of a solution is a few KB).
TOKEN = Limit("SAMHANDLING_MAX_TOKEN", 4 * MIB, "bytes")
#: The longest IRI, in characters, after relative IRIs are resolved: a chain of relative
#: ``@base`` declarations grows IRIs with every line (14,000 lines made gigabytes).
IRI = Limit("SAMHANDLING_MAX_IRI", 16_384, "characters")
#: The largest input: a file, or standard input (counted while it is read).
INPUT = Limit("SAMHANDLING_MAX_INPUT", 1024 * MIB, "bytes")
#: Validation reads up to this many bytes of input (all files together) into memory, about
#: ten bytes of memory per byte of Turtle; a larger input goes to an on-disk store in the
#: temporary directory, removed afterwards: some ten times slower, without the data in memory
#: (a catalogue of a million records, 880 MB of Turtle, is validated within 9 GiB). Not a
#: limit that stops anything: where the work happens.
SPILL = Limit("SAMHANDLING_SPILL_ABOVE", 256 * MIB, "bytes")
#: The largest answer of a store, counted after decoding (a gzip bomb), as it is read.
ANSWER = Limit("SAMHANDLING_MAX_ANSWER", 512 * MIB, "bytes")
#: The most rows ``validate --endpoint`` fetches for one check (in pages).
ROWS = Limit("SAMHANDLING_MAX_ROWS", 2_000_000, "rows")
#: The fewest rows a page of ``validate --endpoint`` may hold when a store caps its answers
#: (X-SPARQL-MaxRows): below, paging would send a request per row.
ROW_FLOOR = 100
#: OWL 2 RL inference (``docs``, ``--infer``): at most this many seconds, and this many
#: derived triples.
INFER_SECONDS = Limit("SAMHANDLING_MAX_INFER_SECONDS", 120, "seconds")
INFER_TRIPLES = Limit("SAMHANDLING_MAX_INFERRED", 2_000_000, "triples")

#: The inference limits' messages (``{limit}``: :meth:`Limit.described`), in the site's words
#: for OWL 2 RL inference («sluttet av reglene»).
INFERENCE_DERIVED = {
    "nb": "OWL 2 RL-reglene sluttet mer enn {limit}; dataene har en form (som en lang "
          "owl:sameAs-kjede) reglene ikke blir ferdige med",
    "nn": "OWL 2 RL-reglane slutta meir enn {limit}; dataa har ei form (som ei lang "
          "owl:sameAs-kjede) reglane ikkje vert ferdige med",
    "en": "inference derived more than {limit}; the data holds a shape (such as a long owl:sameAs "
          "chain) it cannot finish"}
INFERENCE_RAN = {
    "nb": "OWL 2 RL-reglene brukte mer enn {limit}; dataene har en form (som en lang "
          "owl:sameAs-kjede) reglene ikke blir ferdige med",
    "nn": "OWL 2 RL-reglane brukte meir enn {limit}; dataa har ei form (som ei lang "
          "owl:sameAs-kjede) reglane ikkje vert ferdige med",
    "en": "inference ran longer than {limit}; the data holds a shape (such as a long owl:sameAs "
          "chain) it cannot finish"}

"""The validation profile as documentation: a row per named property shape, the Markdown
tables of docs/validation.md, and the SARIF rules (:mod:`.reports`) and site
page (:mod:`.site`) built from the same rows.

Maintenance: ``python -m samhandling_kg.validation.profile_docs --write-docs`` rewrites the tables
between their markers; ``python -m samhandling_kg.validation.profile_docs [LANG]`` prints one.
tests/validation/test_shapes.py checks that the committed tables are current.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import SH

from samhandling_kg.core.errors import SamhandlingError
from samhandling_kg.core.labels import compact, pick_text
from samhandling_kg.core.namespace import SAMSH
from samhandling_kg.core.terms import DEFAULT_LANGUAGE, LANGUAGES
from samhandling_kg.validation.assemble import _shape_order
from samhandling_kg.validation.input import _shapes
from samhandling_kg.validation.model import Severity

__all__ = ["DOC_MARKERS", "LEVEL_WORDS", "ProfileRow", "profile_rows", "profile_table",
           "render_doc_tables"]


@dataclass(frozen=True)
class ProfileRow:
    shape: str
    path: str
    severity: Severity
    name: str
    message: str
    order: float


#: The profile levels (Severity.level) as each language names them.
LEVEL_WORDS = {
    "en": {"mandatory": "mandatory", "recommended": "recommended", "optional": "optional"},
    "nb": {"mandatory": "obligatorisk", "recommended": "anbefalt", "optional": "valgfri"},
    "nn": {"mandatory": "obligatorisk", "recommended": "tilrådd", "optional": "valfri"},
}
_TABLE_HEAD = {
    "en": ("property", "level", "message", "shape"),
    "nb": ("egenskap", "nivå", "melding", "form (shape)"),
    "nn": ("eigenskap", "nivå", "melding", "form (shape)"),
}


def profile_rows(lang: str = DEFAULT_LANGUAGE) -> list[ProfileRow]:
    """Every named property shape of the profile, ordered by level and ``sh:order``."""
    shapes = _shapes()
    rows = []
    for shape in set(shapes.subjects(SH.severity, None)):
        if not isinstance(shape, URIRef) or not str(shape).startswith(str(SAMSH)):
            continue
        path = shapes.value(shape, SH.path)
        # A SPARQL constraint that selects ?path reports the path of each result itself
        # (samsh:KnownTerm): its sh:path is only a stand-in, so the table shows "*".
        own_path = any("?path" in str(shapes.value(c, SH.select) or "")
                       for c in shapes.objects(shape, SH.sparql))
        rows.append(ProfileRow(
            shape=str(shape),
            path="*" if own_path else compact(shapes, path) if path is not None else "",
            severity=Severity.parse(str(shapes.value(shape, SH.severity))),
            name=pick_text(shapes.objects(shape, SH.name), lang) or "",
            message=pick_text(shapes.objects(shape, SH.message), lang) or "",
            order=_shape_order(str(shape)),
        ))
    rows.sort(key=lambda r: (r.severity.rank, r.order, r.shape))
    return rows


def profile_table(lang: str = DEFAULT_LANGUAGE) -> str:
    """The profile as a Markdown table: property, level, message, shape."""
    if lang not in LANGUAGES:
        raise SamhandlingError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    head = _TABLE_HEAD[lang]
    lines = [f"| {' | '.join(head)} |", "|" + "|".join("---" for _ in head) + "|"]
    for row in profile_rows(lang):
        level = f"{LEVEL_WORDS[lang][row.severity.level]} ({row.severity.value})"
        message = row.message.replace("|", "\\|").replace("{?value}", "…")
        shape = "samsh:" + row.shape[len(str(SAMSH)):]
        lines.append(f"| `{row.path}` | {level} | {message} | `{shape}` |")
    return "\n".join(lines) + "\n"


DOC_MARKERS = {lang: (f"<!-- profile-table:{lang}:start -->", f"<!-- profile-table:{lang}:end -->")
               for lang in LANGUAGES}


def render_doc_tables(text: str) -> str:
    """``text`` (docs/validation.md) with every generated table between its markers
    replaced by the current one."""
    for lang, (start, end) in DOC_MARKERS.items():
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
        replacement = f"{start}\n{profile_table(lang)}{end}"
        text = pattern.sub(replacement.replace("\\", "\\\\"), text)  # a literal replacement
    return text


if __name__ == "__main__":  # pragma: no cover - maintenance
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    if len(sys.argv) > 1 and sys.argv[1] == "--write-docs":
        for doc in (root / "docs" / "validation.md",):
            doc.write_text(render_doc_tables(doc.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        sys.stdout.write(profile_table(sys.argv[1] if len(sys.argv) > 1 else "en"))

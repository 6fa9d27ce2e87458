"""Every label, definition and example of the ontology, per language, is pinned in
`tests/expected/texts.json`. A change to any text must change that file in the same commit,
so a review sees the nb, nn and en versions of a term side by side and translations do not
drift apart unnoticed. Regenerate with `SAMHANDLING_UPDATE_TEXTS=1 pytest tests/kg/test_texts.py`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from samhandling_kg import SAM, ontology_graph

EXPECTED = Path(__file__).resolve().parents[1] / "expected" / "texts.json"
PROPERTIES = {
    "prefLabel": SKOS.prefLabel,
    "altLabel": SKOS.altLabel,
    "label": RDFS.label,
    "definition": SKOS.definition,
    "example": SKOS.example,
    "projectExample": SAM.projectExample,
    "scopeNote": SKOS.scopeNote,
    "historyNote": SKOS.historyNote,
    "evidence": SAM.evidence,
    "comment": RDFS.comment,
    "title": DCTERMS.title,
    "description": DCTERMS.description,
    "subject": DCTERMS.subject,
}


def current_texts() -> dict[str, dict[str, dict[str, list[str]]]]:
    graph = ontology_graph()
    texts: dict[str, dict[str, dict[str, list[str]]]] = {}
    for subject in sorted({s for s in graph.subjects() if isinstance(s, URIRef)}):
        entry: dict[str, dict[str, list[str]]] = {}
        for name, prop in PROPERTIES.items():
            by_lang: dict[str, list[str]] = {}
            for value in graph.objects(subject, prop):
                if isinstance(value, Literal):
                    by_lang.setdefault(value.language or "", []).append(str(value))
            if by_lang:
                entry[name] = {lang: sorted(v) for lang, v in sorted(by_lang.items())}
        if entry:
            texts[str(subject)] = entry
    return texts


def test_texts_are_pinned() -> None:
    texts = current_texts()
    if os.environ.get("SAMHANDLING_UPDATE_TEXTS") == "1":
        EXPECTED.parent.mkdir(exist_ok=True)
        EXPECTED.write_text(json.dumps(texts, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    changed = sorted(set(texts) ^ set(expected) | {k for k in texts if texts[k] != expected.get(k)})
    assert not changed, f"texts changed for {changed[:5]}: review them, then regenerate {EXPECTED.name}"


def test_every_form_has_texts_in_all_languages() -> None:
    texts = current_texts()
    forms = [SAM.SendAndReceive, SAM.LookUpAndMakeAvailable, SAM.ChangeAndShare, SAM.MessageExchange,
             SAM.DocumentSharing, SAM.DataSharing, SAM.SharedSolution, SAM.PortalAccess]
    for form in forms:
        entry = texts[str(form)]
        assert set(entry["prefLabel"]) == {"nb", "nn", "en"}
        assert {"nb", "en"} <= set(entry["definition"])
        # the source's example, or the project's where the source gives none (marked so)
        examples = entry.get("example") or entry["projectExample"]
        assert {"nb", "nn", "en"} <= set(examples)

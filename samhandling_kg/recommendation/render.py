"""The recommendation for readers: text and JSON in nb, nn and en."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from samhandling_kg.core.terms import DEFAULT_LANGUAGE
from samhandling_kg.recommendation.data import EFFECTS, RULE, _short
from samhandling_kg.recommendation.rule import Ranked, Reason, Recommendation

# --- output -------------------------------------------------------------------------------


MESSAGES: dict[str, dict[str, str]] = {
    "nb": {
        "for_need": "Anbefaling for behovet «{label}» ({iri})",
        "for_given": "Anbefaling for de oppgitte kjennetegnene",
        "characteristics": "Kjennetegn som gjelder:",
        "from_need": "fra behovet",
        "from_has": "oppgitt med --has",
        "absent": "Kjennetegn som ikke gjelder (--not):",
        "no_characteristics": "Behovet har ingen kjennetegn i kunnskapsgrafen, så formene kan ikke rangeres.",
        "need_forms": "Etter kunnskapsgrafen dekkes behovet av: {forms}.",
        "organisational": "Organisatoriske samhandlingsformer",
        "technical": "Tekniske samhandlingsformer for «{label}»",
        "recommended": "anbefalt", "possible": "mulig", "ruled-out": "utelukket",
        "favours": "taler for", "rulesOut": "utelukker", "requiredFor": "kreves",
        "absent_required": "kreves, men gjelder ikke",
        "required_met": "krav oppfylt",
        "required_open": "kreves; sjekk om det gjelder (--has eller --not)",
        "meets_need": "dekker behovet etter kunnskapsgrafen",
        "support": "støtte i matrisen",
        "source": "kilde",
        "open": "Kjennetegn som kan skille de gjenværende formene (oppgi med --has eller --not):",
        "nothing_recommended": "Ingen form anbefales ennå: ingen kjennetegn som gjelder, taler for en form.",
        "all_ruled_out": "Ingen form anbefales: alle er utelukket av disse kjennetegnene: {reasons}.",
        "standards": "Standarder for de anbefalte tekniske formene:",
        "legal": "Rettslige rammer som gjelder:",
        "solutions": "Løsninger i katalogen som allerede gjør det slik:",
        "no_solutions": "Ingen løsning i katalogen realiserer en anbefalt kombinasjon.",
        "addresses_need": "dekker behovet",
        "list_characteristics": "Kjennetegn (navn for --has og --not):",
        "list_needs": "Behov (for --need) og kjennetegnene deres:",
        "excludes": "kan ikke gjelde sammen med",
        "none": "ingen",
    },
    "nn": {
        "for_need": "Tilråding for behovet «{label}» ({iri})",
        "for_given": "Tilråding for dei oppgjevne kjenneteikna",
        "characteristics": "Kjenneteikn som gjeld:",
        "from_need": "frå behovet",
        "from_has": "oppgjeve med --has",
        "absent": "Kjenneteikn som ikkje gjeld (--not):",
        "no_characteristics": "Behovet har ingen kjenneteikn i kunnskapsgrafen, så formene kan ikkje rangerast.",
        "need_forms": "Etter kunnskapsgrafen vert behovet dekt av: {forms}.",
        "organisational": "Organisatoriske samhandlingsformer",
        "technical": "Tekniske samhandlingsformer for «{label}»",
        "recommended": "tilrådd", "possible": "mogleg", "ruled-out": "utelukka",
        "favours": "talar for", "rulesOut": "utelukkar", "requiredFor": "vert kravd",
        "absent_required": "vert kravd, men gjeld ikkje",
        "required_met": "krav oppfylt",
        "required_open": "vert kravd; sjekk om det gjeld (--has eller --not)",
        "meets_need": "dekkjer behovet etter kunnskapsgrafen",
        "support": "støtte i matrisa",
        "source": "kjelde",
        "open": "Kjenneteikn som kan skilje dei attverande formene (gje dei med --has eller --not):",
        "nothing_recommended": "Inga form vert tilrådd enno: ingen kjenneteikn som gjeld, talar for ei form.",
        "all_ruled_out": "Inga form vert tilrådd: alle er utelukka av desse kjenneteikna: {reasons}.",
        "standards": "Standardar for dei tilrådde tekniske formene:",
        "legal": "Rettslege rammer som gjeld:",
        "solutions": "Løysingar i katalogen som alt gjer det slik:",
        "no_solutions": "Inga løysing i katalogen realiserer ein tilrådd kombinasjon.",
        "addresses_need": "dekkjer behovet",
        "list_characteristics": "Kjenneteikn (namn for --has og --not):",
        "list_needs": "Behov (for --need) og kjenneteikna deira:",
        "excludes": "kan ikkje gjelde saman med",
        "none": "ingen",
    },
    "en": {
        "for_need": "Recommendation for the need “{label}” ({iri})",
        "for_given": "Recommendation for the characteristics given",
        "characteristics": "Characteristics that hold:",
        "from_need": "from the need",
        "from_has": "given with --has",
        "absent": "Characteristics that do not hold (--not):",
        "no_characteristics": "The need has no characteristics in the knowledge graph, so the forms cannot be ranked.",
        "need_forms": "According to the knowledge graph the need is met by: {forms}.",
        "organisational": "Organisational interaction forms",
        "technical": "Technical interaction forms for “{label}”",
        "recommended": "recommended", "possible": "possible", "ruled-out": "ruled out",
        "favours": "favours", "rulesOut": "rules out", "requiredFor": "required",
        "absent_required": "required, but does not hold",
        "required_met": "requirement met",
        "required_open": "required; check whether it holds (--has or --not)",
        "meets_need": "meets the need according to the knowledge graph",
        "support": "support in the matrix",
        "source": "source",
        "open": "Characteristics that would tell the remaining forms apart (give them with --has or --not):",
        "nothing_recommended": "No form is recommended yet: no characteristic that holds favours a form.",
        "all_ruled_out": "No form is recommended: every one is ruled out by these characteristics: {reasons}.",
        "standards": "Standards of the recommended technical forms:",
        "legal": "Legal frameworks that apply:",
        "solutions": "Solutions of the catalogue that already do it this way:",
        "no_solutions": "No solution of the catalogue realises a recommended combination.",
        "addresses_need": "addresses the need",
        "list_characteristics": "Characteristics (names for --has and --not):",
        "list_needs": "Needs (for --need) and their characteristics:",
        "excludes": "cannot hold together with",
        "none": "none",
    },
}


def _label(decision: dict[str, Any], iri: str | None, lang: str) -> str:
    if iri is None:
        return ""
    texts = decision["labels"].get(iri, {})
    return texts.get(lang) or texts.get("en") or texts.get("nb") or _short(iri)


def _name(decision: dict[str, Any], iri: str) -> str:
    return next((c["name"] for c in decision["characteristics"] if c["iri"] == iri), _short(iri))


def _reason_json(reason: Reason, decision: dict[str, Any], lang: str) -> dict[str, Any]:
    return {
        "characteristic": reason.characteristic,
        "name": _name(decision, reason.characteristic),
        "label": _label(decision, reason.characteristic, lang),
        "effect": reason.effect,
        "link": reason.link,
        "status": reason.status,
        "statusLabel": _label(decision, reason.status, lang),
        "evidence": reason.evidence.get(lang) or reason.evidence.get("en"),
        "sources": reason.sources,
    }


def _ranked_json(ranked: Ranked, decision: dict[str, Any], lang: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "form": ranked.form,
        "label": _label(decision, ranked.form, lang),
        "rank": ranked.rank,
        "status": ranked.status,
        "favouredBy": [_reason_json(r, decision, lang) for r in ranked.favoured_by],
        "ruledOutBy": [_reason_json(r, decision, lang) for r in ranked.ruled_out_by],
        "requirementsMet": [_reason_json(r, decision, lang) for r in ranked.requirements_met],
        "requirementsOpen": [_reason_json(r, decision, lang) for r in ranked.requirements_open],
    }
    if ranked.kind == "organisational":
        entry["meetsNeed"] = ranked.meets_need
        entry["technical"] = [_ranked_json(t, decision, lang) for t in ranked.technical]
    if ranked.support is not None:
        entry["support"] = {
            "link": ranked.support["link"],
            "status": ranked.support["status"],
            "statusLabel": _label(decision, ranked.support["status"], lang),
            "evidence": ranked.support["evidence"].get(lang) or ranked.support["evidence"].get("en"),
            "sources": ranked.support["sources"],
        }
    return entry


def _need_basis(rec: Recommendation, char: str, origin: str) -> dict[str, Any] | None:
    """Where the need's characteristic ``char`` comes from (its sam:NeedCharacteristicLink)."""
    if origin != "need" or rec.need is None:
        return None
    entry = next((n for n in rec.decision["needs"] if n["iri"] == rec.need), None)
    return next((b for b in (entry or {}).get("basis", []) if b["characteristic"] == char), None)


def _basis_json(basis: dict[str, Any], d: dict[str, Any], lang: str) -> dict[str, Any]:
    return {
        "link": basis["link"],
        "status": basis["status"],
        "statusLabel": _label(d, basis["status"], lang),
        "evidence": basis["evidence"].get(lang) or basis["evidence"].get("en"),
        "sources": basis["sources"],
    }


def to_json(rec: Recommendation, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """The recommendation as a JSON-able dict, texts in ``lang``."""
    d = rec.decision
    return {
        "need": None if rec.need is None else {"iri": rec.need, "label": _label(d, rec.need, lang)},
        "holds": [{"characteristic": c, "name": _name(d, c), "label": _label(d, c, lang), "from": origin,
                   **({"basis": _basis_json(basis, d, lang)} if (basis := _need_basis(rec, c, origin)) else {})}
                  for c, origin in rec.holds],
        "absent": [{"characteristic": c, "name": _name(d, c), "label": _label(d, c, lang)} for c in rec.absent],
        "organisational": [_ranked_json(r, d, lang) for r in rec.organisational],
        "openQuestions": [{"characteristic": c, "name": _name(d, c), "label": _label(d, c, lang)}
                          for c in rec.open_questions],
        "standards": [{"standard": s, "label": _label(d, s, lang), "forms": forms} for s, forms in rec.standards],
        "legalFrameworks": [{"framework": f, "label": _label(d, f, lang), "via": via}
                            for f, via in rec.legal_frameworks],
        "solutions": [{**s, "title": _label(d, s["solution"], lang)} for s in rec.solutions],
        "rule": RULE[lang],
    }


def ruled_out_by(ranked: list[Any]) -> list[str]:
    """The characteristics that rule out the forms of ``ranked`` when every form is ruled
    out (in the order they are first met), else none."""
    if not ranked or any(not r.ruled_out_by for r in ranked):
        return []
    found: list[str] = []
    for r in ranked:
        for reason in r.ruled_out_by:
            if reason.characteristic not in found:
                found.append(reason.characteristic)
    return found


def nothing_recommended(ranked: list[Any], d: dict[str, Any], m: dict[str, str], lang: str) -> str:
    """Why no form is recommended: the characteristics that rule every form out, or that none
    that holds favours one."""
    reasons = ruled_out_by(ranked)
    if not reasons:
        return m["nothing_recommended"]
    return m["all_ruled_out"].format(reasons=", ".join(f"«{_label(d, c, lang)}»" if lang != "en"
                                                       else f"“{_label(d, c, lang)}”" for c in reasons))


def render(rec: Recommendation, lang: str = DEFAULT_LANGUAGE, fmt: str = "text") -> str:
    """``text`` for people (in ``lang``) or ``json`` for tools."""
    if fmt == "json":
        return json.dumps(to_json(rec, lang), ensure_ascii=False, indent=2) + "\n"
    m, d = MESSAGES[lang], rec.decision
    lines: list[str] = []
    if rec.need:
        lines.append(m["for_need"].format(label=_label(d, rec.need, lang), iri=_short(rec.need)))
    else:
        lines.append(m["for_given"])
    lines.append("")
    if rec.holds:
        lines.append(m["characteristics"])
        for char, origin in rec.holds:
            line = f"  - {_label(d, char, lang)} ({_name(d, char)}; {m['from_' + origin]})"
            basis = _need_basis(rec, char, origin)
            if basis is not None:  # whether the source says it or the project reads it so
                sources = ", ".join(_label(d, s, lang) for s in basis["sources"])
                evidence = basis["evidence"].get(lang) or basis["evidence"].get("en", "")
                line += f": {_label(d, basis['status'], lang)}. {evidence} [{m['source']}: {sources}]"
            lines.append(_wrap(line, "    "))
    if rec.absent:
        lines.append(m["absent"])
        lines.extend(f"  - {_label(d, c, lang)} ({_name(d, c)})" for c in rec.absent)
    if rec.need and not rec.holds:
        lines.append(m["no_characteristics"])
        forms = [r.form for r in rec.organisational if r.meets_need]
        lines.append(m["need_forms"].format(forms=", ".join(_label(d, f, lang) for f in forms) or m["none"]))
    lines.append("")
    lines.append(m["organisational"])
    lines.extend(_ranked_lines(rec.organisational, d, m, lang, "  "))
    if not rec.recommended:
        lines.append("")
        lines.append(nothing_recommended(rec.organisational, d, m, lang))
    for org in rec.recommended:
        lines.append("")
        lines.append(m["technical"].format(label=_label(d, org.form, lang)))
        lines.extend(_ranked_lines(org.technical, d, m, lang, "  "))
    if rec.open_questions:
        lines.append("")
        lines.append(m["open"])
        lines.extend(f"  - {_name(d, c)}: {_label(d, c, lang)}" for c in rec.open_questions)
    if rec.standards:
        lines.append("")
        lines.append(m["standards"])
        for standard, forms in sorted(rec.standards, key=lambda s: _label(d, s[0], lang)):
            lines.append(f"  - {_label(d, standard, lang)} ({', '.join(_label(d, f, lang) for f in forms)})")
    if rec.legal_frameworks:
        lines.append("")
        lines.append(m["legal"])
        for framework, via in sorted(rec.legal_frameworks, key=lambda f: _label(d, f[0], lang)):
            lines.append(f"  - {_label(d, framework, lang)} ({', '.join(_label(d, v, lang) for v in via)})")
    if rec.data_given:
        lines.append("")
        if rec.solutions:
            lines.append(m["solutions"])
            for s in rec.solutions:
                pairs = "; ".join(f"{_label(d, o, lang)} + {_label(d, t, lang)}" for o, t in s["forms"])
                mark = f" [{m['addresses_need']}]" if s["addressesNeed"] else ""
                lines.append(f"  - {_label(d, s['solution'], lang)}{mark} ({pairs})")
        else:
            lines.append(m["no_solutions"])
    lines.append("")
    lines.append(textwrap.fill(RULE[lang], width=100, break_long_words=False, break_on_hyphens=False))
    return "\n".join(lines) + "\n"


def _ranked_lines(ranked: list[Ranked], d: dict[str, Any], m: dict[str, str], lang: str,
                  indent: str) -> list[str]:
    lines = []
    for r in ranked:
        place = "–" if r.status == "ruled-out" else f"{r.rank}."
        lines.append(f"{indent}{place} {_label(d, r.form, lang)} — {m[r.status]}")
        deeper = indent + "     "
        if r.meets_need:
            lines.append(f"{deeper}* {m['meets_need']}")
        for reason in r.favoured_by:
            lines.append(_wrap(f"{deeper}+ {_reason_line(reason, d, m, lang, m['favours'])}", deeper))
        for reason in r.ruled_out_by:
            what = m["absent_required"] if reason.effect == "requiredFor" else m["rulesOut"]
            lines.append(_wrap(f"{deeper}x {_reason_line(reason, d, m, lang, what)}", deeper))
        for reason in r.requirements_met:
            lines.append(_wrap(f"{deeper}= {_reason_line(reason, d, m, lang, m['required_met'])}", deeper))
        if r.status == "recommended":  # what the user must still check before choosing it
            for reason in r.requirements_open:
                lines.append(_wrap(f"{deeper}? {_reason_line(reason, d, m, lang, m['required_open'])}", deeper))
        if r.support is not None:
            support = f"{deeper}~ {m['support']}: {_label(d, r.support['status'], lang)}"
            if r.status == "recommended":  # what the pairing rests on, caveats included
                evidence = r.support["evidence"].get(lang) or r.support["evidence"].get("en", "")
                sources = ", ".join(_label(d, s, lang) for s in r.support["sources"])
                support = _wrap(f"{support}. {evidence} [{m['source']}: {sources}]", deeper)
            lines.append(support)
    return lines


def _wrap(line: str, indent: str) -> str:
    # Long evidence texts wrap under their marker; words (and IRIs) are never split.
    return textwrap.fill(line, width=100, subsequent_indent=indent + "  ", break_long_words=False,
                         break_on_hyphens=False)


def _reason_line(reason: Reason, d: dict[str, Any], m: dict[str, str], lang: str, what: str) -> str:
    sources = ", ".join(_label(d, s, lang) for s in reason.sources)
    evidence = reason.evidence.get(lang) or reason.evidence.get("en", "")
    return (f"{_label(d, reason.characteristic, lang)} ({_name(d, reason.characteristic)}): {what} — "
            f"{_label(d, reason.status, lang)}. {evidence} [{m['source']}: {sources}]")


def render_list(decision: dict[str, Any], lang: str = DEFAULT_LANGUAGE, fmt: str = "text") -> str:
    """``recommend --list``: the characteristics (with their links) and the needs."""
    if fmt == "json":
        return json.dumps(decision, ensure_ascii=False, indent=2) + "\n"
    m = MESSAGES[lang]
    lines = [m["list_characteristics"]]
    for c in sorted(decision["characteristics"], key=lambda c: c["name"]):
        lines.append(f"  {c['name']}: {_label(decision, c['iri'], lang)}")
        for effect in EFFECTS:
            forms = [_label(decision, l["form"], lang) for l in c["links"] if l["effect"] == effect]
            if forms:
                lines.append(f"      {m[effect]}: {', '.join(forms)}")
        if c.get("excludes"):
            lines.append(f"      {m['excludes']}: {', '.join(_name(decision, x) for x in c['excludes'])}")
    lines.append("")
    lines.append(m["list_needs"])
    for n in decision["needs"]:
        names = ", ".join(_name(decision, c) for c in n["characteristics"]) or m["none"]
        lines.append(f"  {_short(n['iri'])}: {_label(decision, n['iri'], lang)} — {names}")
    return "\n".join(lines) + "\n"

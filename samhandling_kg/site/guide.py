"""The decision guide of the documentation site: ``samhandling recommend`` in the browser.

The page asks every decision characteristic as a yes / no / don't-know question (a need can
fill in its characteristics first) and ranks the forms with ``static/guide.js``, offline, from
:func:`samhandling_kg.recommendation.data.decision_data` embedded in the page. The script follows the
rule of :mod:`samhandling_kg.recommendation.rule` step by step; ``tests/site/test_browser.py`` holds the two
to the same answers for every need of the graph.
"""

from __future__ import annotations

import functools
import json
import re
import weakref
from typing import Any

import jinja2
from markupsafe import Markup
from rdflib import URIRef

from samhandling_kg.core.labels import fallback_order
from samhandling_kg.core.namespace import SAM
from samhandling_kg.recommendation.data import decision_data
from samhandling_kg.recommendation.render import MESSAGES
from samhandling_kg.recommendation.rule import EXCLUSIVE
from samhandling_kg.site.build import ExtraPage, _script_json, register_page
from samhandling_kg.site.i18n import chrome
from samhandling_kg.site.model import SiteGraph

#: The words of the answer shared with ``samhandling recommend`` (its registry, recommend.MESSAGES).
_ANSWER_WORDS = ("recommended", "possible", "ruled-out", "favours", "rulesOut", "absent_required",
                 "required_met", "meets_need", "support", "source", "organisational", "technical",
                 "nothing_recommended", "all_ruled_out", "standards", "legal")
#: The guide's own words (the site's registry, i18n.CHROME).
_GUIDE_WORDS = ("guide_required_open", "guide_open")


@functools.lru_cache(maxsize=1)
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("samhandling_kg.site", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


#: The decision data of each site graph, read once for all three languages.
_DECISIONS: weakref.WeakKeyDictionary[SiteGraph, dict[str, Any]] = weakref.WeakKeyDictionary()


def _decision(site: SiteGraph) -> dict[str, Any]:
    if site not in _DECISIONS:
        _DECISIONS[site] = decision_data(site.asserted)
    return _DECISIONS[site]


def guide_data(site: SiteGraph, lang: str) -> dict[str, Any]:
    """What the guide's script reads: the decision data, each term's page and the words."""
    decision = _decision(site)
    pages = {iri: page for iri in decision["labels"] if (page := site.page(URIRef(iri)))}
    words = {key: without_flags(MESSAGES[lang][key]) for key in _ANSWER_WORDS}
    words.update({key: chrome(key, lang) for key in _GUIDE_WORDS})
    # The command line's own refusal of two characteristics that exclude each other.
    words["exclusive"] = EXCLUSIVE[lang]["both"]
    return {"decision": decision, "pages": pages, "words": words, "lang": lang,
            "fallback": list(fallback_order(lang)), "stated": str(SAM.Stated)}


#: The command line's options in its texts ("(--not)", "(oppgi med --has eller --not)"): the
#: guide asks in words, so its texts leave them out.
_FLAGS = re.compile(r"\s*\((?:[^()]*?\s)?--[a-z]+(?:\s+(?:eller|or)\s+--[a-z]+)?\)")


def without_flags(text: str) -> str:
    """A text of ``samhandling recommend`` without its command-line options."""
    return _FLAGS.sub("", text)


def _text(texts: dict[str, str], lang: str) -> tuple[str, str]:
    """A text in ``lang``, else in the site's fallback order, with the language it is in."""
    for candidate in (*fallback_order(lang), *texts):
        if texts.get(candidate):
            return texts[candidate], candidate
    return "", lang


def render_guide(site: SiteGraph, lang: str) -> str:
    """The main content of the guide page in ``lang``: the questions, rendered here so they read
    without the script, and the data the script answers from."""
    decision = _decision(site)
    labels = decision["labels"]

    def label(iri: str) -> tuple[str, str]:
        return _text(labels.get(iri, {}), lang) if labels.get(iri) else (iri, lang)

    questions = [{"iri": c["iri"], "name": c["name"], "label": label(c["iri"]),
                  "definition": _text(c["definition"], lang), "page": site.page(URIRef(c["iri"]))}
                 for c in decision["characteristics"]]
    questions.sort(key=lambda q: (q["label"][0].casefold(), q["iri"]))
    needs = sorted(({"iri": n["iri"], "label": label(n["iri"]),
                     "names": [next(c["name"] for c in decision["characteristics"] if c["iri"] == i)
                               for i in n["characteristics"]]}
                    for n in decision["needs"]), key=lambda n: (n["label"][0].casefold(), n["iri"]))
    data = _script_json(json.dumps(guide_data(site, lang), ensure_ascii=False, sort_keys=True))
    html = _templates().get_template("guide.html.j2").render(
        lang=lang, questions=questions, needs=needs, data=data, rule=without_flags(decision["rule"][lang]),
        T=lambda key, **kw: chrome(key, lang, **kw))
    return Markup(html)


register_page(ExtraPage("guide", "guide.html", render_guide))

"""``samhandling docs``: the static documentation site, rendered from the knowledge graph.

Layout of the output folder::

    index.html                 start page (Bokmål; the script moves a reader to their language;
                               a page under nb/ nn/ en/ keeps the language of its address)
    nb/ nn/ en/                one folder per language, the same pages in each
        index.html matrix.html needs.html concepts.html questions.html profile.html
        search.html            the offline search, with its index of every term
        catalogue.html         (with --data)
        query.html             (only when served: it needs the endpoint)
        concept/NAME.html      one page per term, source, solution…
    rdf/NAME.ttl NAME.jsonld   each term's description
    samhandling.ttl .jsonld .rdf .nt   the ontology (what w3id.org redirects machines to)
    static/                    the style sheet and scripts (no external fonts or scripts)
    .samhandling-site-files    the files this build wrote: the next build into the folder
                               removes those it no longer writes, and nothing else
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS
from rdflib.term import Node

from samhandling_kg.core.errors import SamhandlingError
from samhandling_kg.core.labels import NAME_PREDICATES, Text, pick
from samhandling_kg.core.namespace import ONTOLOGY_IRI, SAM
from samhandling_kg.core.terms import LANGUAGES, PREFIXES
from samhandling_kg.core.version import __version__
from samhandling_kg.kg.graph import load_knowledge_graph, ontology_graph
from samhandling_kg.kg.questions import LANGUAGE_PARAMETER, Question, list_questions
from samhandling_kg.site.concept import concept_context, contact, counts, orgnr
from samhandling_kg.site.concept import kinds as concept_kinds
from samhandling_kg.site.diagram import diagram_svg
from samhandling_kg.site.i18n import (
    CHROME,
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    PROPERTY_NAMES,
    chrome,
)
from samhandling_kg.site.model import SiteGraph, all_languages_labels, sorted_by_label, texts_in
from samhandling_kg.site.output import _write_below
from samhandling_kg.stores.local import OxigraphStore

#: The site's style sheet and scripts (static/), copied as they are.
STATIC_FILES = ("site.css", "site.js", "query.js", "guide.js", "diagram.js", "catalogue.js", "search.js")
#: Where the site's machine-readable files go, and the ontology's own file name.
RDF_DIR = "rdf"
ONTOLOGY_FILES = {"samhandling.ttl": "turtle", "samhandling.jsonld": "json-ld",
                  "samhandling.rdf": "xml", "samhandling.nt": "nt"}


@dataclass(frozen=True)
class NavItem:
    key: str  # a key of the chrome registry
    page: str  # file name inside a language folder


@dataclass(frozen=True)
class ExtraPage:
    """A page another part of the toolkit adds to the site (the decision guide of
    ``samhandling recommend`` goes in the ``guide`` slot). ``render`` gets the site's graph and
    the language and returns the HTML of the page's main content."""

    nav_key: str
    page: str
    render: Callable[[SiteGraph, str], str]


#: Pages registered by other modules, shown in the navigation after the site's own.
EXTRA_PAGES: dict[str, ExtraPage] = {}

_NAV = (NavItem("home", "index.html"), NavItem("matrix", "matrix.html"), NavItem("needs", "needs.html"),
        NavItem("concepts", "concepts.html"), NavItem("questions", "questions.html"),
        NavItem("profile", "profile.html"))


def register_page(page: ExtraPage) -> None:
    """Add a page to every language of the site (and to its navigation)."""
    EXTRA_PAGES[page.nav_key] = page


class SiteBuilder:
    """Renders every page of the site into memory: ``files()`` maps a path to its bytes."""

    def __init__(self, data: Iterable[str | Path] = (), *, served: bool = False,
                 graph: Graph | None = None) -> None:
        self.data = [Path(p) for p in data]
        self.served = served
        self.site = SiteGraph(graph if graph is not None else load_knowledge_graph(self.data))
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("samhandling_kg.site", "templates"),
            autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
        )
        self.env.globals["csp"] = PAGE_CSP
        self._reports: dict[str, object] = {}
        self._descriptions: dict[URIRef, tuple[str, str]] = {}
        self._oxigraph: OxigraphStore | None = None
        self._renderers: dict[str, Callable[[], bytes]] | None = None

    # -- navigation

    def nav(self) -> list[NavItem]:
        items = list(_NAV)
        if self.site.solutions:
            items.append(NavItem("catalogue", "catalogue.html"))
        if self.served:
            items.append(NavItem("query", "query.html"))
        items += [NavItem(p.nav_key, p.page) for p in EXTRA_PAGES.values()]
        return items

    # -- helpers the templates call

    def _helpers(self, lang: str, prefix: str) -> dict[str, object]:
        site = self.site

        def text(value: Text | None) -> Markup:
            if value is None:
                return Markup("")
            if value.lang and value.lang != lang:
                return Markup(f'<span lang="{escape(value.lang)}">{escape(value.value)}</span>')
            return Markup(escape(value.value))

        def label(node: Node) -> Markup:
            shown = site.label(node, lang)
            if isinstance(node, URIRef) and shown.value == site.compact(node) and str(node) in PROPERTY_NAMES:
                return text(Text(PROPERTY_NAMES[str(node)][lang], lang))  # a term of another vocabulary
            return text(shown)

        def link(node: Node) -> Markup:
            if isinstance(node, Literal):
                return text(Text(str(node), node.language))
            page = site.page(node)
            if page:
                return Markup(f'<a href="{escape(prefix + page)}">{label(node)}</a>')
            if isinstance(node, URIRef) and str(node) in PROPERTY_NAMES:
                return Markup(f'<a href="{escape(str(node))}" rel="external" title="{escape(str(node))}">'
                              f'{escape(PROPERTY_NAMES[str(node)][lang])}</a>')
            if isinstance(node, URIRef) and str(node).startswith(("http://", "https://")):
                return Markup(f'<a href="{escape(str(node))}" rel="external"><code>'
                              f'{escape(site.compact(node))}</code></a>')
            return Markup(f"<code>{escape(site.compact(node))}</code>")

        def fact(node: Node, predicate: URIRef) -> Markup:
            """A publisher by its name (else its organisation number, linked to the register),
            a contact point by its name, e-mail, telephone and web page, a page by its address."""
            if predicate == DCTERMS.publisher and site.page(node) is None and orgnr(node):
                number = orgnr(node) or ""
                shown = chrome("orgnr", lang, number=f"{number[:3]} {number[3:6]} {number[6:]}")
                return Markup(f'<a href="{escape(str(node))}" rel="external">{escape(shown)}</a>')
            if str(predicate) == "http://www.w3.org/ns/dcat#contactPoint" and not site.page(node):
                found = contact(site, node)
                parts = []
                if found["name"]:
                    parts.append(text(found["name"]))  # type: ignore[arg-type]
                if found["email"]:
                    parts.append(Markup(f'<a href="mailto:{escape(found["email"])}">{escape(found["email"])}</a>'))
                if found["phone"]:
                    parts.append(escape(found["phone"]))
                if found["url"]:
                    parts.append(Markup(f'<a href="{escape(found["url"])}" rel="external">'
                                        f'{escape(found["url"])}</a>'))
                return Markup(" · ").join(parts) if parts else link(node)
            if isinstance(node, URIRef) and site.page(node) is None and str(node).startswith(("http://", "https://")):
                return Markup(f'<a href="{escape(str(node))}" rel="external">{escape(str(node))}</a>')
            return link(node)

        # The graph's own words that the site's sentences name (the site never copies a label).
        words = {"supported": site.label(SAM.supportedBy, lang).value,
                 "stated": site.label(SAM.Stated, lang).value.lower(),
                 "derived": site.label(SAM.Derived, lang).value.lower()}
        return {"T": lambda key, **kw: chrome(key, lang, **{**words, **kw}), "label": label, "link": link,
                "words": words, "fact": fact,
                "text": text, "compact": site.compact, "site": site, "prefix": prefix,
                "pick": lambda literals: pick(literals, lang),
                "texts": lambda literals: texts_in(literals, lang), "supported_by": SAM.supportedBy}

    def render(self, template: str, lang: str, page: str, *, at_root: bool = False,
               **context: Any) -> bytes:
        depth = page.count("/")
        prefix = f"{lang}/" if at_root else "../" * depth
        root = "" if at_root else "../" * (depth + 1)
        values = {
            "lang": lang, "page": page, "root": root, "languages": LANGUAGES, "at_root": at_root,
            "language_names": LANGUAGE_NAMES, "nav": self.nav(), "version": __version__,
            "default_language": DEFAULT_LANGUAGE, **self._helpers(lang, prefix), **context,
        }
        return self.env.get_template(template).render(values).encode("utf-8")

    # -- the pages

    def files(self) -> dict[str, bytes]:
        """Every file of the site, rendered."""
        return {name: render() for name, render in self.renderers().items()}

    def render_path(self, name: str) -> bytes | None:
        """One file of the site (``nn/concept/DataSharing.html``), or None if there is none:
        ``serve`` renders a page when it is first asked for."""
        render = self.renderers().get(name)
        return render() if render is not None else None

    def language_files(self, lang: str) -> dict[str, bytes]:
        return {name: render() for name, render in self.renderers().items() if name.startswith(f"{lang}/")}

    def renderers(self) -> dict[str, Callable[[], bytes]]:
        """Each path of the site and what renders it."""
        if self._renderers is not None:
            return self._renderers
        out: dict[str, Callable[[], bytes]] = {}
        for name in STATIC_FILES:
            out[f"static/{name}"] = functools.partial(_static, name)
        for name, fmt in ONTOLOGY_FILES.items():
            out[name] = functools.partial(_ontology_file, fmt)
        for node, slug in self.site.slugs.items():
            out[f"{RDF_DIR}/{slug}.ttl"] = functools.partial(lambda n: self._rdf(n)[0].encode("utf-8"), node)
            out[f"{RDF_DIR}/{slug}.jsonld"] = functools.partial(lambda n: self._rdf(n)[1].encode("utf-8"), node)
        for lang in LANGUAGES:
            out.update(self._language_renderers(lang))
        out["index.html"] = functools.partial(self.start_page, DEFAULT_LANGUAGE, at_root=True)
        self._renderers = out
        return out

    def _language_renderers(self, lang: str) -> dict[str, Callable[[], bytes]]:
        site = self.site
        page = functools.partial
        out: dict[str, Callable[[], bytes]] = {
            f"{lang}/index.html": page(self.start_page, lang),
            f"{lang}/matrix.html": lambda: self.render("matrix.html.j2", lang, "matrix.html", **self._matrix()),
            f"{lang}/needs.html": lambda: self.render(
                "needs.html.j2", lang, "needs.html", sorted_needs=sorted_by_label(site, site.top_needs(), lang)),
            f"{lang}/concepts.html": lambda: self.render("concepts.html.j2", lang, "concepts.html",
                                                         groups=self._concept_groups(lang)),
            f"{lang}/profile.html": lambda: self.render("profile.html.j2", lang, "profile.html",
                                                        rows=self._profile(lang)),
            f"{lang}/questions.html": lambda: self.render("questions.html.j2", lang, "questions.html",
                                                          questions=self._answers(lang)),
        }
        out[f"{lang}/search.html"] = page(self._search_page, lang)
        if site.solutions:
            out[f"{lang}/catalogue.html"] = page(self._catalogue_page, lang)
        if self.served:
            out[f"{lang}/query.html"] = lambda: self.render(
                "query.html.j2", lang, "query.html", query_data=self._query_data(lang),
                questions=list_questions())
        for extra in EXTRA_PAGES.values():
            out[f"{lang}/{extra.page}"] = page(self._extra_page, extra, lang)
        for node, slug in site.slugs.items():
            out[f"{lang}/concept/{slug}.html"] = page(self._concept_page, node, slug, lang)
        return out

    def _catalogue_page(self, lang: str) -> bytes:
        site = self.site
        rows: list[dict[str, Any]] = []
        for solution in sorted_by_label(site, site.solutions, lang):
            graph = site.asserted
            organisational = sorted_by_label(site, [o for o in graph.objects(solution, SAM.realises)
                                                    if isinstance(o, URIRef)], lang)
            technical = sorted_by_label(site, [o for o in graph.objects(solution, SAM.uses)
                                               if isinstance(o, URIRef)], lang)
            needs = sorted_by_label(site, [o for o in graph.objects(solution, SAM.addresses)
                                           if isinstance(o, URIRef)], lang)
            publishers = sorted((o for o in graph.objects(solution, DCTERMS.publisher)), key=str)
            findings = self._findings(solution, lang)
            rows.append({"solution": solution, "organisational": organisational, "technical": technical,
                         "needs": needs, "publishers": publishers, "counts": counts(findings)})
        def choices(key: str) -> list[Node]:
            found = {n for row in rows for n in row[key]}
            return sorted(found, key=lambda n: (self._publisher_name(n, lang) if key == "publishers"
                                                else site.label(n, lang).value).casefold())
        by_form = [(form, predicate, [s for s in sorted_by_label(site, site.solutions, lang)
                                      if (s, predicate, form) in site.asserted])
                   for forms, predicate in ((site.organisational_forms, SAM.realises),
                                            (site.technical_forms, SAM.uses))
                   for form in sorted_by_label(site, forms, lang)]
        return self.render("catalogue.html.j2", lang, "catalogue.html", rows=rows, by_form=by_form,
                           form_choices=choices("organisational") + choices("technical"),
                           need_choices=choices("needs"), publisher_choices=choices("publishers"),
                           publisher_name=lambda n: self._publisher_name(n, lang),
                           publisher_predicate=DCTERMS.publisher,
                           classes={"organisational": SAM.OrganisationalForm, "technical": SAM.TechnicalForm,
                                    "need": SAM.Need},
                           severity_words=_severity_words(lang))

    def _publisher_name(self, node: Node, lang: str) -> str:
        """A publisher as the catalogue names it: its name in the graph, else its organisation
        number (the register's address only as a last resort)."""
        shown = self.site.label(node, lang).value
        number = orgnr(node)
        if shown == self.site.compact(node) and number:
            return chrome("orgnr", lang, number=f"{number[:3]} {number[3:6]} {number[6:]}")
        return shown

    def _search_page(self, lang: str) -> bytes:
        return self.render("search.html.j2", lang, "search.html", index=self._search_index(lang))

    def _search_index(self, lang: str) -> Markup:
        """Every term with a page, for the offline search (search.html, static/search.js): its
        label in ``lang``, its other names (alternative terms, the other languages), the start
        of its definition, its kind and its page. Built with the site, so it needs no server."""
        site = self.site
        graph = site.asserted
        entries = []
        for node in sorted_by_label(site, list(site.slugs), lang):
            shown = site.label(node, lang)
            names = sorted({str(x) for p in (*NAME_PREDICATES, SKOS.altLabel) for x in graph.objects(node, p)
                            if isinstance(x, Literal)} - {shown.value})
            definition = (pick(graph.objects(node, SKOS.definition), lang)
                          or pick(graph.objects(node, DCTERMS.description), lang))
            kinds = concept_kinds(site, node, lang)
            entries.append({"t": shown.value, "l": shown.lang or "", "a": names,
                            "d": definition.value[:240] if definition else "",
                            "k": site.label(kinds[0], lang).value if kinds else "",
                            "p": site.page(node)})
        return _script_json(json.dumps(entries, ensure_ascii=False, separators=(",", ":")))

    def _extra_page(self, extra: ExtraPage, lang: str) -> bytes:
        return self.render("extra.html.j2", lang, extra.page, nav_key=extra.nav_key,
                           body=Markup(extra.render(self.site, lang)))

    def _concept_page(self, node: URIRef, slug: str, lang: str) -> bytes:
        page = f"concept/{slug}.html"
        return self.render("concept.html.j2", lang, page, node=node, slug=slug, **self._concept(node, lang))

    def start_page(self, lang: str, *, at_root: bool = False) -> bytes:
        ontology = self.site.asserted
        return self.render(
            "index.html.j2", lang, "index.html", at_root=at_root,
            diagram=Markup(diagram_svg(self.site, lang, f"{lang}/" if at_root else "")),
            title=pick(ontology.objects(ONTOLOGY_IRI, DCTERMS.title), lang),
            description=pick(ontology.objects(ONTOLOGY_IRI, DCTERMS.description), lang),
            **self._matrix())

    def _matrix(self) -> dict[str, Any]:
        site = self.site
        cells = {(o, t): site.support_cell(o, t) for o in site.organisational_forms
                 for t in site.technical_forms}
        return {"organisational": site.organisational_forms, "technical": site.technical_forms,
                "cells": cells}

    def _concept_groups(self, lang: str) -> list[tuple[URIRef | None, list[URIRef]]]:
        site = self.site
        groups: dict[URIRef | None, list[URIRef]] = {}
        for node in site.slugs:
            types = [t for t, inferred in site.types(node) if not inferred]
            key = sorted_by_label(site, types, lang)[0] if types else None
            groups.setdefault(key, []).append(node)
        ordered = sorted(groups.items(), key=lambda kv: (kv[0] is None, site.label(kv[0], lang).value.casefold()
                                                          if kv[0] is not None else ""))
        return [(k, sorted_by_label(site, v, lang)) for k, v in ordered]

    def _concept(self, node: URIRef, lang: str) -> dict[str, Any]:
        site = self.site
        turtle, jsonld = self._rdf(node)
        findings = self._findings(node, lang) if node in site.solutions else None
        return {
            **concept_context(site, node, lang),
            "types": site.types(node),
            "labels": all_languages_labels(site, node),
            "turtle": turtle,
            "jsonld": _script_json(jsonld),
            "findings": findings,
            "finding_counts": counts(findings or ()),
            "severity_words": _severity_words(lang),
        }

    def _rdf(self, node: URIRef) -> tuple[str, str]:
        """The term's description as Turtle and as JSON-LD (the same in every language)."""
        if node not in self._descriptions:
            description = self.site.description(node)
            self._descriptions[node] = (description.serialize(format="turtle"), self._jsonld(description))
        return self._descriptions[node]

    @staticmethod
    def _jsonld(graph: Graph) -> str:
        document = json.loads(graph.serialize(format="json-ld"))
        nodes = document if isinstance(document, list) else document.get("@graph", [document])
        nodes.sort(key=lambda n: str(n.get("@id", "")))
        return json.dumps(nodes, indent=1, sort_keys=True, ensure_ascii=False)

    def _profile(self, lang: str) -> list[dict[str, str]]:
        from samhandling_kg.validation.profile_docs import LEVEL_WORDS, profile_rows

        return [{"path": row.path, "level": f"{LEVEL_WORDS[lang][row.severity.level]} ({row.severity.value})",
                 "name": row.name, "message": row.message.replace("{?value}", "…"),
                 "shape": "samsh:" + row.shape.rsplit("#", 1)[-1]} for row in profile_rows(lang)]

    def _findings(self, node: URIRef, lang: str) -> list[object]:
        from samhandling_kg.validation.engines import validate

        if not self.data:
            return []
        if lang not in self._reports:
            self._reports[lang] = validate(self.data, lang=lang)
        report = self._reports[lang]
        return list(report.for_record(str(node)))  # type: ignore[attr-defined]

    def _answers(self, lang: str) -> list[dict[str, object]]:
        from samhandling_kg.query.run import run_question

        answers = []
        for question in list_questions():
            values = question_defaults(question, lang)
            entry: dict[str, object] = {"question": question, "values": values, "rows": None, "missing_data": False,
                                        "variables": (), "boolean": None}
            if question.needs_data and not self.site.solutions:
                entry["missing_data"] = True
            else:
                result = run_question(question.id, values, store=self._store())
                entry.update(rows=result.rows, variables=result.variables, boolean=result.boolean)
            answers.append(entry)
        return answers

    def _store(self) -> OxigraphStore:
        """The embedded store the answers come from (the same answers as rdflib's, which the
        store tests prove, many times faster)."""
        if self._oxigraph is None:
            self._oxigraph = OxigraphStore.from_graph(self.site.asserted)
        return self._oxigraph

    def _query_data(self, lang: str) -> Markup:
        """What the query page's script needs, as JSON: questions, fields, choices, pages, the
        labels of the terms an answer may hold, and the page's words."""
        site = self.site
        questions = []
        for question in list_questions():
            fields = []
            language_parameter = ""
            for parameter in question.parameters:
                if parameter.name == LANGUAGE_PARAMETER and lang in parameter.choices:
                    language_parameter = parameter.name  # the page's language binds it
                    continue
                options: list[dict[str, str]] = []
                if parameter.of_class is not None:
                    for node in sorted_by_label(site, site.instances(parameter.of_class), lang):
                        shown = site.label(node, lang)
                        options.append({"value": site.compact(node), "label": shown.value,
                                        "lang": shown.lang if shown.lang and shown.lang != lang else ""})
                elif parameter.choices:
                    options = [{"value": c, "label": chrome("any_language", lang) if c == "*"
                                else LANGUAGE_NAMES.get(c, c), "lang": ""} for c in parameter.choices]
                default = question_defaults(question, lang).get(parameter.name, parameter.default or "")
                fields.append({"name": parameter.name, "kind": parameter.kind,
                               "label": question.label(parameter.name, lang),
                               "default": default, "options": options})
            questions.append({"id": question.id, "title": question.title(lang), "fields": fields,
                              "columns": {name: question.label(name, lang) for name in question.labels},
                              "language_parameter": language_parameter,
                              "query": question.query, "needs_data": question.needs_data})
        pages = {str(node): site.page(node) for node in site.slugs}
        labels = {}
        for node in sorted({s for p in NAME_PREDICATES for s in site.asserted.subjects(p)
                            if isinstance(s, URIRef)}):
            shown = site.label(node, lang)
            labels[str(node)] = [shown.value, shown.lang or ""]
        words = {key: chrome(key, lang) for key in QUERY_WORDS}
        data = {"questions": questions, "prefixes": PREFIXES | dict(_data_prefixes(site)),
                "pages": pages, "labels": labels, "words": words, "lang": lang}
        return _script_json(json.dumps(data, ensure_ascii=False, sort_keys=True))


#: The site's words the query page's script shows (i18n.CHROME).
QUERY_WORDS = ("run", "running", "rows", "no_rows", "yes", "no", "own_query", "own_query_help",
               "download_csv", "download_json", "error_value", "error_syntax", "error_update",
               "error_server", "error_connection", "error_detail")


def _script_json(text: str) -> Markup:
    """JSON for a ``<script type="application/…json">`` block: no ``<``, ``>`` or ``&`` that the
    HTML parser could read as the end of the block or a comment (JSON escapes mean the same)."""
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _severity_words(lang: str) -> Mapping[str, str]:
    from samhandling_kg.validation.render import (
        _WORDS,  # the words of `samhandling validate`'s report
    )

    return _WORDS[lang]


def _static(name: str) -> bytes:
    return importlib_resources.files("samhandling_kg.site").joinpath("static").joinpath(name).read_bytes()


def _ontology_file(fmt: str) -> bytes:
    from samhandling_kg.publish.ontology import export_text

    return export_text(ontology_graph(), fmt).encode("utf-8")


def _data_prefixes(site: SiteGraph) -> Iterable[tuple[str, str]]:
    for prefix, namespace in site.asserted.namespaces():
        if prefix and prefix not in PREFIXES:
            yield prefix, str(namespace)


def question_defaults(question: Question, lang: str) -> dict[str, str]:
    """The values a question is answered with on a page in ``lang``: its defaults, and the page's
    language for a ``lang`` parameter that takes it."""
    return question.defaults(lang)


#: The Content-Security-Policy of every page, as a <meta> in the static site (a page opened
#: from disk gets no header) and as serve's header: scripts, styles and requests from the
#: site itself only. (frame-ancestors, which a <meta> cannot carry, is in serve's header.)
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; base-uri 'none'; form-action 'self'")
#: The list of files the site wrote into its folder, kept there so the next build into the
#: same folder removes the pages that no longer exist (a term renamed, a solution gone).
MANIFEST = ".samhandling-site-files"


def write_site(output: str | Path, data: Iterable[str | Path] = ()) -> int:
    """Build the site into ``output`` (created if missing); returns the number of files.

    A page an earlier build wrote and this one does not is removed, so no stale page stays
    behind. Only files the site itself wrote are ever removed: they are listed in the folder's
    :data:`MANIFEST`, and nothing else in the folder is touched (a folder without that list,
    such as one the user filled, loses nothing)."""
    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        raise SamhandlingError(f"{folder}: not a folder")
    files = SiteBuilder(data).files()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        earlier = _manifest(folder)
        root = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise SamhandlingError(f"{folder}: cannot write the site: {exc.strerror or exc}") from None
    try:
        for name, body in sorted(files.items()):
            _write_below(root, folder, name, body)
        for name in sorted(earlier - set(files)):
            stale = folder / name
            inside = folder.resolve() in stale.resolve().parents  # not through a link out
            if inside and stale.is_file() and not stale.is_symlink():
                stale.unlink()
            _remove_empty_parents(stale.parent, folder)
        _write_below(root, folder, MANIFEST, "".join(f"{name}\n" for name in sorted(files)).encode("utf-8"))
    except OSError as exc:
        raise SamhandlingError(f"{folder}: cannot write the site: {exc.strerror or exc}") from None
    finally:
        os.close(root)
    return len(files)


def _manifest(folder: Path) -> set[str]:
    """The files an earlier build listed; a name that would leave the folder is ignored."""
    try:
        lines = (folder / MANIFEST).read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        return set()
    found = set()
    for line in lines:
        name = line.strip()
        parts = Path(name).parts
        if name and not Path(name).is_absolute() and ".." not in parts and parts[0] != MANIFEST:
            found.add(Path(*parts).as_posix())
    return found


def _remove_empty_parents(directory: Path, top: Path) -> None:
    """Remove ``directory`` and its parents up to ``top`` (exclusive) while they are empty."""
    while directory != top and top in directory.parents:
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent


def chrome_keys() -> Mapping[str, Mapping[str, str]]:
    return CHROME

"""The model as an SVG figure drawn from the graph, after the seed's figure 2: needs at the
top (in a band of their own), the organisational forms below them, the technical forms at the
bottom, each form row on its EIF layer, and the legal frameworks at the side, linked to the
forms they constrain. Adding a form or a ``sam:supportedBy`` link to the graph adds a box or a
line here.

Every line carries ``data-from`` and ``data-to``; ``static/diagram.js`` uses them to light a
box's paths (need → organisational form → technical form, and the frameworks on the way) on
hover and keyboard focus. A need's own links to frameworks are drawn but shown only when lit:
drawn always, they would cover the figure. Needs a solution description declares (not the
ontology) get a dashed box."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape

from rdflib import URIRef

from samhandling_kg.core.namespace import SAM
from samhandling_kg.site.i18n import chrome
from samhandling_kg.site.model import SiteGraph, sorted_by_label

WIDTH = 1200
_MAIN = (20, 890)  # x range of needs and forms
_SIDE = (920, 1180)  # x range of the legal frameworks
_GAP = 14
_LINE = 15  # px per text line


@dataclass
class _Box:
    node: URIRef
    kind: str
    x: float
    y: float
    w: float
    h: float
    lines: list[str]

    @property
    def top(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y

    @property
    def bottom(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h


def _wrap(text: str, width_px: float) -> list[str]:
    chars = max(8, int(width_px / 7.2))
    lines = textwrap.wrap(text, chars, break_long_words=True) or [text]
    return lines[:3] if len(lines) <= 3 else [*lines[:2], lines[2][: chars - 1] + "…"]


def _row(site: SiteGraph, nodes: list[URIRef], kind: str, lang: str, y: float, per_row: int,
         x_range: tuple[int, int]) -> tuple[list[_Box], float]:
    """Boxes for ``nodes``, ``per_row`` to a line; returns them and the y below them."""
    boxes: list[_Box] = []
    left, right = x_range
    for start in range(0, len(nodes), per_row):
        chunk = nodes[start:start + per_row]
        width = (right - left - _GAP * (per_row - 1)) / per_row
        wrapped = [_wrap(site.label(n, lang).value, width - 16) for n in chunk]
        height = 14 + _LINE * max(len(w) for w in wrapped)
        offset = left + (right - left - (len(chunk) * width + _GAP * (len(chunk) - 1))) / 2
        for index, (node, lines) in enumerate(zip(chunk, wrapped)):
            boxes.append(_Box(node, kind, offset + index * (width + _GAP), y, width, height, lines))
        y += height + _GAP
    return boxes, y


def _layer_names(site: SiteGraph, boxes: list[_Box], lang: str) -> str:
    layers = sorted({site.layer_of(b.node) for b in boxes if site.layer_of(b.node)} - {None}, key=str)
    return " / ".join(site.label(layer, lang).value for layer in layers if layer is not None)


def diagram_svg(site: SiteGraph, lang: str, link_prefix: str = "") -> str:
    """The figure as inline SVG for a page in ``lang``; boxes link to ``link_prefix`` + page."""
    needs = []
    for parent in sorted_by_label(site, site.top_needs(), lang):
        needs.append(parent)
        needs.extend(n for n in sorted_by_label(site, _descendants(site, parent), lang) if n not in needs)
    needs += [n for n in site.needs if n not in needs]
    organisational = sorted_by_label(site, site.organisational_forms, lang)
    technical = sorted_by_label(site, site.technical_forms, lang)
    legal = sorted_by_label(site, site.legal_frameworks, lang)

    bands: list[tuple[float, float, str]] = []
    y = 20.0
    rows: list[list[_Box]] = []
    for nodes, kind, per_row, pad in ((needs, "need", 4, 34), (organisational, "organisational", 3, 60),
                                      (technical, "technical", 5, 60)):
        band_top = y
        boxes, y = _row(site, nodes, kind, lang, y + 26, per_row, _MAIN)
        rows.append(boxes)
        # The needs get a band of their own: they sit on the organisational layer too, but a
        # reader looks for "needs" first.
        name = (chrome("needs_band", lang) if kind == "need"
                else _layer_names(site, boxes, lang) or chrome("concepts", lang))
        bands.append((band_top, y - _GAP + 10, name))
        y += pad - 20
    main_bottom = y
    merged: list[tuple[float, float, str]] = []
    for top, bottom, name in bands:  # rows on the same layer share one band
        if merged and merged[-1][2] == name:
            merged[-1] = (merged[-1][0], bottom, name)
        else:
            merged.append((top, bottom, name))
    bands = merged
    legal_boxes, side_bottom = _row(site, legal, "legal", lang, 46, 1, _SIDE)
    height = max(main_bottom, side_bottom + 10)
    supported = site.label(SAM.supportedBy, lang).value
    title = chrome("diagram", lang)

    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
            f'class="diagram" role="group" aria-labelledby="diagram-title" lang="{lang}">'),
           f'<title id="diagram-title">{escape(title)}</title>']
    for top, bottom, name in bands:
        out.append(f'<rect class="band" x="8" y="{top:.0f}" width="{_MAIN[1] - 8 + 12}" '
                   f'height="{bottom - top:.0f}" rx="6"/>'
                   f'<text class="band-label" x="18" y="{top + 17:.0f}">{escape(name)}</text>')
    legal_layer = _layer_names(site, legal_boxes, lang) or chrome("concepts", lang)
    out.append(f'<rect class="band band-legal" x="{_SIDE[0] - 10}" y="20" width="{_SIDE[1] - _SIDE[0] + 20}" '
               f'height="{side_bottom - 20:.0f}" rx="6"/>'
               f'<text class="band-label" x="{_SIDE[0]}" y="37">{escape(legal_layer)}</text>')

    where = {b.node: b for boxes in rows for b in boxes}
    edges = []
    for upper, lower in ((rows[0], rows[1]), (rows[1], rows[2])):
        lower_nodes = {b.node for b in lower}
        for box in upper:
            for target in site.supported_by(box.node):
                if target not in lower_nodes:
                    continue
                cell = site.support_cell(box.node, target) if box.kind == "organisational" else None
                status = cell.status if cell else None
                kind = ("derived" if status == SAM.Derived else "stated" if status == SAM.Stated
                        else "need" if box.kind == "need" else "plain")
                (x1, y1), (x2, y2) = box.bottom, where[target].top
                middle = (y1 + y2) / 2
                name = (f"{site.label(box.node, lang).value} – {supported} – "
                        f"{site.label(target, lang).value}")
                edges.append(f'<path class="edge edge-{kind}" data-from="{escape(str(box.node))}" '
                             f'data-to="{escape(str(target))}" d="M{x1:.0f},{y1:.0f} C{x1:.0f},{middle:.0f} '
                             f'{x2:.0f},{middle:.0f} {x2:.0f},{y2:.0f}"><title>{escape(name)}</title></path>')
    # The legal frameworks, linked to what they constrain: the forms always, the needs when lit.
    legal_where = {b.node: b for b in legal_boxes}
    constrained = site.label(SAM.constrainedBy, lang).value
    for box in [b for boxes in rows for b in boxes]:
        for framework in site.constrained_by(box.node):
            frame = legal_where.get(framework)
            if frame is None:
                continue
            x1, y1 = box.x + box.w, box.y + box.h / 2
            x2, y2 = frame.x, frame.y + frame.h / 2
            latent = " legal-latent" if box.kind == "need" else ""
            name = f"{site.label(box.node, lang).value} – {constrained} – {site.label(framework, lang).value}"
            edges.append(f'<path class="legal-edge{latent}" data-from="{escape(str(box.node))}" '
                         f'data-to="{escape(str(framework))}" d="M{x1:.0f},{y1:.0f} C{(x1 + x2) / 2:.0f},{y1:.0f} '
                         f'{(x1 + x2) / 2:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"><title>{escape(name)}</title></path>')
    out.append('<g class="edges">' + "".join(edges) + "</g>")
    for box in [b for boxes in rows for b in boxes] + legal_boxes:
        label = site.label(box.node, lang)
        lang_attr = f' lang="{label.lang}"' if label.lang and label.lang != lang else ""
        page = site.page(box.node)
        text_y = box.y + 7 + _LINE * 0.8 + (box.h - 14 - _LINE * len(box.lines)) / 2
        spans = "".join(f'<tspan x="{box.x + box.w / 2:.0f}" dy="{0 if i == 0 else _LINE}">{escape(line)}</tspan>'
                        for i, line in enumerate(box.lines))
        declared = " node-declared" if box.kind == "need" and box.node in site.declared_needs else ""
        shape = (f'<rect class="node node-{box.kind}{declared}" x="{box.x:.0f}" y="{box.y:.0f}" width="{box.w:.0f}" '
                 f'height="{box.h:.0f}" rx="5"/><text{lang_attr} x="{box.x + box.w / 2:.0f}" '
                 f'y="{text_y:.0f}" text-anchor="middle">{spans}</text>')
        name = label.value + (f" ({chrome('declared_need', lang)})" if declared else "")
        marked = ' data-declared="true"' if declared else ""
        if page:  # the label in full: the box may show it wrapped or shortened
            out.append(f'<a href="{escape(link_prefix + page)}" class="box" data-iri="{escape(str(box.node))}" '
                       f'data-kind="{box.kind}"{marked} '
                       f'aria-label="{escape(name)}"{lang_attr}>{shape}</a>')
        else:
            out.append(f'<g class="box" data-iri="{escape(str(box.node))}" data-kind="{box.kind}">{shape}</g>')
    out.append('<g class="lit" aria-hidden="true"></g>')  # diagram.js draws lit paths here, on top
    out.append("</svg>")
    return "\n".join(out)


def _descendants(site: SiteGraph, need: URIRef) -> list[URIRef]:
    found: list[URIRef] = []
    pending = site.narrower(need)
    while pending:
        node = pending.pop(0)
        if node not in found:
            found.append(node)
            pending.extend(site.narrower(node))
    return found

// The decision guide (site/guide.py): `samhandling recommend` in the browser, offline.
// rank() is the rule of samhandling_kg/recommend.py (_rank) step by step; the browser tests
// hold both to the same answer for every need of the graph.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("guide-data").textContent);
  var decision = data.decision, words = data.words, lang = data.lang, pages = data.pages;
  var form = document.getElementById("guide-form"), needSelect = document.getElementById("guide-need");
  var answer = document.getElementById("guide-answer");
  var links = {}, forms = {}, names = {};
  decision.characteristics.forEach(function (c) { links[c.iri] = c.links; names[c.iri] = c.name; });
  decision.forms.forEach(function (f) { forms[f.iri] = f; });

  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }  // code point order, as Python's
  function cmpKey(a, b) {
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1; }
    return 0;
  }

  // --- the rule (recommend._rank) ----------------------------------------------------------

  function rank(candidates, holds, absent) {
    var chars = Object.keys(links).sort(cmp);
    var ranked = candidates.map(function (iri) {
      var r = {form: iri, favouredBy: [], ruledOutBy: [], requirementsMet: [], requirementsOpen: []};
      chars.forEach(function (c) {
        links[c].forEach(function (link) {
          if (link.form !== iri) return;
          var reason = {characteristic: c, effect: link.effect, link: link.link, status: link.status,
                        evidence: link.evidence, sources: link.sources};
          var holding = holds.has(c), missing = absent.has(c);
          if (holding && link.effect === "favours") r.favouredBy.push(reason);
          else if ((holding && link.effect === "rulesOut") || (missing && link.effect === "requiredFor")) r.ruledOutBy.push(reason);
          else if (holding && link.effect === "requiredFor") r.requirementsMet.push(reason);
          else if (link.effect === "requiredFor" && !missing) r.requirementsOpen.push(reason);
        });
      });
      var stated = r.favouredBy.filter(function (x) { return x.status === data.stated; }).length;
      r.key = [r.ruledOutBy.length ? 1 : 0, -r.favouredBy.length, -stated];
      return r;
    });
    ranked.forEach(function (r) {
      r.rank = 1 + ranked.filter(function (o) { return cmpKey(o.key, r.key) < 0; }).length;
      r.status = r.ruledOutBy.length ? "ruled-out" : (r.rank === 1 && r.favouredBy.length ? "recommended" : "possible");
    });
    return ranked.sort(function (a, b) { return cmpKey(a.key, b.key) || cmp(a.form, b.form); });
  }

  function recommend(needIri, yes, no) {
    var need = decision.needs.filter(function (n) { return n.iri === needIri; })[0] || null;
    var holds = new Set(yes), absent = new Set(no);
    // Two characteristics that exclude each other (sam:excludes) cannot both hold: refused,
    // as `samhandling recommend` refuses them, instead of ranking on a contradiction.
    var conflict = null;
    decision.characteristics.forEach(function (c) {
      if (conflict || !holds.has(c.iri)) return;
      (c.excludes || []).forEach(function (x) { if (!conflict && holds.has(x)) conflict = [c.iri, x]; });
    });
    if (conflict) return {conflict: conflict, need: need, organisational: [], recommended: [], open: [],
                          standards: {}, frameworks: {}};
    var organisational = rank(decision.forms.filter(function (f) { return f.kind === "organisational"; })
      .map(function (f) { return f.iri; }), holds, absent);
    organisational.forEach(function (r) {
      r.meetsNeed = need ? need.forms.indexOf(r.form) >= 0 : null;
      r.technical = [];
      if (r.status !== "recommended") return;
      var support = {};
      forms[r.form].supportedBy.forEach(function (s) { support[s.form] = s; });
      r.technical = rank(Object.keys(support).sort(cmp), holds, absent);
      r.technical.forEach(function (t) { t.support = support[t.form]; });
    });
    var recommended = organisational.filter(function (r) { return r.status === "recommended"; });
    var undecided = new Set();
    if (!recommended.length) {
      organisational.forEach(function (r) { if (r.status !== "ruled-out") undecided.add(r.form); });
    }
    recommended.forEach(function (r) {
      if (r.technical.some(function (t) { return t.status === "recommended"; })) return;
      r.technical.forEach(function (t) { if (t.status !== "ruled-out") undecided.add(t.form); });
    });
    // A characteristic excluded by one that holds (sam:excludes) is answered by it: not asked.
    var excluded = new Set();
    decision.characteristics.forEach(function (c) {
      if (holds.has(c.iri)) (c.excludes || []).forEach(function (x) { excluded.add(x); });
    });
    var open = decision.characteristics.slice().sort(function (a, b) { return cmp(a.name, b.name); })
      .filter(function (c) {
        return !holds.has(c.iri) && !absent.has(c.iri) && !excluded.has(c.iri) &&
          c.links.some(function (l) { return undecided.has(l.form); });
      }).map(function (c) { return c.iri; });
    // Standards of the recommended technical forms; legal frameworks via the need and the forms.
    var chosen = [];
    recommended.forEach(function (r) {
      r.technical.forEach(function (t) { if (t.status === "recommended") chosen.push(t.form); });
    });
    var standards = {}, frameworks = {};
    chosen.forEach(function (t) {
      forms[t].standards.forEach(function (s) { (standards[s] = standards[s] || []).push(t); });
    });
    var via = (need ? [need] : []).concat(recommended.map(function (r) { return forms[r.form]; }),
                                          chosen.map(function (t) { return forms[t]; }));
    via.forEach(function (entry) {
      entry.legalFrameworks.forEach(function (f) {
        frameworks[f] = frameworks[f] || [];
        if (frameworks[f].indexOf(entry.iri) < 0) frameworks[f].push(entry.iri);
      });
    });
    return {need: need, organisational: organisational, recommended: recommended, open: open,
            standards: standards, frameworks: frameworks};
  }

  // --- showing it --------------------------------------------------------------------------

  function el(tag, attrs, content) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (content !== undefined) node.textContent = content;
    return node;
  }
  function pick(texts) {  // the page's language, else the site's fallback order, else any
    texts = texts || {};
    var order = data.fallback.concat(Object.keys(texts));
    for (var i = 0; i < order.length; i++) { if (texts[order[i]]) return [texts[order[i]], order[i]]; }
    return null;
  }
  function named(iri, asLink) {  // a term's label from the graph, linked to its page
    var shown = pick(decision.labels[iri]) || [iri, lang];
    var node = asLink !== false && pages[iri] ? el("a", {href: pages[iri]}, shown[0]) : el("span", {}, shown[0]);
    if (shown[1] !== lang) node.setAttribute("lang", shown[1]);
    return node;
  }
  function reasonItem(reason, what) {
    var li = el("li", {"data-char": reason.characteristic, "data-effect": what});
    li.append(named(reason.characteristic), ": " + words[what] + " — ");
    var status = reason.status ? named(reason.status, false) : el("span", {}, "");
    if (reason.status) status.className = reason.status === data.stated ? "stated" : "derived";
    var statusLink = pages[reason.link] ? el("a", {href: pages[reason.link]}) : el("span");
    statusLink.append(status);
    li.append(statusLink, ". ");
    var evidence = pick(reason.evidence);
    if (evidence) {
      var text = el("span", {}, evidence[0] + " ");
      if (evidence[1] !== lang) text.setAttribute("lang", evidence[1]);
      li.append(text);
    }
    if (reason.sources.length) {
      li.append("[" + words.source + ": ");
      reason.sources.forEach(function (s, i) { if (i) li.append(", "); li.append(named(s)); });
      li.append("]");
    }
    return li;
  }
  function rankedList(ranked, kind) {
    var list = el("ol", {"class": "ranking", "data-kind": kind});
    ranked.forEach(function (r) {
      var item = el("li", {"class": "rank-" + r.status, "data-form": r.form, "data-rank": String(r.rank),
                           "data-status": r.status});
      var head = el("p", {"class": "ranked"});
      head.append(el("span", {"class": "place"}, r.status === "ruled-out" ? "–" : r.rank + "."), " ",
                  named(r.form), " — ", el("strong", {}, words[r.status]));
      item.append(head);
      var reasons = el("ul", {"class": "reasons"});
      if (r.meetsNeed) reasons.append(el("li", {"data-effect": "meetsNeed"}, words.meets_need));
      r.favouredBy.forEach(function (x) { reasons.append(reasonItem(x, "favours")); });
      r.ruledOutBy.forEach(function (x) {
        reasons.append(reasonItem(x, x.effect === "requiredFor" ? "absent_required" : "rulesOut"));
      });
      r.requirementsMet.forEach(function (x) { reasons.append(reasonItem(x, "required_met")); });
      if (r.status === "recommended") {
        r.requirementsOpen.forEach(function (x) { reasons.append(reasonItem(x, "guide_required_open")); });
      }
      if (r.support) {
        var support = el("li", {"data-effect": "support"}, words.support + ": ");
        var status = pages[r.support.link] ? el("a", {href: pages[r.support.link]}) : el("span");
        status.append(named(r.support.status, false));
        support.append(status);
        reasons.append(support);
      }
      if (reasons.childNodes.length) item.append(reasons);
      list.append(item);
    });
    return list;
  }
  function termList(map, cls) {
    var list = el("ul", {"class": cls});
    Object.keys(map).sort(function (a, b) {
      return cmp((pick(decision.labels[a]) || [a])[0].toLowerCase(), (pick(decision.labels[b]) || [b])[0].toLowerCase());
    }).forEach(function (iri) {
      var li = el("li", {"data-iri": iri});
      li.append(named(iri), " (");
      map[iri].forEach(function (f, i) { if (i) li.append(", "); li.append(named(f)); });
      li.append(")");
      list.append(li);
    });
    return list;
  }
  function show(result) {
    // A short line for screen readers: what is recommended now (the list below has the reasons).
    var status = document.getElementById("guide-status");
    status.textContent = "";
    if (result.conflict) {
      var refused = el("p", {"id": "guide-conflict"});
      var text = words.exclusive.split("{a}"), rest = (text[1] || "").split("{b}");
      refused.append(text[0], named(result.conflict[0], false), rest[0], named(result.conflict[1], false),
                     rest[1] || "");
      status.textContent = refused.textContent;
      answer.textContent = "";
      answer.append(refused);
      return;
    }
    if (result.recommended.length) {
      status.append(words.recommended.charAt(0).toUpperCase() + words.recommended.slice(1) + ": ");
      result.recommended.forEach(function (r, i) { if (i) status.append(", "); status.append(named(r.form, false)); });
    } else {
      status.textContent = words.nothing_recommended;
    }
    answer.textContent = "";
    answer.append(el("h3", {}, words.organisational), rankedList(result.organisational, "organisational"));
    if (!result.recommended.length) {
      // Every form ruled out: say by which characteristics (as `samhandling recommend` does).
      var nothing = el("p", {"id": "guide-nothing"}), against = [];
      if (result.organisational.length && result.organisational.every(function (r) { return r.ruledOutBy.length; })) {
        result.organisational.forEach(function (r) {
          r.ruledOutBy.forEach(function (x) { if (against.indexOf(x.characteristic) < 0) against.push(x.characteristic); });
        });
        var parts = words.all_ruled_out.split("{reasons}");
        nothing.append(parts[0]);
        var quotes = lang === "en" ? ["\u201c", "\u201d"] : ["\u00ab", "\u00bb"];
        against.forEach(function (c, i) { if (i) nothing.append(", "); nothing.append(quotes[0], named(c), quotes[1]); });
        nothing.append(parts[1] || "");
      } else {
        nothing.textContent = words.nothing_recommended;
      }
      answer.append(nothing);
    }
    result.recommended.forEach(function (r) {
      var heading = el("h3", {});
      var parts = words.technical.split("{label}");
      heading.append(parts[0], named(r.form, false), parts[1] || "");
      var list = rankedList(r.technical, "technical");
      list.setAttribute("data-for", r.form);
      answer.append(heading, list);
    });
    if (result.open.length) {
      answer.append(el("p", {}, words.guide_open));
      var open = el("ul", {"id": "guide-open"});
      result.open.forEach(function (c) {
        var li = el("li", {"data-char": c});
        var jump = el("a", {href: "#q-" + names[c] + "-yes"});
        jump.append(named(c, false));
        li.append(jump);
        open.append(li);
      });
      answer.append(open);
    }
    if (Object.keys(result.standards).length) {
      answer.append(el("p", {}, words.standards), termList(result.standards, "standards"));
    }
    if (Object.keys(result.frameworks).length) {
      answer.append(el("p", {}, words.legal), termList(result.frameworks, "legal"));
    }
  }

  // --- the questions -----------------------------------------------------------------------

  function answers() {
    var yes = [], no = [];
    form.querySelectorAll("fieldset.question").forEach(function (set) {
      var checked = set.querySelector("input:checked");
      if (checked && checked.value === "yes") yes.push(set.getAttribute("data-char"));
      if (checked && checked.value === "no") no.push(set.getAttribute("data-char"));
    });
    return {yes: yes, no: no};
  }
  function update() {
    var given = answers();
    show(recommend(needSelect.value || null, given.yes, given.no));
    remember();
  }
  // The answers live in the address (?need=IRI&yes=name,…&no=name,…), so a link, a reload or
  // the switch to another language keeps them.
  function remember() {
    var params = new URLSearchParams(), yes = [], no = [];
    if (needSelect.value) params.set("need", needSelect.value);
    form.querySelectorAll("fieldset.question").forEach(function (set) {
      var checked = set.querySelector("input:checked"), name = set.getAttribute("data-name");
      if (checked && checked.value === "yes") yes.push(name);
      if (checked && checked.value === "no") no.push(name);
    });
    if (yes.length) params.set("yes", yes.join(","));
    if (no.length) params.set("no", no.join(","));
    var query = params.toString() ? "?" + params.toString() : "";
    try { history.replaceState(null, "", location.pathname + query); } catch (e) { /* a file: page may refuse */ }
    document.querySelectorAll("nav.langs a[data-lang]").forEach(function (a) {
      a.setAttribute("href", a.getAttribute("href").split("?")[0] + query);
    });
  }
  function fillFromNeed() {  // a need answers "yes" for its characteristics, the rest is reset
    var need = decision.needs.filter(function (n) { return n.iri === needSelect.value; })[0];
    form.querySelectorAll("fieldset.question").forEach(function (set) {
      var value = need && need.characteristics.indexOf(set.getAttribute("data-char")) >= 0 ? "yes" : "unknown";
      set.querySelector("input[value='" + value + "']").checked = true;
    });
  }
  // Where the answer stands: beside the questions on a wide screen (its own column), right
  // after the question just answered on a narrow one, so the reader sees what changed.
  var result = document.getElementById("guide-result"), side = document.getElementById("guide-side");
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 62rem)") : {matches: false};
  function place(after) {
    if (narrow.matches && after) {
      after.insertAdjacentElement("afterend", result);
    } else if (!narrow.matches && result.parentNode !== side) {
      side.append(result);
    }
  }
  if (narrow.addEventListener) narrow.addEventListener("change", function () { place(null); });
  needSelect.addEventListener("change", function () {
    fillFromNeed(); update(); place(needSelect.closest(".guide-need"));
  });
  form.addEventListener("change", function (event) {
    if (event.target === needSelect) return;
    update();
    place(event.target.closest ? event.target.closest("fieldset") : null);
  });
  form.addEventListener("reset", function () { setTimeout(update, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  var wanted = new URLSearchParams(location.search), need = wanted.get("need");
  if (need && decision.needs.some(function (n) { return n.iri === need; })) {
    needSelect.value = need;
    fillFromNeed();
  }
  ["yes", "no"].forEach(function (value) {
    (wanted.get(value) || "").split(",").forEach(function (name) {
      var input = name && document.getElementById("q-" + name + "-" + value);
      if (input && input.name === name) input.checked = true;
    });
  });
  update();
})();

// The site's search, offline: search.html holds an index of every term (built by
// `samhandling docs`), and this script lists the terms whose names or definition hold every
// word of the query (?q=…), names first. The header's search field sends the query here.
(function () {
  "use strict";
  var index = JSON.parse(document.getElementById("search-index").textContent);
  var status = document.getElementById("search-status"), list = document.getElementById("search-results");
  var field = document.getElementById("site-search");
  var query = (new URLSearchParams(location.search).get("q") || "").trim();
  if (field) field.value = query;
  function fold(text) { return String(text).toLocaleLowerCase(); }
  function el(tag, attrs, content) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (content !== undefined) node.textContent = content;
    return node;
  }
  var words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) { status.textContent = ""; return; }
  var hits = [];
  index.forEach(function (entry) {
    var names = fold([entry.t].concat(entry.a).join(" ")), all = names + " " + fold(entry.d);
    if (!words.every(function (w) { return all.indexOf(w) >= 0; })) return;
    var score = fold(entry.t) === fold(query) ? 0 : fold(entry.t).indexOf(words[0]) === 0 ? 1
      : words.every(function (w) { return names.indexOf(w) >= 0; }) ? 2 : 3;
    hits.push([score, entry]);
  });
  hits.sort(function (a, b) { return a[0] - b[0] || a[1].t.localeCompare(b[1].t); });
  var template = status.getAttribute(hits.length ? "data-hits" : "data-none");
  status.textContent = template.replace("{count}", hits.length).replace("{query}", query);
  hits.forEach(function (hit) {
    var entry = hit[1], item = el("li"), link = el("a", {href: entry.p}, entry.t);
    if (entry.l && entry.l !== document.documentElement.lang) link.setAttribute("lang", entry.l);
    item.append(link);
    if (entry.k) item.append(" ", el("span", {"class": "kind"}, "(" + entry.k + ")"));
    if (entry.d) item.append(el("p", {"class": "excerpt"}, entry.d));
    list.append(item);
  });
})();

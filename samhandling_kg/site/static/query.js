// The query page of `samhandling serve`: one field per parameter of a competency question;
// the server binds the values (GET question/ID/query) and the endpoint answers (POST sparql).
// Everything a reader sees is in the page's language: the fields and columns carry the labels
// of the question file, a term in the answer shows by its label and links to its page (its IRI
// on hover and in the downloads), and the page's language binds a question's `lang` parameter.
// The address holds the question and its values (?q=ID&need=sam:X, or ?sparql=TEXT for one's own
// query): a shared or reloaded address runs the same question again.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("query-data").textContent);
  var form = document.getElementById("query-form"), select = document.getElementById("question");
  var fields = document.getElementById("fields"), text = document.getElementById("query");
  var status = document.getElementById("status"), result = document.getElementById("result");
  var wrap = document.getElementById("table-wrap"), downloads = document.getElementById("downloads");
  var sparql = document.getElementById("sparql"), shownText = document.getElementById("question-text");
  var words = data.words, byId = {};
  data.questions.forEach(function (q) { byId[q.id] = q; });
  var prefixes = Object.keys(data.prefixes).map(function (p) { return [p, data.prefixes[p]]; })
    .sort(function (a, b) { return b[1].length - a[1].length; });
  var urls = [], binding = 0;  // a newer binding or an edit makes older answers stale

  function el(tag, attrs, content) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { if (attrs[k] !== "") node.setAttribute(k, attrs[k]); });
    if (content !== undefined) node.textContent = content;
    return node;
  }
  function current() { return byId[select.value]; }
  function values(forAddress) {
    var params = new URLSearchParams(), q = current();
    fields.querySelectorAll("[data-param]").forEach(function (f) { params.append(f.getAttribute("data-param"), f.value); });
    if (!forAddress && q && q.language_parameter) params.append(q.language_parameter, data.lang);
    return params;
  }
  // The question and its values in the address (and in the language switch's links).
  function remember() {
    var q = current(), params;
    if (q) { params = values(true); params.set("q", q.id); }
    else { params = new URLSearchParams(); params.set("sparql", text.value); }
    var search = "?" + params.toString();
    try { history.replaceState(null, "", location.pathname + search); } catch (e) { /* file: pages */ }
    document.querySelectorAll("nav.langs a[data-lang]").forEach(function (a) {
      a.setAttribute("href", a.getAttribute("href").split("?")[0] + search);
    });
  }
  // The bound text without its comment lines: the question file's header and notes are for
  // its maintainers (and in English); the query reads the same without them.
  function withoutComments(query) {
    return query.split("\n").filter(function (line) { return !/^\s*#/.test(line); }).join("\n")
      .replace(/^\s*\n+/, "");
  }
  function showFields() {
    fields.textContent = "";
    var q = current();
    shownText.textContent = q ? q.title : words.own_query_help;
    if (!q) return;
    q.fields.forEach(function (f) {
      var id = "param-" + f.name;
      var label = el("label", {"for": id}, f.label);
      var control;
      if (f.options.length) {
        control = el("select", {id: id, "data-param": f.name});
        f.options.forEach(function (o) {
          var option = el("option", {value: o.value, lang: o.lang}, o.label);
          if (o.value === f["default"]) option.selected = true;
          control.append(option);
        });
      } else {
        control = el("input", {id: id, "data-param": f.name, type: "text", value: f["default"] || ""});
      }
      control.addEventListener("change", bind);
      fields.append(label, control);
    });
  }
  function bind() {
    var q = current(), mine = ++binding;
    if (!q) return Promise.resolve(true);
    return fetch(form.getAttribute("data-bind") + encodeURIComponent(q.id) + "/query?" + values().toString())
      .then(function (r) { return r.text().then(function (body) { return [r.ok, body]; }); })
      .then(function (answer) {
        if (mine !== binding || current() !== q) return false;
        if (!answer[0]) { showError(words.error_value, answer[1]); return false; }
        text.value = withoutComments(answer[1]);
        return true;
      });
  }
  // An error in the page's language; the server's own words (English, technical) wait behind
  // a "details" toggle. Nothing from an earlier answer stays, and there is nothing to download.
  function showError(message, detail) {
    result.hidden = false; wrap.textContent = ""; downloads.hidden = true;
    var box = el("div", {"class": "error", role: "alert"});
    box.append(el("p", {}, message));
    if (detail && detail.trim()) {
      var more = el("details"), pre = el("pre", {lang: "en"}, detail.trim().replace(/^samhandling: /, ""));
      more.append(el("summary", {}, words.error_detail), pre);
      box.append(more);
    }
    wrap.append(box);
    status.textContent = "";
  }
  function compact(iri) {
    for (var i = 0; i < prefixes.length; i++) {
      var ns = prefixes[i][1];
      if (iri.indexOf(ns) === 0 && iri.length > ns.length) return prefixes[i][0] + ":" + iri.slice(ns.length);
    }
    return iri;
  }
  function cell(term) {
    var td = el("td");
    if (!term) return td;
    td.setAttribute("data-type", term.type);
    td.setAttribute("data-value", term.value);
    if (term.type === "uri") {
      // A term by its label in the page's language; its compact name only when it has none.
      var page = data.pages[term.value], named = data.labels[term.value], shown, link;
      shown = named ? named[0] : compact(term.value);
      if (page) link = el("a", {href: page, title: term.value}, shown);
      else if (/^https?:/.test(term.value)) link = el("a", {href: term.value, rel: "external", title: term.value}, shown);
      else link = el("span", {title: term.value}, shown);
      if (named && named[1] && named[1] !== data.lang) link.setAttribute("lang", named[1]);
      if (!named) link.setAttribute("class", "compact");
      td.append(link);
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      if (term["xml:lang"]) { td.setAttribute("lang", term["xml:lang"]); td.setAttribute("data-lang", term["xml:lang"]); }
      td.textContent = term.value;
    }
    return td;
  }
  // A spreadsheet opening the download runs a cell that starts with = + - @ TAB or CR as a
  // formula (=HYPERLINK(...)): such cells get a leading ' (OWASP, "CSV injection"); the page
  // says so next to the button. (The command line's --format csv keeps values exactly.)
  function csvField(value) {
    if (/^[=+\-@\t\r]/.test(value)) { value = "'" + value; }
    return /[",\r\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }
  function toCsv(json) {
    var lines = [json.head.vars.map(csvField).join(",")];
    json.results.bindings.forEach(function (b) {
      lines.push(json.head.vars.map(function (v) {
        var t = b[v];
        return t ? csvField(t.type === "bnode" ? "_:" + t.value : t.value) : "";
      }).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  }
  function offer(id, body, type, name) {
    var link = document.getElementById(id), url = URL.createObjectURL(new Blob([body], {type: type}));
    urls.push(url);
    link.href = url; link.download = name;
  }
  function show(json, raw) {
    result.hidden = false; wrap.textContent = "";
    downloads.hidden = false;
    var columns = (current() || {}).columns || {};
    urls.forEach(function (u) { URL.revokeObjectURL(u); }); urls = [];
    var name = select.value || "query";
    if ("boolean" in json) {
      wrap.append(el("p", {}, json["boolean"] ? words.yes : words.no));
    } else {
      var table = el("table", {"class": "data answer"}), head = el("tr");
      json.head.vars.forEach(function (v) {
        head.append(el("th", {scope: "col", "data-var": v, title: "?" + v}, columns[v] || v));
      });
      var thead = el("thead"); thead.append(head); table.append(thead);
      var body = el("tbody");
      json.results.bindings.forEach(function (b) {
        var row = el("tr");
        json.head.vars.forEach(function (v) { row.append(cell(b[v])); });
        body.append(row);
      });
      table.append(body); wrap.append(table);
      status.textContent = json.results.bindings.length + " " + words.rows;
      offer("download-csv", toCsv(json), "text/csv", name + ".csv");
    }
    offer("download-json", raw, "application/sparql-results+json", name + ".json");
  }
  function showGraph(turtle) {  // CONSTRUCT and DESCRIBE answer with a graph, as Turtle
    result.hidden = false; wrap.textContent = ""; status.textContent = "";
    var pre = el("pre"); pre.append(el("code", {}, turtle)); wrap.append(pre);
    downloads.hidden = true;  // CSV and JSON are for tables
  }
  function run() {
    status.textContent = words.running; downloads.hidden = true;
    remember();
    return fetch(form.getAttribute("data-endpoint"), {
      method: "POST", body: text.value,
      headers: {"Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json, text/turtle;q=0.9"}
    }).then(function (r) {
      return r.text().then(function (raw) {
        if (!r.ok) {
          showError(r.status === 403 ? words.error_update : r.status === 400 ? words.error_syntax
                    : words.error_server, raw);
          return;
        }
        if ((r.headers.get("Content-Type") || "").indexOf("json") < 0) { showGraph(raw); return; }
        show(JSON.parse(raw), raw);
      });
    }).catch(function (e) { showError(words.error_connection, String(e)); });
  }
  function editOwn() {
    binding++; select.value = ""; showFields(); text.readOnly = false;
    sparql.open = true; text.focus();
  }
  select.addEventListener("change", function () {
    var own = !current();
    text.readOnly = !own;
    if (!own) { showFields(); bind(); } else { editOwn(); }
  });
  document.getElementById("edit").addEventListener("click", editOwn);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    bind().then(function (ok) { if (ok) run(); });
  });
  // An address with a question (or a query of one's own) answers at once.
  var asked = new URLSearchParams(location.search), wanted = asked.get("q");
  if (wanted && byId[wanted]) {
    select.value = wanted;
    showFields();
    fields.querySelectorAll("[data-param]").forEach(function (f) {
      var value = asked.get(f.getAttribute("data-param"));
      if (value !== null && Array.prototype.some.call(f.options || [f], function (o) { return !f.options || o.value === value; })) {
        f.value = value;
      }
    });
    bind().then(function (ok) { if (ok) run(); });
  } else if (asked.has("sparql")) {
    editOwn(); text.value = asked.get("sparql");
    run();
  } else {
    showFields(); bind();
  }
})();

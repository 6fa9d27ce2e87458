// The query page of `samhandling serve`: one field per parameter of a competency question;
// the server binds the values (GET question/ID/query) and the endpoint answers (POST sparql).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("query-data").textContent);
  var form = document.getElementById("query-form"), select = document.getElementById("question");
  var fields = document.getElementById("fields"), text = document.getElementById("query");
  var status = document.getElementById("status"), result = document.getElementById("result");
  var wrap = document.getElementById("table-wrap");
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
  function values() {
    var params = new URLSearchParams();
    fields.querySelectorAll("[data-param]").forEach(function (f) { params.append(f.getAttribute("data-param"), f.value); });
    return params;
  }
  function showFields() {
    fields.textContent = "";
    var q = current();
    if (!q) return;
    q.fields.forEach(function (f) {
      var id = "param-" + f.name;
      var label = el("label", {"for": id}, f.name + (f.description ? " – " + f.description : ""));
      label.setAttribute("lang", "en");  // the descriptions in the question files are English
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
        if (!answer[0]) { showError(answer[1]); return false; }
        text.value = answer[1];
        return true;
      });
  }
  function showError(message) {
    result.hidden = false; wrap.textContent = "";
    wrap.append(el("p", {"class": "error"}, message.trim()));
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
      var page = data.pages[term.value], shown = compact(term.value);
      if (page) td.append(el("a", {href: page}, shown));
      else if (/^https?:/.test(term.value)) td.append(el("a", {href: term.value, rel: "external"}, shown));
      else td.textContent = shown;
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
    document.getElementById("downloads").hidden = false;
    urls.forEach(function (u) { URL.revokeObjectURL(u); }); urls = [];
    var name = select.value || "query";
    if ("boolean" in json) {
      wrap.append(el("p", {}, json["boolean"] ? words.yes : words.no));
    } else {
      var table = el("table", {"class": "data answer"}), head = el("tr");
      json.head.vars.forEach(function (v) { head.append(el("th", {scope: "col"}, v)); });
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
    document.getElementById("downloads").hidden = true;  // CSV and JSON are for tables
  }
  function run() {
    status.textContent = words.running;
    return fetch(form.getAttribute("data-endpoint"), {
      method: "POST", body: text.value,
      headers: {"Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json, text/turtle;q=0.9"}
    }).then(function (r) {
      return r.text().then(function (raw) {
        if (!r.ok) { showError(raw); return; }
        if ((r.headers.get("Content-Type") || "").indexOf("json") < 0) { showGraph(raw); return; }
        show(JSON.parse(raw), raw);
      });
    }).catch(function (e) { showError(String(e)); });
  }
  select.addEventListener("change", function () {
    var own = !current();
    text.readOnly = !own;
    if (!own) { showFields(); bind(); } else { binding++; fields.textContent = ""; text.focus(); }
  });
  document.getElementById("edit").addEventListener("click", function () {
    binding++; select.value = ""; fields.textContent = ""; text.readOnly = false; text.focus();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    bind().then(function (ok) { if (ok) run(); });
  });
  var wanted = new URLSearchParams(location.search).get("q");
  if (wanted && byId[wanted]) select.value = wanted;
  showFields(); bind();
})();

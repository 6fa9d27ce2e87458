// Language choice: a stored choice wins, else the browser's language, else Bokmål.
// The page is kept: switching goes to the same page in the other language folder.
(function () {
  "use strict";
  var KEY = "samhandling.lang";
  var html = document.documentElement;
  var languages = (html.getAttribute("data-languages") || "nb nn en").split(" ");
  function stored() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
  function remember(lang) { try { localStorage.setItem(KEY, lang); } catch (e) { /* private mode */ } }
  function fromBrowser() {
    var list = (navigator.languages && navigator.languages.length) ? navigator.languages : [navigator.language || ""];
    for (var i = 0; i < list.length; i++) {
      var tag = String(list[i]).toLowerCase(), primary = tag.split("-")[0];
      if (primary === "nn" || tag === "no-nyn") return "nn";
      if (primary === "nb" || primary === "no") return "nb";
      if (languages.indexOf(primary) >= 0) return primary;
    }
    return html.getAttribute("data-default-lang") || "nb";
  }
  var wanted = stored();
  if (languages.indexOf(wanted) < 0) wanted = fromBrowser();
  var root = html.getAttribute("data-root") || "", page = html.getAttribute("data-page") || "index.html";
  if (wanted !== html.lang) {
    location.replace(root + wanted + "/" + page + location.search + location.hash);
    return;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-lang]") : null;
    if (link) remember(link.getAttribute("data-lang"));
  });
  // A term's IRI ends in #Name: the start page sends such a fragment on to the term's page.
  document.addEventListener("DOMContentLoaded", function () {
    var slugs = document.getElementById("concept-slugs"), name = location.hash.slice(1);
    if (!slugs || !name || document.getElementById(name)) return;
    if (JSON.parse(slugs.textContent).indexOf(name) >= 0) {
      location.replace((root ? "" : wanted + "/") + "concept/" + name + ".html");
    }
  });
})();

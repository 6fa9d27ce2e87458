// Language: the address decides. A page under nb/, nn/ or en/ stays in that language, whatever
// the browser says, so a shared link reads as its sender saw it. Only the site's start page
// (the root index.html) chooses: a language picked earlier with the switch, else the browser's
// language, else Bokmål. The switch keeps the page: it links to the same page in the other folder.
(function () {
  "use strict";
  var KEY = "samhandling.lang";
  var html = document.documentElement;
  var languages = (html.getAttribute("data-languages") || "nb nn en").split(" ");
  var atRoot = html.getAttribute("data-at-root") === "true";
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
  var root = html.getAttribute("data-root") || "";
  var lang = html.lang;
  if (atRoot) {
    var wanted = stored();
    if (languages.indexOf(wanted) < 0) wanted = fromBrowser();
    if (wanted !== lang) {
      location.replace(wanted + "/index.html" + location.search + location.hash);
      return;
    }
  }
  // A choice made with the switch is what the start page opens next time. (The pages that keep
  // state in the address, the query page and the guide, carry it over in the switch's links.)
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-lang]") : null;
    if (link) remember(link.getAttribute("data-lang"));
  });
  // A term's IRI ends in #Name: the start page sends such a fragment on to the term's page.
  document.addEventListener("DOMContentLoaded", function () {
    var slugs = document.getElementById("concept-slugs"), name = location.hash.slice(1);
    if (!slugs || !name || document.getElementById(name)) return;
    if (JSON.parse(slugs.textContent).indexOf(name) >= 0) {
      location.replace((atRoot ? lang + "/" : "") + "concept/" + name + ".html");
    }
  });
})();

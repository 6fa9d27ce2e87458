// The start page's figure: hovering or focusing a box lights its paths. A need lights the
// organisational forms that meet it, the technical forms that support those, and the legal
// frameworks that constrain any of them; a form lights what leads to it and from it; a legal
// framework lights what it constrains. The lit lines are drawn again on top of the boxes (in
// the figure's "lit" group), so a line never hides behind a box. Without the script the figure
// reads as before; every box links to its page, which lists the same links.
(function () {
  "use strict";
  var svg = document.querySelector("svg.diagram");
  if (!svg) return;
  var overlay = svg.querySelector("g.lit");
  var lines = Array.prototype.slice.call(svg.querySelectorAll("path[data-from]"));
  var kinds = {};
  svg.querySelectorAll("[data-iri][data-kind]").forEach(function (b) { kinds[b.getAttribute("data-iri")] = b.getAttribute("data-kind"); });
  function from(iri) { return lines.filter(function (l) { return l.getAttribute("data-from") === iri; }); }
  function to(iri) { return lines.filter(function (l) { return l.getAttribute("data-to") === iri; }); }
  function ends(list, attr) { return list.map(function (l) { return l.getAttribute(attr); }); }
  function paths(iri) {
    var kind = kinds[iri], found = [];
    if (kind === "need") {
      var out = from(iri);
      found = found.concat(out);
      ends(out, "data-to").forEach(function (form) { found = found.concat(from(form)); });
    } else if (kind === "organisational") {
      found = found.concat(to(iri), from(iri));
    } else if (kind === "technical") {
      var into = to(iri);
      found = found.concat(into);
      ends(into, "data-from").forEach(function (form) {
        found = found.concat(to(form).filter(function (l) { return kinds[l.getAttribute("data-from")] === "need"; }));
      });
    } else if (kind === "legal") {
      found = to(iri);
    }
    return found;
  }
  function clear() {
    svg.classList.remove("lighting");
    overlay.textContent = "";
    svg.querySelectorAll(".on").forEach(function (n) { n.classList.remove("on"); });
  }
  function light(iri) {
    clear();
    var found = paths(iri), nodes = {};
    nodes[iri] = true;
    found.forEach(function (l) {
      nodes[l.getAttribute("data-from")] = true; nodes[l.getAttribute("data-to")] = true;
      var copy = l.cloneNode(true);
      copy.classList.add("on");
      copy.removeAttribute("data-from"); copy.removeAttribute("data-to");
      overlay.append(copy);
    });
    svg.querySelectorAll("[data-iri][data-kind]").forEach(function (b) {
      if (nodes[b.getAttribute("data-iri")]) b.classList.add("on");
    });
    svg.classList.add("lighting");
  }
  svg.querySelectorAll("[data-iri][data-kind]").forEach(function (box) {
    var iri = box.getAttribute("data-iri");
    box.addEventListener("mouseenter", function () { light(iri); });
    box.addEventListener("focus", function () { light(iri); });
    box.addEventListener("mouseleave", clear);
    box.addEventListener("blur", clear);
  });
})();

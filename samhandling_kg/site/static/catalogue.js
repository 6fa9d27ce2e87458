// The catalogue's filters: a row stays when it has the chosen form, need and publisher. The
// address keeps the choice (?form=…&need=…&publisher=…), so a filtered list can be shared.
(function () {
  "use strict";
  var form = document.getElementById("catalogue-filters");
  if (!form) return;
  var rows = Array.prototype.slice.call(document.querySelectorAll("#catalogue tbody tr"));
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var count = document.getElementById("filter-count");
  var keys = {forms: "form", needs: "need", publishers: "publisher"};
  function apply() {
    var shown = 0, params = new URLSearchParams();
    rows.forEach(function (row) {
      var keep = selects.every(function (s) {
        return !s.value || (row.getAttribute("data-" + s.getAttribute("data-filter")) || "").split(" ").indexOf(s.value) >= 0;
      });
      row.hidden = !keep;
      if (keep) shown++;
    });
    selects.forEach(function (s) { if (s.value) params.set(keys[s.getAttribute("data-filter")], s.value); });
    count.textContent = count.getAttribute("data-template").replace("{shown}", shown).replace("{total}", rows.length);
    var search = params.toString() ? "?" + params.toString() : "";
    try { history.replaceState(null, "", location.pathname + search); } catch (e) { /* file: pages */ }
    document.querySelectorAll("nav.langs a[data-lang]").forEach(function (a) {
      a.setAttribute("href", a.getAttribute("href").split("?")[0] + search);
    });
  }
  var asked = new URLSearchParams(location.search);
  selects.forEach(function (s) {
    var value = asked.get(keys[s.getAttribute("data-filter")]);
    if (value && Array.prototype.some.call(s.options, function (o) { return o.value === value; })) s.value = value;
    s.addEventListener("change", apply);
  });
  form.hidden = false;
  apply();
})();

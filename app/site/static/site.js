// Search and filters for the decision log, in the browser, offline: every decision is already
// on the page; this only hides the ones that do not match. The filters live in the address's
// #fragment, so a filtered view can be bookmarked and survives going back from a decision.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var list = document.getElementById("decisions");
  if (!form || !list) { return; }
  var items = Array.prototype.slice.call(list.querySelectorAll("li.decision"));
  var count = document.getElementById("count");
  var none = document.getElementById("none");
  var fields = ["q", "status", "decider", "channel", "zone", "from", "to"];

  function value(name) { return form.elements[name].value; }

  function matches(item) {
    var d = item.dataset;
    var words = value("q").toLowerCase().split(/\s+/).filter(Boolean);
    for (var i = 0; i < words.length; i++) {
      if (d.search.indexOf(words[i]) === -1) { return false; }
    }
    if (value("status") && d.status !== value("status")) { return false; }
    if (value("decider") && d.decider !== value("decider")) { return false; }
    if (value("channel") && d.channel !== value("channel")) { return false; }
    if (value("zone") && d.zone !== value("zone")) { return false; }
    if (value("from") && d.date < value("from")) { return false; }
    if (value("to") && d.date > value("to")) { return false; }
    return true;
  }

  function apply() {
    var shown = 0;
    items.forEach(function (item) {
      var show = matches(item);
      item.hidden = !show;
      if (show) { shown++; }
    });
    var noun = items.length === 1 ? " decision" : " decisions";
    count.textContent = shown === items.length
      ? items.length + noun
      : shown + " of " + items.length + noun + " match";
    none.hidden = shown !== 0;
    var params = new URLSearchParams();
    fields.forEach(function (name) { if (value(name)) { params.set(name, value(name)); } });
    var hash = params.toString();
    history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
  }

  function restore() {
    var params = new URLSearchParams(location.hash.slice(1));
    fields.forEach(function (name) {
      if (params.has(name)) { form.elements[name].value = params.get(name); }
    });
  }

  // Wide screens show every filter; a phone shows the search and folds the rest away,
  // unless the address already asks for one of them.
  var more = document.getElementById("more");
  function unfold() {
    var asked = fields.slice(1).some(function (name) { return value(name); });
    more.open = asked || window.matchMedia("(min-width: 48rem)").matches;
  }

  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  document.getElementById("show-all").addEventListener("click", function (event) {
    event.preventDefault();
    form.reset();
  });
  restore();
  unfold();
  apply();
})();

// The live run list: /ws/dashboard/ says "runs changed"; the page re-reads its own rows (the same
// filter and page, rendered and escaped by the server) at most about once a second, and marks
// the rows that are new or changed. While the socket is down it re-reads every 10 s (live.js).
// The checkbox selection survives those re-reads, and a counter says how many runs are ticked.
(function () {
  "use strict";
  var body = document.getElementById("run-rows");
  if (!body) return;
  var all = document.getElementById("select-page");
  var counter = document.getElementById("selection-count");
  var review = document.getElementById("selection-review");

  // Without JavaScript "select all on this page" is a form field (the server adds every shown
  // row); here it only ticks the boxes, so what is sent is exactly what is ticked.
  if (all) all.removeAttribute("name");

  function boxes() { return body.querySelectorAll("input[name=ids]"); }

  function update() {
    var n = 0, total = 0;
    boxes().forEach(function (b) {
      total++;
      if (b.checked) n++;
      var tr = b.closest("tr");
      if (tr) tr.classList.toggle("picked", b.checked);
    });
    if (all) {
      all.checked = total > 0 && n === total;
      all.indeterminate = n > 0 && n < total;
    }
    if (counter) {
      counter.textContent = n ? n + " selected:" : "Tick executions to act on them:";
      counter.classList.toggle("has", n > 0);
    }
    if (review) review.disabled = n === 0;
  }

  if (all) all.addEventListener("change", function () {
    boxes().forEach(function (b) { b.checked = all.checked; });
    update();
  });
  body.addEventListener("change", function (e) { if (e.target.name === "ids") update(); });

  function statuses() {
    var out = {};
    body.querySelectorAll("tr[data-id]").forEach(function (tr) { out[tr.dataset.id] = tr.dataset.status; });
    return out;
  }

  var read = window.batonLive.reader(body.getAttribute("data-rows-url"), function (html) {
    var before = statuses();
    var picked = {};
    boxes().forEach(function (b) { if (b.checked) picked[b.value] = true; });
    body.innerHTML = html;
    body.querySelectorAll("tr[data-id]").forEach(function (tr) {
      if (before[tr.dataset.id] !== tr.dataset.status) tr.classList.add("flash");
    });
    boxes().forEach(function (b) { b.checked = !!picked[b.value]; });
    update();
    body.dispatchEvent(new CustomEvent("baton:rows", { bubbles: true }));
  }, 700);
  update();
  window.batonLive.dashboard(read);
})();

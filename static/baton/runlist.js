// The live run list: /ws/dashboard/ says "runs changed"; the page re-reads its own rows (the same
// filter and page, rendered and escaped by the server) at most about once a second, and marks
// the rows that are new or changed. While the socket is down it re-reads every 10 s (live.js).
(function () {
  "use strict";
  var body = document.getElementById("run-rows");
  if (!body) return;

  function statuses() {
    var out = {};
    body.querySelectorAll("tr[data-id]").forEach(function (tr) { out[tr.dataset.id] = tr.dataset.status; });
    return out;
  }

  var read = window.batonLive.reader(body.getAttribute("data-rows-url"), function (html) {
    var before = statuses();
    body.innerHTML = html;
    body.querySelectorAll("tr[data-id]").forEach(function (tr) {
      if (before[tr.dataset.id] !== tr.dataset.status) tr.classList.add("flash");
    });
    body.dispatchEvent(new CustomEvent("baton:rows", { bubbles: true }));
  }, 700);
  window.batonLive.dashboard(read);
})();

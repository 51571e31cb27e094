// The live overview: /ws/dashboard/ says "executions changed"; the page re-reads its parts (the
// same window, rendered and escaped by the server) at most once a second. While the socket is
// down it re-reads every 10 s (live.js); every 15 s anyway, so "N s ago" of the pollers stays true.
(function () {
  "use strict";
  var parts = document.getElementById("overview-parts");
  if (!parts) return;

  var read = window.batonLive.reader(parts.getAttribute("data-parts-url"), function (html) {
    parts.innerHTML = html;
    parts.dispatchEvent(new CustomEvent("baton:overview", { bubbles: true }));
  }, 1000);
  window.batonLive.dashboard(read);
  setInterval(function () { if (read.idleFor() > 15000) read.schedule(); }, 5000);
})();

// A live part of a page (the metrics, a workflow's grid): the element with data-parts-url is
// re-read from the server, rendered and escaped there, when /ws/dashboard/ says executions
// changed, at most once per data-parts-gap ms (these parts aggregate a window of rows, so a burst
// of transitions is one re-read every few seconds, not one per transition).
(function () {
  "use strict";
  var parts = document.querySelector("[data-parts-url]");
  if (!parts || !window.batonLive) return;
  var gap = parseInt(parts.getAttribute("data-parts-gap") || "3000", 10);
  var read = window.batonLive.reader(parts.getAttribute("data-parts-url"), function (html) {
    parts.innerHTML = html;
    parts.dispatchEvent(new CustomEvent("baton:parts", { bubbles: true }));
  }, gap);
  window.batonLive.dashboard(read);
})();

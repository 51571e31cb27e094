// The live overview: /ws/dashboard/ says "executions changed"; the page re-reads its parts (the
// same window, rendered and escaped by the server) at most once a second. While the socket is
// down it re-reads every 10 s; every 15 s anyway, so "N s ago" of the pollers stays true.
(function () {
  "use strict";
  var parts = document.getElementById("overview-parts");
  if (!parts) return;
  var dot = document.getElementById("live-dot");
  var text = document.getElementById("live-text");
  var url = parts.getAttribute("data-parts-url");
  var last = 0, timer = null, busy = false, again = false, retry = 0, fallback = null;

  function state(on, label) {
    dot.className = "live-dot" + (on ? " on" : "");
    text.textContent = label;
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    last = Date.now();
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        parts.innerHTML = html;
        parts.dispatchEvent(new CustomEvent("baton:overview", { bubbles: true }));
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) { again = false; schedule(); }
      });
  }

  function schedule() {
    if (timer) return;
    // at most one re-read a second, however often the doorbell rings
    timer = setTimeout(function () { timer = null; refresh(); }, Math.max(0, 1000 - (Date.now() - last)));
  }

  function connect() {
    var proto = location.protocol === "https:" ? "wss" : "ws";
    var ws = new WebSocket(proto + "://" + location.host + "/ws/dashboard/");
    ws.onopen = function () {
      retry = 0;
      state(true, "live");
      if (fallback) { clearInterval(fallback); fallback = null; }
      schedule();
    };
    ws.onmessage = function (m) {
      try { if (JSON.parse(m.data).type === "changed") schedule(); } catch (e) {}
    };
    ws.onclose = function () {
      state(false, "reconnecting…");
      if (!fallback) fallback = setInterval(refresh, 10000);
      retry++;
      setTimeout(connect, Math.min(10000, 500 * Math.pow(2, retry)));
    };
  }
  setInterval(function () { if (Date.now() - last > 15000) schedule(); }, 5000);
  connect();
})();

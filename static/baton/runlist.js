// The live run list: /ws/dashboard/ says "runs changed"; the page re-reads its own rows (the same
// filter and page, rendered and escaped by the server) at most about once a second, and marks
// the rows that are new or changed. While the socket is down it re-reads every 10 s.
(function () {
  "use strict";
  var body = document.getElementById("run-rows");
  if (!body) return;
  var dot = document.getElementById("live-dot");
  var text = document.getElementById("live-text");
  var url = body.getAttribute("data-rows-url");
  var timer = null, busy = false, again = false, retry = 0, fallback = null;

  function state(on, label) {
    dot.className = "live-dot" + (on ? " on" : "");
    text.textContent = label;
  }

  function snapshot() {
    var out = {};
    body.querySelectorAll("tr[data-id]").forEach(function (tr) { out[tr.dataset.id] = tr.dataset.status; });
    return out;
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    var before = snapshot();
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        body.innerHTML = html;
        body.querySelectorAll("tr[data-id]").forEach(function (tr) {
          if (before[tr.dataset.id] !== tr.dataset.status) tr.classList.add("flash");
        });
        body.dispatchEvent(new CustomEvent("baton:rows", { bubbles: true }));
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) { again = false; schedule(); }
      });
  }

  function schedule() {
    if (timer) return;
    timer = setTimeout(function () { timer = null; refresh(); }, 700);
  }

  function connect() {
    var proto = location.protocol === "https:" ? "wss" : "ws";
    var ws = new WebSocket(proto + "://" + location.host + "/ws/dashboard/");
    ws.onopen = function () {
      retry = 0;
      state(true, "live");
      if (fallback) { clearInterval(fallback); fallback = null; }
      schedule(); // whatever changed while we were away
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
  connect();
})();

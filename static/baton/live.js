// What the live pages share: a coalescing re-reader of a server-rendered fragment, and the
// /ws/dashboard/ doorbell with its reconnect and its fallback poll while the socket is down.
(function () {
  "use strict";

  // reader(url, apply, gap): refresh() fetches `url` (a string, or a function giving it) now (or once more right after the fetch in
  // flight) and hands the HTML to apply(html); schedule() asks for a re-read at most once per
  // `gap` ms, however often it is called. Errors are left to the next re-read.
  function reader(url, apply, gap) {
    var timer = null, busy = false, again = false, last = 0;

    function refresh() {
      if (busy) { again = true; return; }
      busy = true;
      last = Date.now();
      fetch(typeof url === "function" ? url() : url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(apply)
        .catch(function () {})
        .then(function () {
          busy = false;
          if (again) { again = false; schedule(); }
        });
    }

    function schedule() {
      if (timer) return;
      timer = setTimeout(function () { timer = null; refresh(); }, Math.max(0, gap - (Date.now() - last)));
    }

    return { refresh: refresh, schedule: schedule, idleFor: function () { return Date.now() - last; } };
  }

  // dashboard(read): follow /ws/dashboard/, showing its state in #live-dot / #live-text; each
  // "changed" (and each reconnect) schedules a re-read; while the socket is down, re-read every 10 s.
  function dashboard(read) {
    var dot = document.getElementById("live-dot");
    var text = document.getElementById("live-text");
    var retry = 0, fallback = null;

    function state(on, label) {
      if (dot) dot.className = "live-dot" + (on ? " on" : "");
      if (text) text.textContent = label;
    }

    function connect() {
      var proto = location.protocol === "https:" ? "wss" : "ws";
      var ws = new WebSocket(proto + "://" + location.host + "/ws/dashboard/");
      ws.onopen = function () {
        retry = 0;
        state(true, "live");
        if (fallback) { clearInterval(fallback); fallback = null; }
        read.schedule(); // whatever changed while we were away
      };
      ws.onmessage = function (m) {
        try { if (JSON.parse(m.data).type === "changed") read.schedule(); } catch (e) {}
      };
      ws.onclose = function () {
        state(false, "reconnecting…");
        if (!fallback) fallback = setInterval(read.refresh, 10000);
        retry++;
        setTimeout(connect, Math.min(10000, 500 * Math.pow(2, retry)));
      };
    }
    connect();
  }

  window.batonLive = { reader: reader, dashboard: dashboard };
})();

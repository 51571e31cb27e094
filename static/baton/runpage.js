// The run page's server-rendered parts (header, actions, details, logs) follow the execution: the
// diagram island (editor/frontend/src/run.tsx) fires "baton:run-event" for each event of the run
// stream, and this re-reads those parts (rendered and escaped by the server) at most about once
// a second. Without the island (front end not built) it re-reads every 5 s until the run ends.
(function () {
  "use strict";
  var page = document.getElementById("run-page");
  if (!page) return;
  var url = page.getAttribute("data-live-url");
  var TERMINAL = ["COMPLETED", "FAILED", "TIMED_OUT", "TERMINATED"];
  var timer = null, busy = false, again = false;

  function wireLogs() {
    var nowrap = document.getElementById("log-nowrap");
    var lines = document.getElementById("log-lines");
    if (!nowrap || !lines) return;
    nowrap.checked = localStorage.getItem("baton.logs.nowrap") === "1";
    lines.classList.toggle("nowrap", nowrap.checked);
    nowrap.onchange = function () {
      lines.classList.toggle("nowrap", nowrap.checked);
      try { localStorage.setItem("baton.logs.nowrap", nowrap.checked ? "1" : "0"); } catch (e) {}
    };
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    var lines = document.getElementById("log-lines");
    var atBottom = lines && lines.scrollTop + lines.clientHeight >= lines.scrollHeight - 4;
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        doc.querySelectorAll("[data-live]").forEach(function (fresh) {
          var here = page.querySelector('[data-live="' + fresh.getAttribute("data-live") + '"]');
          // keep a half-typed termination reason: skip the region while one of its inputs has focus
          if (here && !(document.activeElement && here.contains(document.activeElement) && document.activeElement.tagName === "INPUT")) {
            here.innerHTML = fresh.innerHTML;
          }
        });
        wireLogs();
        var after = document.getElementById("log-lines");
        if (after && atBottom) after.scrollTop = after.scrollHeight;
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) { again = false; schedule(); }
      });
  }

  function schedule() {
    if (timer) return;
    timer = setTimeout(function () { timer = null; refresh(); }, 600);
  }

  window.addEventListener("baton:run-event", schedule);
  wireLogs();
  setTimeout(function poll() {
    if (window.batonRunIsland) return; // the island's stream drives us
    var st = page.querySelector('[data-testid="wf-status"]');
    if (st && TERMINAL.indexOf(st.textContent.trim()) >= 0) return;
    refresh();
    setTimeout(poll, 5000);
  }, 5000);
})();

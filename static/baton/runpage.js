// The run page's server-rendered parts (header, actions, details) follow the execution: the
// diagram island (editor/frontend/src/run.tsx) fires "baton:run-event" for each event of the run
// stream, and this re-reads those parts (rendered and escaped by the server) at most about once
// a second, and appends the new log lines. Without the island (front end not built) it re-reads
// every 5 s until the run ends.
(function () {
  "use strict";
  var page = document.getElementById("run-page");
  if (!page) return;
  var url = page.getAttribute("data-live-url");
  var TERMINAL = ["COMPLETED", "FAILED", "TIMED_OUT", "TERMINATED"];

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

  var atBottom = false;
  var read = window.batonLive.reader(url, function (html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    doc.querySelectorAll("[data-live]").forEach(function (fresh) {
      var here = page.querySelector('[data-live="' + fresh.getAttribute("data-live") + '"]');
      // keep a half-typed termination reason: skip the region while one of its inputs has focus
      if (here && !(document.activeElement && here.contains(document.activeElement) && document.activeElement.tagName === "INPUT")) {
        // keep what the reader opened or closed (event history, input...) across the re-render;
        // the others follow the server (the output opens once there is one)
        var was = Array.prototype.map.call(here.querySelectorAll("details"), function (d) {
          return d.hasAttribute("data-touched") ? d.open : null;
        });
        here.innerHTML = fresh.innerHTML;
        var now = here.querySelectorAll("details");
        if (now.length === was.length) now.forEach(function (d, i) {
          if (was[i] !== null) { d.open = was[i]; d.setAttribute("data-touched", ""); }
        });
      }
    });
  }, 600);

  // The log lines are appended, not re-rendered: only the lines after the last one shown
  // (?partial=logs&after=<id>), so a long log is not re-sent and the reader's scroll and
  // selection stay. A capped view (the first 5000 lines) stays as it is: download has the rest.
  var logsUrl = page.getAttribute("data-logs-url");
  var readLogs = window.batonLive.reader(function () {
    var lines = document.getElementById("log-lines");
    return logsUrl + "&after=" + encodeURIComponent(lines ? lines.getAttribute("data-last-id") || "0" : "0");
  }, function (html) {
    var lines = document.getElementById("log-lines");
    if (!lines) return;
    var last = parseInt(lines.getAttribute("data-last-id") || "0", 10);
    var doc = new DOMParser().parseFromString("<div>" + html + "</div>", "text/html");
    var added = 0;
    doc.querySelectorAll(".log-line").forEach(function (line) {
      var id = parseInt(line.getAttribute("data-id") || "0", 10);
      if (id <= last) return; // already shown (a re-read that crossed another)
      lines.appendChild(document.importNode(line, true));
      last = id;
      added++;
    });
    if (!added) return;
    lines.setAttribute("data-last-id", String(last));
    var empty = lines.querySelector("[data-empty]");
    if (empty) empty.remove();
    var count = document.querySelector("[data-testid=log-count]");
    var n = lines.querySelectorAll(".log-line").length;
    if (count) count.textContent = n + (n === 1 ? " line" : " lines") + (count.getAttribute("data-matching") ? " matching" : "");
    if (atBottom) lines.scrollTop = lines.scrollHeight;
  }, 600);

  function schedule() {
    // Follow the log's tail only if the reader was at the bottom when the change came in.
    var lines = document.getElementById("log-lines");
    atBottom = !!lines && lines.scrollTop + lines.clientHeight >= lines.scrollHeight - 4;
    read.schedule();
    if (lines && lines.getAttribute("data-cap") !== "1") readLogs.schedule();
  }

  // Copy and full screen live in the re-rendered logs region, so they are wired by delegation.
  function logsText() {
    var out = [];
    document.querySelectorAll("#log-lines .log-line").forEach(function (line) {
      var time = line.querySelector(".log-time"), task = line.querySelector(".log-task"), body = line.querySelector(".log-text");
      out.push((time ? time.getAttribute("title") : "") + "  " + (task ? task.textContent.trim().replace(/\s+/g, " ") : "") + "  " + (body ? body.textContent : ""));
    });
    return out.join("\n");
  }

  function copied(button, ok) {
    button.textContent = ok ? "Copied" : "Copy failed";
    setTimeout(function () { button.textContent = "Copy"; }, 1500);
  }

  function copy(button) {
    var text = logsText();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { copied(button, true); }, function () { copied(button, false); });
      return;
    }
    var area = document.createElement("textarea"); // plain http on another host: the old way
    area.value = text;
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) {}
    area.remove();
    copied(button, ok);
  }

  function fullscreen(on) {
    var section = document.getElementById("logs");
    section.classList.toggle("fullscreen", on);
    var button = document.getElementById("log-fullscreen");
    if (button) { button.setAttribute("aria-pressed", on ? "true" : "false"); button.textContent = on ? "Exit full screen" : "Full screen"; }
  }

  document.addEventListener("click", function (e) {
    var summary = e.target.closest ? e.target.closest("#run-page [data-live] summary") : null;
    if (summary && summary.parentElement) summary.parentElement.setAttribute("data-touched", "");
    var target = e.target.closest ? e.target.closest("#log-copy, #log-fullscreen") : null;
    if (!target) return;
    if (target.id === "log-copy") copy(target);
    else fullscreen(!document.getElementById("logs").classList.contains("fullscreen"));
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && document.getElementById("logs").classList.contains("fullscreen")) fullscreen(false);
  });

  window.addEventListener("baton:run-event", schedule);
  wireLogs();
  setTimeout(function poll() {
    if (window.batonRunIsland) return; // the island's stream drives us
    var st = page.querySelector('[data-testid="wf-status"]');
    if (st && TERMINAL.indexOf(st.textContent.trim()) >= 0) return;
    schedule();
    setTimeout(poll, 5000);
  }, 5000);
})();

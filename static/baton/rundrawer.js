// The run page's one task drawer (executions/_run_drawer.html). The island (editor/frontend/src/ui/
// RunView.tsx) asks for a task with a `baton:open-task` event ({ref, taskId?}) when a node, a table
// row, a timeline bar or a fork's branch is clicked; this shows that task's panel without a reload
// and keeps ?task=<ref>&attempt=<taskId> in the URL. Attempts, tabs, copy and close work in place
// (closing tells the island with `baton:task-closed`, which drops its highlight); the panel follows
// the run live. Without this script the same panel is there through ?task=<ref> links and posts.
(function () {
  "use strict";
  var page = document.getElementById("run-page");
  var slot = document.getElementById("task-drawer-slot");
  if (!page || !slot) return;
  var taskUrl = page.getAttribute("data-task-url"); // .../tasks/__ref__
  var params = new URLSearchParams(location.search);
  var shown = document.getElementById("task-drawer"); // rendered by the server (?task=, a form's error)
  var state = { ref: params.get("task") || (shown ? shown.getAttribute("data-ref") : "") || "", attempt: params.get("attempt") || "" };
  var TAB_KEY = "baton.run.drawerTab";
  // A form's error comes back at the action's URL: put the run page's URL back, so a reload does
  // not post again and the page's relative re-reads (?partial=...) go to the run page. (The SDK's
  // /execution/<id> is the same page: its URL and query, e.g. ?iter.<loop>=N, stay as they are.)
  var runUrl = page.getAttribute("data-run-url");
  if (runUrl && /\/tasks\/[^/]+\/action$/.test(location.pathname)) {
    history.replaceState(null, "", runUrl + (state.ref ? "?task=" + encodeURIComponent(state.ref) : "") + "#task-drawer");
  }

  function fragmentUrl() {
    var u = taskUrl.replace("__ref__", encodeURIComponent(state.ref));
    return state.attempt ? u + "?attempt=" + encodeURIComponent(state.attempt) : u;
  }

  function remember() {
    var q = new URLSearchParams(location.search);
    if (state.ref) q.set("task", state.ref); else q.delete("task");
    if (state.attempt) q.set("attempt", state.attempt); else q.delete("attempt");
    var s = q.toString();
    history.replaceState(null, "", location.pathname + (s ? "?" + s : "") + location.hash);
  }

  function tab(name) {
    var drawer = document.getElementById("task-drawer");
    if (!drawer) return;
    if (!drawer.querySelector('[data-tab="' + name + '"]')) name = "details";
    drawer.querySelectorAll("[data-tab]").forEach(function (b) {
      var on = b.getAttribute("data-tab") === name;
      b.classList.toggle("on", on);
      b.setAttribute("aria-selected", on ? "true" : "false");
    });
    drawer.querySelectorAll("[data-panel]").forEach(function (p) { p.hidden = p.getAttribute("data-panel") !== name; });
  }

  function currentTab() {
    try { return localStorage.getItem(TAB_KEY) || "details"; } catch (e) { return "details"; }
  }

  // A form the user is filling in is never replaced under them.
  function busy() {
    var drawer = document.getElementById("task-drawer");
    if (!drawer) return false;
    var a = document.activeElement;
    if (a && drawer.contains(a) && /^(INPUT|TEXTAREA|SELECT)$/.test(a.tagName)) return true;
    return !!drawer.querySelector("details.task-action[open]");
  }

  // The panel and its scrolling boxes (input, output, logs) keep where the reader had scrolled to
  // when a live refresh replaces them.
  var SCROLLERS = ["#task-drawer", "#drawer-input", "#drawer-output", "[data-testid=drawer-logs]", "#drawer-json"];
  function scrolls() {
    return SCROLLERS.map(function (sel) { var el = slot.querySelector(sel); return el ? el.scrollTop : 0; });
  }
  function restore(tops) {
    SCROLLERS.forEach(function (sel, i) { var el = slot.querySelector(sel); if (el && tops[i]) el.scrollTop = tops[i]; });
  }

  var read = window.batonLive.reader(fragmentUrl, function (html) {
    if (!state.ref || busy()) return;
    var prev = document.getElementById("task-drawer");
    var tops = prev && prev.getAttribute("data-ref") === state.ref ? scrolls() : []; // a new task starts at the top
    slot.innerHTML = html;
    tab(currentTab());
    restore(tops);
    if (focusPending) {
      // a keyboard user lands in the panel they opened (its heading), not back at the diagram
      focusPending = false;
      var heading = slot.querySelector("#task-drawer h2");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus({ preventScroll: true }); }
    }
  }, 600);
  var focusPending = false;
  var opener = null; // what had the focus when the panel was opened: it gets it back on close

  function open(ref, attempt, moveFocus) {
    if (moveFocus) {
      focusPending = true;
      opener = document.activeElement;
    }
    state = { ref: ref, attempt: attempt || "" };
    remember();
    read.refresh();
    // the panel heads the side column: bring it into view when the click was far below it
    var top = slot.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight - 80) slot.scrollIntoView({ block: "start" });
  }

  function close() {
    state = { ref: "", attempt: "" };
    slot.innerHTML = "";
    remember();
    window.dispatchEvent(new CustomEvent("baton:task-closed"));
    if (opener && document.contains(opener) && opener.focus) opener.focus({ preventScroll: true });
    opener = null;
  }

  window.addEventListener("baton:open-task", function (e) {
    var d = e.detail || {};
    if (d.ref) open(String(d.ref), d.taskId ? String(d.taskId) : "", true);
  });

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!t.closest) return;
    var drawer = t.closest("#task-drawer");
    if (!drawer) return;
    var att = t.closest("[data-attempt]");
    if (att) { e.preventDefault(); open(state.ref || drawer.getAttribute("data-ref"), att.getAttribute("data-attempt")); return; }
    if (t.closest("[data-drawer-close]")) { e.preventDefault(); close(); return; }
    var tb = t.closest("[data-tab]");
    if (tb) {
      try { localStorage.setItem(TAB_KEY, tb.getAttribute("data-tab")); } catch (err) {}
      tab(tb.getAttribute("data-tab"));
      return;
    }
    var cp = t.closest("[data-copy]");
    if (cp) copy(cp, document.querySelector(cp.getAttribute("data-copy")));
  });

  // Esc inside the panel closes it (not from a form field: Esc there is the field's own)
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape" || !e.target.closest || !e.target.closest("#task-drawer")) return;
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName)) return;
    e.preventDefault();
    close();
  });

  function copy(button, source) {
    var text = source ? source.textContent : "";
    var done = function (ok) {
      button.textContent = ok ? "Copied" : "Copy failed";
      setTimeout(function () { button.textContent = "Copy"; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
      return;
    }
    var area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (err) {}
    area.remove();
    done(ok);
  }

  window.addEventListener("baton:run-event", function () { if (state.ref) read.schedule(); });
  // A panel the server rendered (?task=<ref>, or a form's error) keeps its open form's tab.
  var first = document.getElementById("task-drawer");
  if (first) tab(first.querySelector("details.task-action[open]") ? "actions" : currentTab());
})();

// The inbox's numbers: the nav's count (my tasks + claimable) on every page, and on /inbox/ a
// small poll of /inbox/counts/ that re-reads the list (tabs and table only, never the filter form
// someone may be typing in) when a number changed. Without JavaScript the page is complete anyway.
(function () {
  "use strict";
  var URL_COUNTS = "/inbox/counts/", EVERY = 10000;
  var nav = document.getElementById("nav-inbox-count");
  var list = document.getElementById("inbox");
  var shown = null;

  function paintNav(c) {
    if (!nav) return;
    var open = c.mine + c.claimable;
    nav.textContent = open > 99 ? "99+" : String(open);
    nav.hidden = open === 0;
    nav.title = c.mine + " mine, " + c.claimable + " claimable";
  }

  function rendered() {
    var out = {};
    ["mine", "claimable", "done"].forEach(function (k) {
      var el = document.querySelector("#tab-" + k + " .ib-count");
      out[k] = el ? Number(el.textContent) : null;
    });
    return out;
  }

  // Swap the tabs and the table from a fresh render of this same URL (same filters).
  var reread = list && window.batonLive ? window.batonLive.reader(location.href, function (html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    ["inbox", "ib-tabs"].forEach(function (id) {
      var fresh = doc.getElementById(id), old = document.getElementById(id);
      if (fresh && old) old.innerHTML = fresh.innerHTML;
    });
  }, 1000) : null;

  function poll() {
    fetch(URL_COUNTS, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (c) {
        paintNav(c);
        try { sessionStorage.setItem("baton.inboxCounts", JSON.stringify({ at: Date.now(), counts: c })); } catch (e) {}
        if (!reread) return;
        var now = rendered(), filtered = location.search.replace(/(^\?|&)(tab|sort)=[^&]*/g, "") !== "";
        // With filters the tab numbers are of the filtered lists: any change of the totals re-reads.
        var changed = shown ? (shown.mine !== c.mine || shown.claimable !== c.claimable || shown.done !== c.done)
          : (!filtered && (now.mine !== c.mine || now.claimable !== c.claimable || now.done !== c.done));
        shown = c;
        if (changed) reread.refresh();
      })
      .catch(function () {});
  }

  // Other pages show the nav count from the last 30 s when there is one (no request per click).
  var cached = null;
  try { cached = JSON.parse(sessionStorage.getItem("baton.inboxCounts") || "null"); } catch (e) {}
  if (!list && cached && Date.now() - cached.at < 30000) paintNav(cached.counts);
  else poll();
  if (list) {
    setInterval(function () { if (!document.hidden) poll(); }, EVERY);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
  }
})();

// The run page in headless Chromium, for bench/run_page_live.py (not a test).
//   MODE=interactive RUN_ID=<1,000-task run> REPEAT=n : per load, ms from navigation start until the
//     page is interactive — the task table reports every task and shows its first rows (it renders
//     only the rows in view), and the diagram is drawn.
//     PROFILE=<path> : after the timed loads, one more load under the CDP Profiler; writes a
//     summary (self time by function and by bundle file, long tasks) as JSON to <path>.
//   STATIC_DIR=<static/editor folder> : serve the editor's assets from there (a fresh build against a
//     stack that is already up, for profiling by hand; the bench itself never sets it).
//   MODE=live RUN_ID=<running run> READY_FILE=<path> EXPECT=n : once the page is live, touches
//     READY_FILE, then records Date.now() when each diagram node first shows COMPLETED.
import { readFileSync, writeFileSync } from "node:fs";
import { scenario } from "../tests/browser/lib.mjs";

const RUN_ID = process.env.RUN_ID;
const MODE = process.env.MODE;

async function loadOnce(page, want) {
    await page.goto(`/executions/${RUN_ID}`, { waitUntil: "commit" });
    try {
      // The rows come from the run stream's snapshot (an ended run's stream then closes). The table
      // renders only the rows in view (RunTasks' window), so "interactive" is: the table reports
      // every task (data-count, from the same array its rows are cut from), shows its first rows
      // — the first and last task of the run's first screenful in order — and the diagram is drawn.
      await page.waitForFunction((n) => {
        const table = document.querySelector("[data-testid=task-table]");
        const rows = table ? table.querySelectorAll("tbody tr[data-ref]") : [];
        return table && Number(table.dataset.count) === n && rows.length >= Math.min(n, 10)
          && rows[0].querySelector("td")?.textContent !== "" && rows[0].getAttribute("aria-rowindex") === "2"
          && document.querySelectorAll(".task-node").length > 0;
      }, want, { timeout: 60000, polling: "raf" });
    } catch (e) {
      const rows = await page.locator("[data-testid=task-table] tbody tr[data-ref]").count();
      const count = await page.locator("[data-testid=task-table]").getAttribute("data-count").catch(() => null);
      const nodes = await page.locator(".task-node").count();
      throw new Error(`not interactive after 60 s: the table reports ${count} of ${want} tasks (${rows} rows rendered), ${nodes} diagram nodes`);
    }
    return await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      return { interactive: performance.now(), html: nav.responseEnd, domContentLoaded: nav.domContentLoadedEventEnd };
    });
}

async function serveBuild(page, dir) {
  await page.route("**/static/editor/**", (route) => {
    const file = new URL(route.request().url()).pathname.replace(/^\/static\/editor\//, "");
    let body;
    try {
      body = readFileSync(`${dir}/${file}`);
    } catch {
      return route.continue();
    }
    return route.fulfill({ body, contentType: file.endsWith(".css") ? "text/css" : "text/javascript" });
  });
}

async function interactive(page) {
  if (process.env.STATIC_DIR) await serveBuild(page, process.env.STATIC_DIR);
  const loads = [];
  const want = Number(process.env.TASKS);
  for (let i = 0; i < Number(process.env.REPEAT ?? 5); i++) loads.push(await loadOnce(page, want));
  if (process.env.PROFILE) await profileOnce(page, want, process.env.PROFILE);
  return { loads };
}

// One more load under the Performance timeline (CDP tracing): the renderer main thread's time by
// event (ParseHTML, FunctionCall, UpdateLayoutTree = style, Layout, Paint, ...), self time so the
// rows add up, up to the interactive moment.
async function traceOnce(page, want, cdp) {
  const events = [];
  cdp.on("Tracing.dataCollected", (e) => events.push(...e.value));
  const done = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
  await cdp.send("Tracing.start", { categories: "devtools.timeline,v8.execute,disabled-by-default-devtools.timeline", transferMode: "ReportEvents" });
  const at = await loadOnce(page, want);
  await cdp.send("Tracing.end");
  await done;
  const main = events.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain" && events.some((x) => x.pid === e.pid && x.name === "ParseHTML"));
  const complete = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === "X" && e.dur).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  // self time: each event's duration less its direct children's
  const self = new Map();
  const stack = [];
  for (const e of complete) {
    while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur);
    self.set(e.name, (self.get(e.name) ?? 0) + e.dur);
    stack.push(e);
  }
  const top = [...self].filter(([, us]) => us > 2000).sort((a, b) => b[1] - a[1]).map(([k, us]) => [k, Math.round(us / 1000)]);
  return { load: at, selfMs: top };
}

// One more load, noting when things happen (ms after navigation start): the run stream's snapshot
// arriving, the island's first canvas paint, the interactive moment.
async function momentsOnce(page, want) {
  const frames = [];
  const onWs = (ws) => {
    if (!ws.url().includes("/ws/workflows/")) return;
    frames.push({ open: Date.now() });
    ws.on("framereceived", (f) => frames.push({ at: Date.now(), bytes: String(f.payload).length }));
  };
  page.on("websocket", onWs);
  const at = await loadOnce(page, want);
  page.off("websocket", onWs);
  const page_ = await page.evaluate(() => ({ origin: performance.timeOrigin, marks: performance.getEntriesByType("mark").map((m) => [m.name, Math.round(m.startTime)]),
    scripts: performance.getEntriesByType("resource").filter((r) => /editor\/assets/.test(r.name)).map((r) => [r.name.split("/").pop(), Math.round(r.responseEnd)]) }));
  const rel = (t) => Math.round(t - page_.origin);
  return { interactive: Math.round(at.interactive), html: Math.round(at.html), marks: page_.marks, scripts: page_.scripts,
    socketOpened: frames[0] ? rel(frames[0].open) : null, snapshotAt: frames[1] ? rel(frames[1].at) : null, snapshotBytes: frames[1]?.bytes ?? null };
}

async function metrics(cdp) {
  const { metrics: m } = await cdp.send("Performance.getMetrics");
  return Object.fromEntries(m.map((x) => [x.name, x.value]));
}

// One load under the CDP sampling profiler: where the main thread's time goes, summed by function
// (self time) and by script file, so "(program)" (style/layout/paint) stands beside our code.
async function profileOnce(page, want, path) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await cdp.send("Performance.enable");
  const before = await metrics(cdp);
  await cdp.send("Profiler.start");
  const at = await loadOnce(page, want);
  const { profile } = await cdp.send("Profiler.stop");
  const after = await metrics(cdp);
  // the renderer's own counters (style, layout, script, whole tasks), in ms, and the DOM's size
  const timeline = Object.fromEntries(["RecalcStyleDuration", "LayoutDuration", "ScriptDuration", "TaskDuration"]
    .map((k) => [k, Math.round((after[k] - before[k]) * 1000)]));
  timeline.Nodes = after.Nodes;
  timeline.LayoutCount = after.LayoutCount - before.LayoutCount;
  timeline.RecalcStyleCount = after.RecalcStyleCount - before.RecalcStyleCount;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0)));
  const fns = new Map();
  const files = new Map();
  for (const [id, us] of self) {
    const f = byId.get(id).callFrame;
    const file = (f.url || "").split("/").pop() || "(native)";
    const key = `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + us / 1000);
    files.set(file, (files.get(file) ?? 0) + us / 1000);
  }
  const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => [k, Math.round(v)]);
  const trace = await traceOnce(page, want, cdp);
  const moments = await momentsOnce(page, want);
  writeFileSync(path, JSON.stringify({ load: at, moments, timeline, trace, byFile: top(files, 15), bySelf: top(fns, 40) }, null, 2));
}

async function live(page) {
  await page.goto(`/executions/${RUN_ID}`);
  await page.waitForSelector("[data-testid=run-live].on", { timeout: 30000 });
  await page.evaluate(() => {
    window.__seen = {};
    const mark = () => {
      for (const el of document.querySelectorAll(".task-node[data-status=COMPLETED]")) {
        if (!(el.dataset.ref in window.__seen)) window.__seen[el.dataset.ref] = Date.now();
      }
    };
    new MutationObserver(mark).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["data-status"], childList: true });
    mark();
  });
  writeFileSync(process.env.READY_FILE, "ready");
  const expect = Number(process.env.EXPECT);
  await page.waitForFunction((n) => Object.keys(window.__seen).length >= n, expect, { timeout: 120000 });
  return { seen: await page.evaluate(() => window.__seen) };
}

await scenario(`run-page-${MODE}`, async ({ page }) => (MODE === "interactive" ? interactive(page) : live(page)));

// The execution dashboards: the run list filtered through the URL and live, then a run page whose
// diagram (the editor's Canvas) turns COMPLETED without a reload while the Python test plays the
// worker, and whose log viewer shows the worker's (hostile) log line as text.
import { writeFileSync } from "node:fs";
import { check, scenario, shot, node } from "./lib.mjs";

const DONE_ID = process.env.DONE_ID; // a TERMINATED run
const RUN_ID = process.env.RUN_ID; // a RUNNING run the worker will complete once READY_FILE exists
const READY_FILE = process.env.READY_FILE;
const HOSTILE = process.env.HOSTILE;

const rowIds = (page) => page.locator("#run-rows tr[data-id]").evaluateAll((els) => els.map((e) => e.dataset.id));

async function bothThemes(page, name) {
  for (const theme of ["light", "dark"]) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    await shot(page, `${name}-${theme}`);
  }
}

await scenario("dashboards", async ({ page }) => {
  // the run list, filtered by status through the URL
  await page.goto("/executions/?status=TERMINATED");
  const terminated = await rowIds(page);
  check(terminated.includes(DONE_ID) && !terminated.includes(RUN_ID), "status=TERMINATED lists only terminated runs: " + terminated);
  check(await page.locator("input[name=status][value=TERMINATED]").isChecked(), "the filter form shows the URL's status");

  // live: a run started now appears in the RUNNING list without a reload
  await page.goto("/executions/?status=RUNNING");
  await page.waitForSelector("#live-dot.on", { timeout: 15000 });
  check((await rowIds(page)).includes(RUN_ID), "the running run is listed");
  await page.evaluate(() => (window.__noReload = true));
  const fresh = await page.evaluate(async () => {
    const csrf = document.cookie.match(/csrftoken=([^;]+)/)[1];
    const r = await fetch("/api/workflow", { method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ name: "browser_dash", version: 1, input: { orderId: "LIVE-1" } }) });
    return (await r.text()).replace(/"/g, "").trim();
  });
  await page.waitForSelector(`#run-rows tr[data-id="${fresh}"]`, { timeout: 20000 });
  check(await page.evaluate(() => window.__noReload === true), "the new run arrived without a reload");
  await bothThemes(page, "dash-1-list");

  // search by an input value finds exactly that run
  await page.goto("/executions/?input=orderId=LIVE-1");
  check(JSON.stringify(await rowIds(page)) === JSON.stringify([fresh]), "input=orderId=LIVE-1 finds the run");

  // open the run from the list; the worker starts once the page is watching
  await page.goto("/executions/?status=RUNNING");
  await Promise.all([page.waitForURL(`**/executions/${RUN_ID}`), page.click(`#run-rows a[href="/executions/${RUN_ID}"]`)]);
  await page.waitForSelector(node("charge_ref"));
  await page.waitForSelector("[data-testid=run-live]:has-text('live')", { timeout: 15000 });
  await page.evaluate(() => (window.__noReload = true));
  writeFileSync(READY_FILE, "ready");
  const seen = new Set();
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const st = await page.locator(node("charge_ref")).getAttribute("data-status");
    if (st) seen.add(st);
    if (await page.locator(".task-node").evaluateAll((els) => els.every((e) => e.dataset.status === "COMPLETED"))) break;
    await page.waitForTimeout(100); // a sampling interval, not a wait for a result
  }
  await page.waitForFunction(() => [...document.querySelectorAll(".task-node")].every((e) => e.dataset.status === "COMPLETED"), null, { timeout: 15000 });
  await page.waitForSelector("[data-testid=wf-status]:has-text('COMPLETED')", { timeout: 15000 });
  await page.waitForSelector(`.log-text:has-text('charge done')`, { timeout: 15000 });
  check(await page.evaluate(() => window.__noReload === true), "the run completed on the page without a reload");
  const logText = await page.locator(".log-text").first().innerText();
  check(logText.includes(HOSTILE), "the hostile log line shows as text");
  check(await page.evaluate(() => !document.querySelector("img[src=x]") && !window.__pwned), "no injected markup");
  const inputText = await page.locator("[data-testid=wf-input]").innerText();
  check(inputText.includes(HOSTILE), "the hostile input shows as text");

  // the task table opens the page's one drawer on its Details tab: worker id, output
  await page.click("[data-testid=task-table] tr[data-ref=ship_ref] button");
  await page.waitForSelector("#task-drawer[data-ref=ship_ref] [data-testid=drawer-worker]:has-text('browser-worker')");
  await page.waitForSelector("#task-drawer [data-testid=drawer-output]:has-text('ship')");
  check(await page.locator("#task-drawer [data-tab=details][aria-selected=true]").count() === 1, "Details is the drawer's first tab");
  check(new URL(page.url()).searchParams.get("task") === "ship_ref", "the URL names the open task: " + page.url());
  check(await page.locator("[data-testid=task-drawer]").count() === 0, "one drawer: the island has none of its own");
  check(await page.locator(node("ship_ref") + ".selected").count() === 1, "the table row selects its node on the diagram");
  // charge_ref's drawer, from its node: its own log line (the hostile one) as text
  await page.click("[data-testid=task-table] tr[data-ref=charge_ref] button");
  await page.waitForSelector("#task-drawer[data-ref=charge_ref] [data-testid=drawer-logs] .log-text:has-text('charge done')");
  // the opened panel takes the focus (its heading), so a keyboard user reads on from there
  await page.waitForFunction(() => document.activeElement?.matches?.("#task-drawer[data-ref=charge_ref] h2"));
  const drawerLogs = await page.locator("#task-drawer [data-testid=drawer-logs]").innerText();
  check(drawerLogs.includes(HOSTILE), "the drawer's hostile log line shows as text: " + drawerLogs);
  check(await page.evaluate(() => !document.querySelector("img[src=x]") && !window.__pwned), "no injected markup in the drawer");
  await bothThemes(page, "dash-2-run");
  // the narrowest width the dashboards are read at: the drawer still sits beside the diagram
  await page.setViewportSize({ width: 1280, height: 800 });
  const beside = await page.evaluate(() => document.querySelector("#task-drawer").getBoundingClientRect().left
    >= document.querySelector("#run-island").getBoundingClientRect().right);
  check(beside, "at 1280 px the drawer is beside the diagram, not over it");
  await bothThemes(page, "dash-2-run-1280");
  await page.setViewportSize({ width: 1440, height: 900 });
  // by keyboard: Esc in the drawer closes it, the diagram drops its highlight, and the focus goes
  // back to the row that opened it
  await page.focus("#task-drawer [data-tab=details]");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#task-drawer", { state: "detached" });
  await page.waitForFunction(() => !document.querySelector(".task-node.selected"));
  await page.waitForFunction(() => document.activeElement?.closest?.("[data-testid=task-table] tr[data-ref=charge_ref]"));
  check(new URL(page.url()).searchParams.get("task") === null, "closing takes the task out of the URL: " + page.url());
  return { seenCharge: [...seen], fresh };
});

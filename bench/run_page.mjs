// The run page in headless Chromium, for bench/run_page_live.py (not a test).
//   MODE=interactive RUN_ID=<1,000-task run> REPEAT=n : per load, ms from navigation start until the
//     page is interactive — the task table holds every task and the diagram is drawn.
//   MODE=live RUN_ID=<running run> READY_FILE=<path> EXPECT=n : once the page is live, touches
//     READY_FILE, then records Date.now() when each diagram node first shows COMPLETED.
import { writeFileSync } from "node:fs";
import { scenario } from "../tests/browser/lib.mjs";

const RUN_ID = process.env.RUN_ID;
const MODE = process.env.MODE;

async function interactive(page) {
  const loads = [];
  const want = Number(process.env.TASKS);
  for (let i = 0; i < Number(process.env.REPEAT ?? 5); i++) {
    await page.goto(`/executions/${RUN_ID}`, { waitUntil: "commit" });
    try {
      // the rows come from the run stream's snapshot (an ended run's stream then closes)
      await page.waitForFunction((n) => document.querySelectorAll("[data-testid=task-table] tbody tr[data-ref]").length === n
        && document.querySelectorAll(".task-node").length > 0, want, { timeout: 60000, polling: "raf" });
    } catch (e) {
      const rows = await page.locator("[data-testid=task-table] tbody tr[data-ref]").count();
      const nodes = await page.locator(".task-node").count();
      throw new Error(`not interactive after 60 s: ${rows} of ${want} task rows, ${nodes} diagram nodes`);
    }
    loads.push(await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      return { interactive: performance.now(), html: nav.responseEnd, domContentLoaded: nav.domContentLoadedEventEnd };
    }));
  }
  return { loads };
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

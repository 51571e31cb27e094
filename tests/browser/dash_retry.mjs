// A failed run at the URL the SDK prints: its reason and the worker's traceback (line breaks kept),
// retried from the page; it then completes on the diagram without a reload, and the task drawer
// shows both attempts.
import { writeFileSync } from "node:fs";
import { check, scenario, shot, node } from "./lib.mjs";

const RUN_ID = process.env.RUN_ID;
const READY_FILE = process.env.READY_FILE;

await scenario("dash-retry", async ({ page }) => {
  await page.goto(`/execution/${RUN_ID}`);
  await page.waitForSelector(node("flaky_ref") + "[data-status=FAILED]", { timeout: 15000 });
  const reason = await page.locator("[data-testid=wf-reason]").innerText();
  check(reason.includes("card declined"), "the workflow's reason is shown: " + reason);
  const trace = await page.locator(".log-text", { hasText: "Traceback" }).innerText();
  check(trace.includes("\n  File \"worker.py\"") && trace.endsWith("ValueError: card declined"), "the traceback keeps its lines: " + trace);
  await shot(page, "dash-3-failed-light");
  await Promise.all([page.waitForURL(`**/executions/${RUN_ID}`), page.click("button[data-action=retry]")]);
  await page.waitForSelector(".messages li:has-text('Retrying')");
  await page.waitForSelector("[data-testid=run-live]:has-text('live')", { timeout: 15000 });
  await page.evaluate(() => (window.__noReload = true));
  writeFileSync(READY_FILE, "ready");
  await page.waitForSelector(node("flaky_ref") + "[data-status=COMPLETED]", { timeout: 30000 });
  await page.waitForSelector("[data-testid=wf-status]:has-text('COMPLETED')", { timeout: 15000 });
  check(await page.evaluate(() => window.__noReload === true), "completed without a reload");
  await page.click("[data-testid=task-table] tr[data-ref=flaky_ref][data-status=COMPLETED] button");
  await page.waitForSelector("#task-drawer[data-ref=flaky_ref] .drawer-attempts [data-attempt]:has-text('attempt 2')");
  const attempts = await page.locator("#task-drawer .drawer-attempts [data-attempt]").count();
  // the first attempt, picked in the drawer: its reason and its traceback, and the URL names it
  const first = await page.locator("#task-drawer .drawer-attempts [data-attempt]").first().getAttribute("data-attempt");
  await page.click(`#task-drawer .drawer-attempts [data-attempt="${first}"]`);
  await page.waitForSelector(`#task-drawer [data-testid=drawer-task-id]:text-is("${first}")`);
  check(new URL(page.url()).searchParams.get("attempt") === first, "the URL names the picked attempt: " + page.url());
  await page.waitForSelector("#task-drawer [data-testid=drawer-reason]");
  const drawerTrace = await page.locator("#task-drawer [data-testid=drawer-logs] .log-text", { hasText: "Traceback" }).innerText();
  check(drawerTrace.includes("\n  File \"worker.py\"") && drawerTrace.endsWith("ValueError: card declined"), "the drawer's traceback keeps its lines: " + drawerTrace);
  await page.click("[data-testid=timeline-toggle]");
  await page.waitForSelector("[data-testid=timeline] rect.tl-run");
  const bars = await page.locator("[data-testid=timeline] g").count();
  check(bars === 2, "the timeline has one row per attempt: " + bars);
  await page.evaluate(() => document.querySelector("[data-testid=timeline]").scrollIntoView());
  await shot(page, "dash-4-retried-light");
  // a timeline bar opens the same drawer (closed first, so its opening is seen)
  await page.click("#task-drawer [data-drawer-close]");
  await page.waitForSelector("#task-drawer", { state: "detached" });
  await page.locator("[data-testid=timeline] rect.tl-run").first().click();
  await page.waitForSelector("#task-drawer[data-ref=flaky_ref] [data-testid=drawer-task-id]");
  check(new URL(page.url()).searchParams.get("task") === "flaky_ref", "the timeline bar opens flaky_ref: " + page.url());
  return { attempts };
});

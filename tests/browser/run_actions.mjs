// The run page's task drawer in Chromium: rerun a failed run from a task with new input (a bad
// input is named on the page first) and watch it complete live; skip a task from its diagram
// node; complete a WAIT by hand and read who did it in the drawer's human notes.
import { writeFileSync } from "node:fs";
import { check, clickCanvas, scenario, shot, node, USER } from "./lib.mjs";

const RERUN_ID = process.env.RERUN_ID;
const HAND_ID = process.env.HAND_ID;
const READY_FILE = process.env.READY_FILE;
const drawer = (ref) => `#task-drawer[data-ref="${ref}"]`;

async function shots(page, name) {
  for (const theme of ["light", "dark"]) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    await shot(page, `${name}-${theme}`);
  }
  await page.evaluate(() => (document.documentElement.dataset.theme = "light"));
}

await scenario("run-actions", async ({ page }) => {
  // 1. rerun from charge_ref with new input
  await page.goto(`/execution/${RERUN_ID}`);
  await page.waitForSelector("[data-testid=wf-status]:has-text('FAILED')");
  await page.click("[data-testid=task-table] tr[data-ref=charge_ref] button");
  await page.waitForSelector(drawer("charge_ref") + " [data-tab=details][aria-selected=true]"); // the default tab
  await page.click(drawer("charge_ref") + " [data-tab=actions]"); // remembered for the next drawers
  await page.waitForSelector(drawer("charge_ref") + " [data-testid=task-action-rerun]");
  check(new URL(page.url()).searchParams.get("task") === "charge_ref", "the URL names the open task: " + page.url());
  await page.click(drawer("charge_ref") + " [data-tab=json]");
  const json = await page.locator("[data-testid=drawer-json]").innerText();
  check(JSON.parse(json).referenceTaskName === "charge_ref", "the JSON tab has the task as the API returns it");
  await page.click(drawer("charge_ref") + " [data-testid=drawer-copy-json]");
  await page.waitForSelector("[data-testid=drawer-copy-json]:has-text('Copied')");
  check((await page.evaluate(() => navigator.clipboard.readText())) === json, "copy puts the JSON on the clipboard");
  await shots(page, "runactions-drawer-json");
  await page.click(drawer("charge_ref") + " [data-tab=definition]");
  const defn = await page.locator("[data-testid=drawer-node]").innerText();
  check(JSON.parse(defn).name === "ra_charge", "the definition tab has the snapshot's entry: " + defn);
  await page.click(drawer("charge_ref") + " [data-tab=actions]");
  await page.click("[data-testid=task-action-rerun] summary");
  await shots(page, "runactions-drawer-rerun");
  await page.fill("[data-testid=rerun-input]", '{"amount": ');
  await page.check("[data-testid=confirm-rerun]");
  await Promise.all([page.waitForNavigation(), page.click("button[data-task-action=rerun]")]);
  const error = await page.locator("[data-testid=error-task_input]").innerText();
  check(error.startsWith("task_input: not valid JSON"), "the bad input is named on the page: " + error);
  check(await page.locator("[data-testid=wf-status]:has-text('FAILED')").count() === 1, "nothing changed");
  check(new URL(page.url()).pathname === `/executions/${RERUN_ID}` && new URL(page.url()).searchParams.get("task") === "charge_ref",
    "the error page shows the run page's URL again: " + page.url());
  await shots(page, "runactions-drawer-error");
  await page.fill("[data-testid=rerun-input]", '{"amount": 42}');
  await page.check("[data-testid=confirm-rerun]");
  await Promise.all([page.waitForNavigation(), page.click("button[data-task-action=rerun]")]);
  await page.waitForSelector(".messages li:has-text('Rerunning from charge_ref.')");
  await page.waitForSelector("[data-testid=run-live]:has-text('live')", { timeout: 15000 });
  await page.evaluate(() => (window.__noReload = true));
  // a short window makes the panel scroll: where the reader scrolled to outlives the live refreshes
  await page.setViewportSize({ width: 1440, height: 420 });
  await page.click(drawer("charge_ref") + " [data-tab=details]");
  const scrolled = await page.evaluate(() => {
    const panel = document.querySelector("#task-drawer");
    panel.scrollTop = 40;
    return panel.scrollTop;
  });
  check(scrolled === 40, "the drawer scrolls in a short window: " + scrolled);
  writeFileSync(READY_FILE, "ready");
  await page.waitForSelector(node("ship_ref") + "[data-status=COMPLETED]", { timeout: 60000 });
  await page.waitForSelector("[data-testid=wf-status]:has-text('COMPLETED')", { timeout: 15000 });
  check(await page.evaluate(() => window.__noReload === true), "the rerun completed without a reload");
  // the drawer followed the run: charge_ref's attempt is COMPLETED now, and its logs were appended
  await page.waitForSelector(drawer("charge_ref") + " [data-testid=drawer-status]:has-text('COMPLETED')", { timeout: 15000 });
  const kept = await page.evaluate(() => document.querySelector("#task-drawer").scrollTop);
  check(kept === 40, "the live refresh kept the drawer's scroll: " + kept);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.click(drawer("charge_ref") + " [data-tab=actions]"); // the next drawers open on Actions
  await page.waitForSelector("#log-lines .log-line:has-text('charged 42')", { timeout: 15000 });
  const lines = await page.locator("#log-lines .log-line").count();
  check(await page.evaluate(() => window.__noReload === true), "the drawer and the log followed without a reload");

  // 2. skip a task that has not been scheduled, from its node on the diagram
  await page.goto(`/execution/${HAND_ID}`);
  await page.waitForSelector(node("hand_extra"));
  await clickCanvas(page, node("hand_extra"));
  await page.waitForSelector(drawer("hand_extra") + " [data-testid=task-action-skip]");
  await page.click("[data-testid=task-action-skip] summary");
  await page.check("[data-testid=confirm-skip]");
  await Promise.all([page.waitForNavigation(), page.click("button[data-task-action=skip]")]);
  await page.waitForSelector(".messages li:has-text('Skipped hand_extra.')");
  await page.waitForSelector(node("hand_extra") + "[data-status=SKIPPED]", { timeout: 15000 });

  // 3. complete the WAIT by hand
  await page.click("[data-testid=task-table] tr[data-ref=hand_wait] button");
  await page.waitForSelector(drawer("hand_wait") + " [data-testid=task-action-complete]");
  await page.click("[data-testid=task-action-complete] summary");
  await page.fill("[data-testid=complete-output]", '{"approved": "<b>yes</b>"}');
  await page.check("[data-testid=confirm-complete]");
  await Promise.all([page.waitForNavigation(), page.click("button[data-task-action=complete]")]);
  await page.waitForSelector(".messages li:has-text('Completed hand_wait by hand.')");
  await page.waitForSelector("[data-testid=wf-status]:has-text('COMPLETED')", { timeout: 15000 });
  await page.click(drawer("hand_wait") + " [data-tab=notes]");
  const note = await page.locator(drawer("hand_wait") + " [data-testid=human-notes] li").innerText();
  check(note.includes("human.completed_by_hand") && note.includes(USER) && note.includes('"approved": "<b>yes</b>"'),
    "the note says who completed it, with the output as text: " + note);
  await shots(page, "runactions-drawer-notes");
  await page.click("section[aria-label='Event history'] summary");
  await page.waitForSelector("[data-testid=history] [data-testid=history-note]", { state: "visible" });
  const history = await page.locator("[data-testid=history] [data-testid=history-note]").innerText();
  check(history === "human.completed_by_hand", "the event history has the note: " + history);
  await page.locator("[data-testid=history]").scrollIntoViewIfNeeded();
  await shots(page, "runactions-history");
  return { lines, note };
});

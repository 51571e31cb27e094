// The overview at /: a run started while the page is open raises the RUNNING count and appears in
// "Running now" without a reload (over /ws/dashboard/); then that run's page: its worker's log
// line, found by the server-side search, copied, shown full screen and downloaded as text.
import { readFileSync, writeFileSync } from "node:fs";
import { check, scenario, shot } from "./lib.mjs";

const READY_FILE = process.env.READY_FILE;
const STARTED_FILE = process.env.STARTED_FILE;
const HOSTILE = process.env.HOSTILE;

const running = (page) => page.locator("[data-testid=counts] [data-status=RUNNING] .n").innerText().then(Number);

await scenario("dash-overview", async ({ page }) => {
  await page.goto("/?window=1h");
  await page.waitForSelector("#live-text:has-text('live')", { timeout: 15000 });
  const before = await running(page);
  check(before >= 1, "the run started before the page is counted: " + before);
  await page.evaluate(() => (window.__noReload = true));
  writeFileSync(READY_FILE, "ready");
  await page.waitForFunction((n) => Number(document.querySelector("[data-testid=counts] [data-status=RUNNING] .n")?.textContent) === n + 1,
    before, { timeout: 30000 });
  // the Python side wrote the new run's id once it had started it
  const runId = readFileSync(STARTED_FILE, "utf8").trim();
  await page.waitForSelector(`[data-testid=running] tr[data-id="${runId}"]`, { timeout: 15000 });
  check(await page.evaluate(() => window.__noReload === true), "the count rose without a reload");
  // the worker's polls come after the start: wait for the re-read that shows them
  const row = "[data-testid=queues] tr[data-queue=ov_charge]";
  await page.waitForSelector(`${row}:has-text('w-ov')`, { timeout: 30000 });
  const queue = await page.locator(row).innerText();
  await shot(page, "overview-light");
  await page.click("#theme-toggle");
  await shot(page, "overview-dark");
  await page.click("#theme-toggle");

  await page.click(`[data-testid=running] a[href="/executions/${runId}"]`);
  await page.waitForSelector(".log-text:has-text('charged for')", { timeout: 30000 });
  check(await page.evaluate(() => window.__pwned === undefined), "the hostile log line stayed text");
  await page.fill("[data-testid=log-search]", "charged for");
  await Promise.all([page.waitForURL(/q=charged/), page.press("[data-testid=log-search]", "Enter")]);
  const count = await page.locator("[data-testid=log-count]").innerText();
  check(count.startsWith("1 line matching"), "the search found the line: " + count);
  await page.click("#log-copy");
  await page.waitForSelector("#log-copy:has-text('Copied')");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  check(copied.includes("charge_ref attempt 1") && copied.includes("charged for " + HOSTILE), "copied: " + copied);
  await page.click("#log-fullscreen");
  await page.waitForSelector("#logs.fullscreen");
  await shot(page, "logs-fullscreen-light");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#logs:not(.fullscreen)");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=log-download]")]);
  const text = readFileSync(await download.path(), "utf8");
  check(download.suggestedFilename() === `${runId}-logs.txt`, "file name: " + download.suggestedFilename());
  check(/^\d{4}-\d\d-\d\dT[\d:.]+\+00:00  charge_ref  attempt 1  charged for /.test(text), "downloaded: " + text);
  return { before, queue, text };
});

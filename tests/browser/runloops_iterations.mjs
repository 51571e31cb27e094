// A DO_WHILE run: the page follows the latest iteration; picking iteration 1 shows its tasks on the
// table and the diagram and puts it in the URL; a reload keeps it; "latest" follows again, and a
// new iteration then moves the view along without a reload.
import { writeFileSync } from "node:fs";
import { check, scenario, shot } from "./lib.mjs";

const RUN_ID = process.env.RUN_ID;
const PICK = "[data-testid=iter-pick-loop]";
const rows = (page) => page.locator("[data-testid=task-table] tbody tr[data-ref]").evaluateAll((trs) => trs.map((t) => t.dataset.ref));

await scenario("runloops-iterations", async ({ page }) => {
  await page.goto(`/execution/${RUN_ID}`);
  await page.waitForSelector(`${PICK}[data-shown="3"][data-latest="3"]`, { timeout: 15000 });
  await page.waitForSelector("[data-testid=iter-following-loop]");
  await page.waitForSelector("[data-testid=task-table] tr[data-ref=step__3]");
  check(JSON.stringify(await rows(page)) === JSON.stringify(["loop", "step__3"]), "latest iteration's tasks: " + (await rows(page)));
  await page.fill("[data-testid=iter-input-loop]", "1");
  await page.press("[data-testid=iter-input-loop]", "Enter");
  await page.waitForSelector(`${PICK}[data-shown="1"]`);
  await page.waitForSelector("[data-testid=task-table] tr[data-ref=step__1]");
  const picked = (await rows(page)).filter((r) => r !== "loop");
  await page.waitForSelector(".task-node[data-ref=step][data-status=COMPLETED]");
  const label = await page.locator("[data-testid=loop-iteration]").innerText();
  check(label.includes("iteration 1 of 3"), "the loop frame names the iteration shown: " + label);
  const url = page.url();
  await shot(page, "runloops-iteration-light");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.evaluate(() => document.documentElement.setAttribute("data-theme", "dark"));
  await shot(page, "runloops-iteration-dark");
  await page.reload();
  await page.waitForSelector(`${PICK}[data-shown="1"][data-latest="3"]`, { timeout: 15000 });
  await page.click("[data-testid=iter-latest-loop]");
  await page.waitForSelector(`${PICK}[data-shown="3"]`);
  check(!page.url().includes("iter.loop"), "following the latest takes the pick out of the URL: " + page.url());
  await page.waitForSelector("[data-testid=run-live]:has-text('live')", { timeout: 15000 });
  await page.evaluate(() => (window.__noReload = true));
  writeFileSync(process.env.READY_FILE, "ready");
  await page.waitForSelector(`${PICK}[data-shown="4"][data-latest="4"]`, { timeout: 30000 });
  await page.waitForSelector("[data-testid=task-table] tr[data-ref=step__4]");
  check(await page.evaluate(() => window.__noReload === true), "moved along without a reload");
  const followed = await page.locator(PICK).getAttribute("data-shown");
  return { picked, url, followed };
});

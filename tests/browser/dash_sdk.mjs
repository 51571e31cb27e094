// The newcomer's path: follow the link the SDK gives for a run it started, and watch the run
// complete on the diagram while an SDK worker (started once the page is open) does the task.
import { writeFileSync } from "node:fs";
import { check, scenario, shot, node } from "./lib.mjs";

await scenario("dash-sdk", async ({ page }) => {
  await page.goto(process.env.RUN_URL);
  await page.waitForSelector(node("greet_ref"));
  await page.waitForSelector("[data-testid=run-live]:has-text('live')", { timeout: 15000 });
  await page.evaluate(() => (window.__noReload = true));
  writeFileSync(process.env.READY_FILE, "ready");
  await page.waitForSelector(node("greet_ref") + "[data-status=COMPLETED]", { timeout: 60000 });
  await page.waitForSelector("[data-testid=wf-status]:has-text('COMPLETED')", { timeout: 15000 });
  check(await page.evaluate(() => window.__noReload === true), "completed without a reload");
  const output = await page.locator("[data-testid=wf-output]").innerText();
  check(output.includes("Hello Ada"), "the workflow output is shown: " + output);
  await shot(page, "dash-6-sdk-run-light");
  return { output };
});

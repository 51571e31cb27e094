// Bulk terminate by filter: the list's filter, a confirmation that shows the count, then the runs.
import { check, scenario, shot } from "./lib.mjs";

const TARGETS = JSON.parse(process.env.TARGETS);

await scenario("dash-bulk", async ({ page }) => {
  await page.goto("/executions/?input=batch%3Db-9");
  const listed = await page.locator("#run-rows tr[data-id]").evaluateAll((els) => els.map((e) => e.dataset.id));
  check(JSON.stringify([...listed].sort()) === JSON.stringify([...TARGETS].sort()), "the filter lists the batch: " + listed);
  await page.selectOption("select[name=action]", "terminate");
  await Promise.all([page.waitForURL("**/executions/bulk?**"), page.click("[data-testid=bulk-review]")]);
  const heading = await page.locator("h1").innerText();
  check(heading === `Terminate ${TARGETS.length} executions?`, "the count comes first: " + heading);
  await shot(page, "dash-5-bulk-confirm-light");
  await page.fill("input[name=reason]", "bad batch");
  await Promise.all([page.waitForURL("**/executions/?**"), page.click("[data-testid=bulk-confirm]")]);
  await page.waitForSelector(`.messages li:has-text('Bulk terminate: done for ${TARGETS.length} executions.')`);
  const statuses = await page.locator("#run-rows tr[data-id]").evaluateAll((els) => els.map((e) => e.dataset.status));
  check(statuses.length === TARGETS.length && statuses.every((s) => s === "TERMINATED"), "the list shows them terminated: " + statuses);
  return { statuses };
});

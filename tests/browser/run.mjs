// Run a stored workflow from the editor and watch the diagram colour live over the websocket.
// The Python test plays the worker (polls and completes the SIMPLE tasks) meanwhile.
import { check, clickCanvas, node, scenario, shot } from "./lib.mjs";

const NAME = process.env.WF_NAME ?? "browser_run";

await scenario("run", async ({ page }) => {
  await page.goto(`/editor/${NAME}/`);
  await page.waitForSelector(node("charge_ref"));
  await page.click("[data-testid=run]");
  await page.fill("[data-testid=run-input]", JSON.stringify({ tier: "gold", amount: 21 }));
  await page.click("[data-testid=start-run]");
  await page.waitForSelector("[data-testid=run-panel]");
  const workflowId = (await page.locator("[data-testid=run-id]").innerText()).trim();
  console.error("started " + workflowId); // tells the Python worker which run to serve
  // a node turns "running"/"scheduled" first, then everything completes
  await page.waitForSelector(node("charge_ref") + "[data-status]", { timeout: 30000 });
  await shot(page, "run-1-started");
  await page.waitForSelector("[data-testid=run-status]:has-text('COMPLETED')", { timeout: 60000 });
  // every task node on the diagram turned completed (the gold case was taken; the others are empty)
  const statuses = await page.locator(".task-node").evaluateAll((els) => els.map((e) => [e.dataset.ref, e.dataset.status]));
  await page.waitForFunction(() => [...document.querySelectorAll(".task-node")].every((e) => e.dataset.status === "COMPLETED"), null, { timeout: 15000 });
  // click a node: its input and output show
  await clickCanvas(page, node("inline_ref"));
  await page.waitForSelector("[data-testid=task-output]:has-text('42')");
  const output = await page.locator("[data-testid=task-output]").innerText();
  await shot(page, "run-2-completed");
  check(output.includes("42"), "INLINE output shown");
  return { workflowId, statusesSeen: statuses, inlineOutput: JSON.parse(output) };
});

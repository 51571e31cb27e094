// Build a workflow from an empty canvas by clicking: a SIMPLE task, a SWITCH with two cases,
// a FORK with two branches and an INLINE task; configure them, save, reload; print the stored JSON.
import { check, clickCanvas, node, plus, scenario, shot } from "./lib.mjs";

const NAME = process.env.WF_NAME ?? "browser_built";

async function add(page, list, index, type) {
  await clickCanvas(page, plus(list, index));
  await page.waitForSelector(".palette");
  await page.click(`.pal-item[data-type="${type}"]`);
  await page.waitForSelector(".palette", { state: "detached" });
}

await scenario("build", async ({ page }) => {
  await page.click("text=New workflow");
  await page.fill("input[aria-label='Workflow name']", NAME);
  await page.click(".modal button:has-text('Create')");
  await page.waitForSelector(plus(["tasks"], 0));
  await shot(page, "build-0-empty");

  // 1. a worker task, renamed in the inspector
  await add(page, ["tasks"], 0, "SIMPLE");
  await page.fill("input[aria-label='Task name']", "charge");
  await page.waitForSelector(node("task_ref") + " >> text=charge");

  // 2. a SWITCH after it, with a second case, the first renamed to "gold"
  await add(page, ["tasks"], 1, "SWITCH");
  await clickCanvas(page, node("switch_ref") + " .node-add");
  await page.waitForSelector(`.edge-label[data-case="case_2"]`);
  await clickCanvas(page, `.edge-label[data-case="case_1"] .case-name`);
  await page.fill("input[aria-label='Case value']", "gold");
  await page.click(".modal button:has-text('Rename')");
  await page.waitForSelector(`.edge-label[data-case="gold"]`);
  // the switch reads workflow.input.tier
  await clickCanvas(page, node("switch_ref"));
  await page.fill("input[aria-label='Value of switchCaseValue']", "${workflow.input.tier}");

  // 3. an INLINE task in the "gold" case
  await add(page, ["tasks", 1, "decisionCases", "gold"], 0, "INLINE");
  await page.fill("textarea[aria-label='Inline script']", "(function () { return $.value * 2; })();");
  await page.fill("input[aria-label='Value of value']", "${workflow.input.amount}");

  // 4. a FORK with two branches after the switch, one worker task in each
  await add(page, ["tasks"], 2, "FORK_JOIN");
  await add(page, ["tasks", 2, "forkTasks", 0], 0, "SIMPLE");
  await page.fill("input[aria-label='Task name']", "ship");
  await add(page, ["tasks", 2, "forkTasks", 1], 0, "SIMPLE");
  await page.fill("input[aria-label='Task name']", "notify");
  await page.waitForSelector(node("task_3_ref") + " >> text=notify");

  // autocompletion offers upstream outputs
  await page.click("button:has-text('Add parameter')");
  const valueInput = page.locator(".kv-row input[aria-label^='Value of param']").last();
  await valueInput.fill("${");
  await page.waitForSelector(".completions");
  const offered = await page.locator(".completions li code").allTextContents();
  check(offered.includes("${task_ref.output}"), "completion offers ${task_ref.output}: " + offered.join(", "));
  check(offered.includes("${workflow.input.tier}"), "completion offers workflow inputs");
  await page.locator(".completions li", { hasText: "${task_ref.output}" }).first().click();
  check((await valueInput.inputValue()) === "${task_ref.output}", "completion inserts the expression");
  await page.waitForSelector("[data-testid=validity]:has-text('Valid')");
  await page.click(".react-flow__pane", { position: { x: 40, y: 300 } });
  await shot(page, "build-1-drawn");

  // 5. save (a new workflow: version 1), then reload
  await page.click("[data-testid=save]");
  await page.waitForSelector("[data-testid=changes]");
  await shot(page, "build-2-save-dialog");
  await page.click("[data-testid=confirm-save]");
  await page.waitForSelector("text=Saved " + NAME + " v1.");
  await page.reload();
  await page.waitForSelector(node("task_3_ref"));
  check(!(await page.locator("[data-testid=dirty]").count()), "clean after reload");
  const stored = await page.evaluate(async (n) => (await fetch(`/api/metadata/workflow/${n}`)).json(), NAME);
  await shot(page, "build-3-reloaded");
  return { stored, nodes: await page.locator(".task-node").count() };
});

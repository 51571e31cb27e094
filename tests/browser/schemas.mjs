// The inspector shows a task's input schema (names, types, required, inputs not set) and ${...}
// completion offers upstream output-schema and workflow input-schema fields. The workflow, its
// TaskDefs and schemas are registered by test_editor.py; one property name is hostile markup.
import { check, clickCanvas, node, scenario, shot } from "./lib.mjs";

const NAME = process.env.WF_NAME ?? "browser_schema";

await scenario("schemas", async ({ page }) => {
  await page.goto(`/editor/${NAME}/`);
  await page.waitForSelector(node("calc"));
  await clickCanvas(page, node("calc"));
  const panel = page.locator("[data-testid=input-schema]");
  await panel.waitFor();
  const rows = await panel.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
  const head = await panel.locator(".section-title").textContent();
  check(head.includes("order v1") && head.includes("enforced"), "the panel names the schema: " + head);
  check((await panel.locator("img").count()) === 0, "a hostile property name creates no element");
  const missing = await panel.locator("[data-testid=schema-missing]").count();
  await shot(page, "schemas-inspector-light");
  await page.evaluate(() => { document.documentElement.dataset.theme = "dark"; });
  await shot(page, "schemas-inspector-dark");
  await page.evaluate(() => { document.documentElement.dataset.theme = "light"; });
  await panel.locator("button:has-text('Add required input')").click();
  await page.waitForSelector("[data-testid=input-schema] [data-testid=schema-missing]", { state: "detached" });
  const keys = await page.locator(".kv-row [aria-label^='Value of ']").evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));

  await clickCanvas(page, node("ship"));
  await page.click("button:has-text('Add parameter')");
  const valueInput = page.locator(".kv-row input[aria-label^='Value of param']").last();
  await valueInput.fill("${");
  await page.waitForSelector(".completions");
  const offered = await page.locator(".completions li").evaluateAll((lis) => lis.map((li) => li.textContent));
  await shot(page, "schemas-completion");
  await page.keyboard.press("Escape");

  // the workflow's own input schema: chosen from the registered ones, enforced by a checkbox
  await page.click(".react-flow__pane", { position: { x: 40, y: 600 } });
  const picker = page.locator("select[aria-label='Workflow input schema']");
  await picker.waitFor();
  const workflowSchema = await picker.inputValue();
  await page.click("text=Enforce it");
  await shot(page, "schemas-workflow-settings");
  await page.click("[data-testid=tab-json]");
  await page.waitForSelector(".cm-content");
  const json = await page.locator(".cm-content").innerText();
  await page.waitForSelector("[data-testid=validity]:has-text('Valid')");
  return { rows, missing, keys, offered, workflowSchema, enforcedInJson: json.includes('"enforceSchema": true') };
});

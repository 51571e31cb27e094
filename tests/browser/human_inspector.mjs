// The HUMAN inspector on an existing definition that uses every agreed key: it shows them, and
// edits made from the keyboard write or remove exactly their keys (test_human_editor.py registers
// the definition and checks what was stored). Screenshots show the whole inspector in both themes.
import { check, clickCanvas, node, scenario, shot } from "./lib.mjs";

const NAME = process.env.WF_NAME ?? "browser_human_keys";

/** Focus a control and type into it from the keyboard (clearing it first). */
async function type(page, locator, text) {
  await locator.focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Backspace");
  if (text) await page.keyboard.type(text);
}

await scenario("human-inspector", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 2300 }); // the whole inspector in one shot
  await page.goto(`/editor/${NAME}/`);
  await page.waitForSelector(node("review"));
  await clickCanvas(page, node("review"));
  const insp = page.locator("[data-testid=human-inspector]");
  await insp.waitFor();
  const val = (label) => insp.locator(`[aria-label='${label}']`).inputValue();
  const shown = {
    assignees: await val("Assignees"), groups: await val("Groups"), dueIn: await val("Due in"),
    priority: await val("Priority"), required: await val("Approvals required"),
    form: await val("Form source"), schema: await val("Form schema"),
    steps: await insp.locator("[data-testid=escalation-step]").count(),
    step2: [await val("Step 2 after"), await val("Step 2 assignees")],
    exhausted: await val("When escalation is exhausted"),
    context: await val("Value of Amount"),
  };
  // the generic input-parameter list does not repeat the HUMAN keys
  const generic = await page.locator(".inspector > .kv .kv-row input[aria-label^='Value of ']")
    .evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
  await shot(page, "human-keys-light");
  await page.evaluate(() => { document.documentElement.dataset.theme = "dark"; });
  await shot(page, "human-keys-dark");
  await page.evaluate(() => { document.documentElement.dataset.theme = "light"; });

  await type(page, insp.locator("[aria-label='Assignees']"), "");            // removes assignees
  await type(page, insp.locator("[aria-label='Groups']"), "finance, risk");  // a list of two
  await type(page, insp.locator("[aria-label='Priority']"), "");             // removes priority
  await type(page, insp.locator("[aria-label='Approvals required']"), "3");
  await type(page, insp.locator("[aria-label='Due at']"), "${workflow.input.deadline}"); // replaces dueIn
  await page.keyboard.press("Escape");
  // escalation: a third step from the keyboard, given a group; then the first removed
  await insp.locator("button:has-text('Add escalation step')").focus();
  await page.keyboard.press("Enter");
  await insp.locator("[aria-label='Step 3 groups']").waitFor();
  await type(page, insp.locator("[aria-label='Step 3 groups']"), "cfo-office");
  await insp.locator("[aria-label='Remove escalation step 1']").focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=escalation-step]").length === 2);
  await insp.locator("[aria-label='When escalation is exhausted']").selectOption("FAIL");
  // a context value through ${...} completion, chosen with the keyboard
  await insp.locator("button:has-text('Add context value')").click();
  const label = insp.locator("input[aria-label='Label']").last();
  await type(page, label, "Risk");
  await page.keyboard.press("Enter");
  const risk = insp.locator("[aria-label='Value of Risk']");
  await risk.waitFor();
  await type(page, risk, "${score_ref.output");
  await page.waitForSelector(".completions");
  const offered = await page.locator(".completions li code").allTextContents();
  await page.keyboard.press("Enter");
  check((await risk.inputValue()) === "${score_ref.output}", "completion inserted the expression: " + (await risk.inputValue()));
  await page.waitForSelector("[data-testid=validity]:has-text('Valid')");
  await shot(page, "human-keys-edited");

  await page.click("[data-testid=save]");
  await page.click("[data-testid=confirm-save]");
  await page.waitForSelector("text=Saved " + NAME + " v1.");
  const stored = await page.evaluate(async (n) => (await fetch(`/api/metadata/workflow/${n}`)).json(), NAME);
  return { shown, generic, offered, stored };
});

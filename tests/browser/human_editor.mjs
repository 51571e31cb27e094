// Issue 9's "Done when": a newcomer defines an approval step in the editor (a HUMAN task for the
// group "finance" with the form of the registered schema "expense", set in the HUMAN inspector),
// saves it and runs it; a colleague in "finance" (a second real user, in a second browser) claims
// it in the inbox and approves it with the form; the newcomer's run panel turns COMPLETED.
// test_human_editor.py registers the schema and the colleague and checks the stored result.
import { BASE, check, clickCanvas, launch, node, plus, scenario, shot } from "./lib.mjs";

const NAME = process.env.WF_NAME ?? "browser_approval";
const COLLEAGUE = process.env.COLLEAGUE ?? "colleague";
const COLLEAGUE_PASSWORD = process.env.COLLEAGUE_PASSWORD ?? "";

async function themed(page, name) {
  await shot(page, `${name}-light`);
  await page.evaluate(() => { document.documentElement.dataset.theme = "dark"; });
  await shot(page, `${name}-dark`);
  await page.evaluate(() => { document.documentElement.dataset.theme = "light"; });
}

/** The colleague's own browser: signs in, claims the task from Claimable, approves it with the form. */
async function colleagueApproves(taskId) {
  const b = await launch();
  try {
    const { page } = b;
    await page.goto("/admin/login/?next=/inbox/%3Ftab%3Dclaimable");
    await page.fill("#id_username", COLLEAGUE);
    await page.fill("#id_password", COLLEAGUE_PASSWORD);
    await Promise.all([page.waitForURL((u) => new URL(u).pathname === "/inbox/"), page.click("input[type=submit]")]);
    const link = page.locator(`a[href="/inbox/${taskId}/"]`);
    await link.first().waitFor();
    await shot(page, "approval-3-colleague-claimable");
    await Promise.all([page.waitForURL(`**/inbox/${taskId}/`), link.first().click()]);
    await Promise.all([page.waitForSelector("#ht-form"), page.click("#ht-claim-btn")]);
    const claimed = await page.locator("#ht-claim").innerText();
    const formText = await page.locator("#ht-form").innerText();
    await page.fill("input[name=amount]", "420");
    await page.fill("input[name=purpose]", "Conference in Oslo");
    await shot(page, "approval-4-colleague-form");
    await Promise.all([page.waitForURL("**/inbox/"), page.click("#ht-approve")]);
    const message = await page.locator(".messages").innerText();
    check(b.errors.length === 0, "no page errors in the colleague's browser: " + b.errors.join("; "));
    return { claimed, formText, message };
  } finally {
    await b.close();
  }
}

await scenario("human-editor", async ({ page }) => {
  // 1. a new workflow with one HUMAN task, named in the inspector
  await page.click("text=New workflow");
  await page.fill("input[aria-label='Workflow name']", NAME);
  await page.click(".modal button:has-text('Create')");
  await clickCanvas(page, plus(["tasks"], 0));
  await page.waitForSelector(".palette");
  await page.click('.pal-item[data-type="HUMAN"]');
  await page.waitForSelector(".palette", { state: "detached" });
  const insp = page.locator("[data-testid=human-inspector]");
  await insp.waitFor();
  await page.fill("input[aria-label='Task name']", "approve");
  await page.fill("input[aria-label='Reference name']", "approve");
  await page.keyboard.press("Enter");
  await page.waitForSelector(node("approve"));

  // 2. who decides and with which form: the group, the registered schema, four eyes
  await insp.locator("input[aria-label='Groups']").fill("finance");
  await insp.locator("text=Four eyes").click();
  // an inline schema that is not JSON shows its error beside the field and is not written
  await insp.locator("select[aria-label='Form source']").selectOption({ label: "Inline JSON Schema" });
  await insp.locator("textarea[aria-label='Inline form schema']").fill('{"type": "object",');
  const jsonError = await insp.locator("[data-testid=form-schema-error]").innerText();
  await insp.locator("[data-testid=form-schema-error]").scrollIntoViewIfNeeded();
  await themed(page, "approval-0-json-error");
  await insp.locator("select[aria-label='Form source']").selectOption({ label: "Registered schema" });
  await insp.locator("select[aria-label='Form schema']").selectOption("expense");
  const fieldsHint = await insp.locator("text=Fields:").innerText();
  await insp.locator("input[aria-label='Label for purpose']").fill("What for?");
  // a priority out of range is refused beside the field (and not written)
  await insp.locator("input[aria-label='Priority']").fill("11");
  const priorityError = await insp.locator("[role=alert]").first().innerText();
  await insp.locator("input[aria-label='Priority']").fill("");
  check((await insp.locator("[role=alert]").count()) === 0, "no error left once the priority is emptied");
  await page.waitForSelector("[data-testid=validity]:has-text('Valid')");
  await themed(page, "approval-1-inspector");

  // 3. save (a new workflow: v1), then run it from the editor
  await page.click("[data-testid=save]");
  await page.click("[data-testid=confirm-save]");
  await page.waitForSelector("text=Saved " + NAME + " v1.");
  const stored = await page.evaluate(async (n) => (await fetch(`/api/metadata/workflow/${n}`)).json(), NAME);
  await page.click("[data-testid=run]");
  await page.fill("[data-testid=run-input]", JSON.stringify({ trip: "Oslo" }));
  await page.click("[data-testid=start-run]");
  await page.waitForSelector("[data-testid=run-panel]");
  const workflowId = (await page.locator("[data-testid=run-id]").innerText()).trim();
  await page.waitForSelector(node("approve") + "[data-status=IN_PROGRESS]", { timeout: 30000 });
  await shot(page, "approval-2-running");
  const run = await page.evaluate(async (id) => (await fetch(`/api/workflow/${id}?includeTasks=true`)).json(), workflowId);
  const taskId = run.tasks[0].taskId;

  // the newcomer is not in "finance": the task page says why they cannot claim it
  const own = await page.context().newPage();
  await own.goto(`${BASE}/inbox/${taskId}/`);
  const newcomerClaim = await own.locator("#ht-claim").innerText();
  check((await own.locator("#ht-claim-btn").count()) === 0, "the newcomer is offered no Claim button");
  await own.close();

  // 4. the colleague approves with the form; the newcomer's run panel completes live
  const colleague = await colleagueApproves(taskId);
  await page.waitForSelector("[data-testid=run-status]:has-text('COMPLETED')", { timeout: 60000 });
  await clickCanvas(page, node("approve"));
  await page.waitForSelector("[data-testid=task-output]:has-text('Oslo')");
  const output = JSON.parse(await page.locator("[data-testid=task-output]").innerText());
  await shot(page, "approval-5-completed");
  return { jsonError, fieldsHint, priorityError, stored, workflowId, taskId, newcomerClaim, ...colleague, output };
});

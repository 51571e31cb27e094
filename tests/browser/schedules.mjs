// Create a schedule on /schedules/new/, watch the next fires preview as the cron is typed, see the
// first fire arrive on the schedule's page (live) and open the run it started. Light and dark.
import { check, scenario, shot } from "./lib.mjs";

const NAME = process.env.SCHEDULE_NAME ?? "browser_every_2s";
const WORKFLOW = process.env.WF_NAME ?? "browser_scheduled";

await scenario("schedules", async ({ page }) => {
  await page.goto("/schedules/new/");
  await page.fill("#name", NAME);
  await page.fill("#cron", "");
  // Typed key by key: the preview follows (an unfinished expression shows its error first).
  await page.type("#cron", "*/2 * * * *", { delay: 20 });
  await page.waitForSelector("#preview .sch-error");
  const halfway = await page.locator("#preview").innerText();
  await page.type("#cron", " ?", { delay: 20 });
  await page.waitForFunction(() => document.querySelectorAll("#preview-times li").length === 10);
  const words = await page.locator("#preview .sch-words").innerText();
  const times = await page.locator("#preview-times li").allInnerTexts();
  await page.fill("#zone", "Europe/Berlin");
  await page.selectOption("#workflow", WORKFLOW);
  await page.fill("#input", '{"n": 41}');
  await page.waitForSelector("#input-check:has-text('valid JSON object')");
  await shot(page, "schedules-1-form");
  await page.emulateMedia({ colorScheme: "dark" });
  await shot(page, "schedules-1-form-dark");
  await page.emulateMedia({ colorScheme: "light" });
  await Promise.all([page.waitForURL(`**/schedules/${NAME}/`), page.click("button:has-text('Save schedule')")]);
  // The fire history refreshes by itself: wait for the first fire's run link.
  const link = page.locator("#fires a[href^='/executions/']").first();
  await link.waitFor({ timeout: 20000 });
  const workflowId = (await link.innerText()).trim();
  await shot(page, "schedules-2-detail");
  await page.goto("/schedules/");
  await page.waitForSelector(`text=${NAME}`);
  const listRow = await page.locator("table tr", { hasText: NAME }).innerText();
  await shot(page, "schedules-3-list");
  await page.emulateMedia({ colorScheme: "dark" });
  await shot(page, "schedules-3-list-dark");
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto(`/schedules/${NAME}/`);
  // The history grows every 2 s (newest first): open the run of the fire seen first, by its id.
  await page.locator(`#fires a[href="/executions/${workflowId}"]`).click();
  await page.waitForURL(`**/executions/${workflowId}`);
  const runPage = await page.locator("main").innerText();
  check(runPage.includes(workflowId), "the run page shows the run");
  // Stop it firing: pause from its page.
  await page.goto(`/schedules/${NAME}/`);
  await Promise.all([page.waitForURL(`**/schedules/${NAME}/`), page.click("button:has-text('Pause')")]);
  const paused = await page.locator(".sch-badge").first().innerText();
  return { halfway, words, times, workflowId, listRow, paused };
});

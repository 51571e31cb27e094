// The inbox: find the expense approval under Claimable, open it, claim it, submit one invalid
// field (its error shows beside it), fix it, approve; the inbox then lists it under Done.
import { check, scenario, shot } from "./lib.mjs";

const TASK = process.env.TASK_ID;

async function dark(page, name) {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.evaluate(() => localStorage.setItem("baton.theme", "dark"));
  await page.reload();
  await shot(page, name);
  await page.evaluate(() => localStorage.setItem("baton.theme", "light"));
  await page.emulateMedia({ colorScheme: "light" });
  await page.reload();
}

await scenario("inbox", async ({ page }) => {
  await page.goto("/inbox/?tab=claimable");
  const badge = await page.locator("#tab-claimable .ib-count").innerText();
  await shot(page, "inbox-1-claimable");
  await dark(page, "inbox-1-claimable-dark");
  await Promise.all([page.waitForURL(`**/inbox/${TASK}/`), page.click(`a[href="/inbox/${TASK}/"]`)]);
  const context = await page.locator("#ht-input").innerText();
  await Promise.all([page.waitForSelector("#ht-form"), page.click("#ht-claim-btn")]);
  const claimedText = await page.locator("#ht-claim").innerText();
  await page.selectOption("select[name=kind]", { label: "travel" });
  await page.fill("input[name=amount]", "0");
  await page.fill("input[name=purpose]", "Conference in Oslo");
  await Promise.all([page.waitForSelector("#err-amount"), page.click("#ht-approve")]);
  const fieldError = await page.locator("#err-amount").innerText();
  await shot(page, "inbox-2-error");
  await dark(page, "inbox-2-error-dark");
  // The reload above re-shows the claimed task's empty form: fill it again, correctly this time.
  await page.selectOption("select[name=kind]", { label: "travel" });
  await page.fill("input[name=amount]", "420");
  await page.fill("input[name=purpose]", "Conference in Oslo");
  await Promise.all([page.waitForURL("**/inbox/"), page.click("#ht-approve")]);
  const message = await page.locator(".messages").innerText();
  await page.goto("/inbox/?tab=done");
  const done = await page.locator("#inbox").innerText();
  check(done.includes("approve"), "the decided task is listed under Done");
  return { badge, context, claimedText, fieldError, message, done };
});

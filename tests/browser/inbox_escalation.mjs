// The inbox after an escalation, as a user of the next group: ABSENT (task ids, comma-separated)
// are not under Claimable; WAIT appears there (polled until it does); then its row is read.
import { check, scenario, shot } from "./lib.mjs";

const ABSENT = (process.env.ABSENT ?? "").split(",").filter(Boolean);
const WAIT = process.env.WAIT;
const SHOT = process.env.SHOT ?? "";

await scenario("inbox-escalation", async ({ page }) => {
  await page.goto("/inbox/?tab=claimable");
  const first = await page.locator("#inbox").innerHTML();
  for (const id of ABSENT) check(!first.includes(id), `${id} is not claimable before its escalation`);
  // Wait on the condition (the sweep runs on its own schedule), not on a fixed time.
  await page.waitForFunction(async (id) => {
    const html = await (await fetch("/inbox/?tab=claimable")).text();
    return html.includes(`data-task="${id}"`);
  }, WAIT, { polling: 300, timeout: 90000 });
  await page.goto("/inbox/?tab=claimable&sort=due");
  const row = page.locator(`tr[data-task="${WAIT}"]`);
  const info = {
    rowClass: await row.getAttribute("class"),
    rowText: await row.innerText(),
    badge: await page.locator("#tab-claimable .ib-count").innerText(),
  };
  if (SHOT) {
    await shot(page, `${SHOT}-light`);
    await page.evaluate(() => { document.documentElement.dataset.theme = "dark"; });
    await shot(page, `${SHOT}-dark`);
  }
  // The filters work without JavaScript too, but here: overdue only keeps it.
  await page.goto("/inbox/?tab=claimable&overdue=1");
  info.overdueList = await page.locator("#inbox").innerText();
  return info;
});

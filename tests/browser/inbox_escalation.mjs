// The inbox after escalations, as a user of the next group (an ordinary user, not staff, signed
// in through /login/). LATER is not under Claimable at
// first; SOON appears there once beat's sweep escalates it (polled until it does). Then, with the
// page left open, "READY" is printed: the test applies LATER's step, and the badges, the nav
// count and the list update live (the counts poll), with no reload.
import { check, scenario, shot } from "./lib.mjs";

const SOON = process.env.SOON;
const LATER = process.env.LATER;

await scenario("inbox-escalation", async ({ page }) => {
  const landed = new URL(page.url()).pathname; // where /login/?next=/inbox/ sent them
  const staffLink = await page.locator('.topbar a[href="/admin/"]').count();
  await page.goto("/inbox/?tab=claimable");
  const first = await page.locator("#inbox").innerHTML();
  check(!first.includes(LATER), "the later task is not claimable before its escalation");
  // Wait on the condition (beat runs the sweep on its own schedule), not on a fixed time.
  await page.waitForFunction(async (id) => {
    const html = await (await fetch("/inbox/?tab=claimable")).text();
    return html.includes(`data-task="${id}"`);
  }, SOON, { polling: 300, timeout: 90000 });
  await page.goto("/inbox/?tab=claimable&sort=due");
  const row = page.locator(`tr[data-task="${SOON}"]`);
  const info = { rowClass: await row.getAttribute("class"), rowText: await row.innerText() };
  await page.waitForSelector("#nav-inbox-count:not([hidden])");
  info.navBefore = await page.locator("#nav-inbox-count").innerText();
  info.badgeBefore = await page.locator("#tab-claimable .ib-count").innerText();
  await shot(page, "inbox-escalated-light");
  await page.evaluate(() => { document.documentElement.dataset.theme = "dark"; });
  await shot(page, "inbox-escalated-dark");
  await page.goto("/inbox/?tab=claimable&overdue=1");
  info.overdueList = await page.locator("#inbox").innerText();
  // A bad filter value: named in a banner, the list still shown (no JS involved).
  await page.goto("/inbox/?tab=claimable&priority=high&workflow=browser_escalate_soon");
  info.badFilter = await page.locator("#ib-errors").innerText();
  info.badFilterRows = await page.locator("#inbox tr[data-task]").count();
  await shot(page, "inbox-bad-filter-dark");
  await page.evaluate(() => { document.documentElement.dataset.theme = "light"; });
  await shot(page, "inbox-bad-filter-light");
  await page.goto("/inbox/?tab=claimable");
  await page.evaluate(() => { window.notReloaded = true; });
  console.log("READY");
  await page.waitForFunction((id) => document.querySelector(`#inbox tr[data-task="${id}"]`) !== null,
    LATER, { polling: 200, timeout: 60000 });
  await page.waitForFunction(() => document.getElementById("nav-inbox-count").textContent === "2",
    null, { polling: 200, timeout: 30000 });
  info.badgeAfter = await page.locator("#tab-claimable .ib-count").innerText();
  info.navAfter = await page.locator("#nav-inbox-count").innerText();
  info.notReloaded = await page.evaluate(() => window.notReloaded === true);
  Object.assign(info, { landed, staffLink });
  return info;
}, { next: "/inbox/" }); // a non-staff member of group l2, through the site's /login/

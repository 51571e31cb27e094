// A 2-of-3 approval in the browser with three real users (ordinary, not staff: they sign in at /login/): ann approves and
// the task goes back to Claimable with "1 of 2 approvals"; ann cannot claim it again (four-eyes per
// approver); bob claims and approves, which completes it.
import { check, launch, login, shot } from "./lib.mjs";

const TASK = process.env.TASK_ID;
const PASS = process.env.APPROVER_PASSWORD;

async function dark(page, name) {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.evaluate(() => localStorage.setItem("baton.theme", "dark"));
  await page.reload();
  await shot(page, name);
  await page.evaluate(() => localStorage.setItem("baton.theme", "light"));
  await page.emulateMedia({ colorScheme: "light" });
}

async function as(user, body, password = PASS) {
  const b = await launch();
  try {
    await login(b.page, { user, password, next: "/inbox/" });
    const out = await body(b.page);
    check(b.errors.length === 0, `no page errors for ${user}: ${b.errors.join("; ")}`);
    return out;
  } finally {
    await b.close();
  }
}

async function approve(page, amount, name) {
  await page.goto(`/inbox/${TASK}/`);
  await Promise.all([page.waitForSelector("#ht-form"), page.click("#ht-claim-btn")]);
  await page.fill("input[name=amount]", String(amount));
  await shot(page, name);
  await Promise.all([page.waitForURL("**/inbox/"), page.click("#ht-approve")]);
  return page.locator(".messages").innerText();
}

const result = { scenario: "inbox-approvals", ok: false };
try {
  result.annMessage = await as("ann", (page) => approve(page, 100, "approvals-1-ann-claimed"));
  result.annAgain = await as("ann", async (page) => {
    await page.goto(`/inbox/${TASK}/`);
    const progress = await page.locator("#ht-approvals").innerText();
    const claim = await page.locator("#ht-claim").innerText();
    const claimButtons = await page.locator("#ht-claim-btn").count();
    await shot(page, "approvals-2-ann-refused");
    await dark(page, "approvals-2-ann-refused-dark");
    return { progress, claim, claimButtons };
  });
  result.bobListed = await as("bob", async (page) => {
    await page.goto("/inbox/?tab=claimable");
    const listed = await page.locator(`a[href="/inbox/${TASK}/"]`).count();
    result.bobMessage = await approve(page, 120, "approvals-3-bob-claimed");
    return listed;
  });
  // The admin (a superuser) sees the task with its votes, and the reassign action's question.
  result.admin = await as(process.env.BATON_USER, async (page) => {
    await page.goto("/admin/humantasks/humantask/");
    const listed = await page.locator("#result_list").innerText();
    await shot(page, "approvals-4-admin-list");
    await dark(page, "approvals-4-admin-list-dark");
    // A second, open task: reassign it to cy through the action's question page.
    await page.goto("/admin/humantasks/humantask/?status__exact=OPEN");
    await page.locator("#result_list .action-select").first().check();
    await page.selectOption("select[name=action]", "reassign_selected");
    await Promise.all([page.waitForSelector("#id_assignee"), page.click("button[name=index]")]);
    const asked = await page.locator("#content").innerText();
    await page.fill("#id_assignee", "cy");
    await shot(page, "approvals-5-admin-action");
    await Promise.all([page.waitForSelector(".messagelist"), page.click("input[type=submit]")]);
    const done = await page.locator(".messagelist").innerText();
    await shot(page, "approvals-6-admin-done");
    await dark(page, "approvals-6-admin-done-dark");
    return { listed, asked, done };
  }, process.env.BATON_PASSWORD);
  result.ok = true;
} catch (e) {
  result.error = String(e?.stack ?? e);
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);

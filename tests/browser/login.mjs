// /login/ by keyboard alone, as an ordinary (non-staff) user: an anonymous visit to the inbox
// lands on the sign-in page with the username focused; a wrong password shows the error; typing,
// Tab and Enter sign in and land on the inbox; "Log out" (a POST) returns to /login/.
import { check, launch, shot } from "./lib.mjs";

const USER = process.env.APPROVER;
const PASS = process.env.APPROVER_PASSWORD;

async function both(page, name) {
  for (const theme of ["light", "dark"]) {
    await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
    await shot(page, `${name}-${theme}`);
  }
  await page.evaluate(() => { document.documentElement.dataset.theme = "light"; });
}

const focused = (page) => page.evaluate(() => document.activeElement?.id ?? "");

const result = { scenario: "login", ok: false };
const b = await launch();
try {
  const { page } = b;
  await page.goto("/inbox/?tab=claimable");
  result.landedAt = new URL(page.url()).pathname + new URL(page.url()).search;
  result.focusFirst = await focused(page);
  await both(page, "login");
  await page.keyboard.type(USER);
  await page.keyboard.press("Tab");
  await page.keyboard.type("not-the-password");
  await Promise.all([page.waitForSelector("#signin-error"), page.keyboard.press("Enter")]);
  result.errorText = await page.locator("#signin-error").innerText();
  result.keptUsername = await page.inputValue("#id_username");
  result.keptPassword = await page.inputValue("#id_password");
  await both(page, "login-error");
  result.focusAfterError = await focused(page);
  await page.keyboard.type(PASS);
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === "/inbox/"), page.keyboard.press("Enter")]);
  result.after = new URL(page.url()).pathname + new URL(page.url()).search;
  result.user = await page.locator(".topbar .user").innerText();
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === "/login/"),
    page.click(".topbar button:has-text('Log out')")]);
  result.afterLogout = new URL(page.url()).pathname;
  check(b.errors.length === 0, "no page errors: " + b.errors.join("; "));
  result.ok = true;
} catch (e) {
  result.error = String(e?.stack ?? e);
} finally {
  await b.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);

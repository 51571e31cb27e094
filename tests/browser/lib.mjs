// Shared helpers for the editor's browser scenarios: Debian's Chromium driven by playwright-core.
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(new URL("../../editor/frontend/package.json", import.meta.url));
const { chromium } = require("playwright-core");

export const BASE = process.env.BATON_URL ?? "http://127.0.0.1:8000";
export const USER = process.env.BATON_USER ?? "admin";
export const PASSWORD = process.env.BATON_PASSWORD ?? "admin";
export const SHOTS = process.env.BATON_SHOTS ?? ""; // a folder for screenshots, when set

export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), "baton-chromium-"));
  // a fresh profile each run (playwright passes it to Chromium as --user-data-dir)
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
    viewport: { width: 1440, height: 900 },
    baseURL: BASE,
  });
  const browser = context;
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE });
  const page = context.pages()[0] ?? (await context.newPage());
  const dialogs = [];
  page.on("dialog", async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  return {
    browser, context, page, dialogs, errors,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Sign in through a login page and wait until `next` has loaded. `via` is the site's /login/ (any
 * active user) by default, or "/admin/login/" (staff only), which has the same field ids.
 */
export async function login(page, { user = USER, password = PASSWORD, next = "/editor/", via = "/login/" } = {}) {
  await page.goto(`${via}?next=${encodeURIComponent(next)}`);
  await page.fill("#id_username", user);
  await page.fill("#id_password", password);
  const path = new URL(next, BASE).pathname;
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === path),
    page.click("form:has(#id_password) [type=submit]")]);
}

export async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

export function check(cond, message) {
  if (!cond) throw new Error("check failed: " + message);
}

/** Run a scenario (signed in with `login(page, signIn)`); print one JSON line with the result and exit non-zero on failure. */
export async function scenario(name, body, signIn = {}) {
  const b = await launch();
  const result = { scenario: name, ok: false };
  try {
    await login(b.page, signIn);
    Object.assign(result, (await body(b)) ?? {});
    result.dialogs = b.dialogs;
    result.pageErrors = b.errors;
    check(b.errors.length === 0, "no page errors: " + b.errors.join("; "));
    result.ok = true;
  } catch (e) {
    result.error = String(e?.stack ?? e);
    try {
      if (SHOTS) await b.page.screenshot({ path: join(SHOTS, `${name}-failure.png`) });
    } catch { /* ignore */ }
  } finally {
    await b.close();
  }
  console.log(JSON.stringify(result));
  process.exit(result.ok ? 0 : 1);
}

/** The editor's '+' for an insertion point: list path (JSON array) and index. */
/** Click something on the canvas; if an overlay (minimap, controls) covers it, click it directly. */
export async function clickCanvas(page, selector) {
  const el = page.locator(selector).first();
  try {
    await el.click({ timeout: 2500 });
  } catch {
    await el.evaluate((e) => e.click());
  }
}

export const plus = (list, index) => `button.plus[data-insert='${JSON.stringify(list)}@${index}']`;
export const node = (ref) => `.task-node[data-ref="${ref}"]`;

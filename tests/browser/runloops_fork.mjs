// A 120-branch dynamic fork: one stack (diagram and table) with its tallies; it expands into
// pages of 50 from the server and pages forward and back; a branch finishing moves the tally live.
import { writeFileSync } from "node:fs";
import { check, clickCanvas, node, scenario, shot } from "./lib.mjs";

const RUN_ID = process.env.RUN_ID;
const STACK = "[data-testid=task-table] tr[data-stack=fan]";
const tally = (page) => page.locator(`${STACK} [data-tally]`).allInnerTexts();
const branches = (page) => page.locator("[data-testid=task-table] tr[data-branch]").evaluateAll((trs) => trs.map((t) => t.dataset.branch));

async function pageOf(page, first) {
  // a page is in once its first row changed from the previous page's
  await page.waitForFunction((prev) => {
    const row = document.querySelector("[data-testid=task-table] tr[data-branch]");
    return row && row.dataset.branch !== prev;
  }, first, { timeout: 15000 });
  return branches(page);
}

await scenario("runloops-fork", async ({ page }) => {
  await page.goto(`/execution/${RUN_ID}`);
  await page.waitForSelector(`${STACK} [data-tally=success]:has-text('5 done')`, { timeout: 15000 });
  const tallyBefore = await tally(page);
  const onNode = await page.locator(node("fan") + " .tally").innerText();
  check(onNode.replace(/\s/g, "") === "5/115/0", "the diagram's stack node has the tallies: " + onNode);
  check((await page.locator("[data-testid=task-table] tr[data-ref^=_bl_leaf]").count()) === 0, "no branch is a row of its own");
  await clickCanvas(page, node("fan")); // the stack node opens the list
  await page.waitForSelector("[data-testid=task-table] tr[data-branch]", { timeout: 15000 });
  const one = await branches(page);
  await shot(page, "runloops-fork-light");
  await page.click("[data-testid=stack-next]");
  const two = await pageOf(page, one[0]);
  await page.click("[data-testid=stack-next]");
  const three = await pageOf(page, two[0]);
  check(await page.locator("[data-testid=stack-next]").isDisabled(), "no page after the last");
  await page.click("[data-testid=stack-prev]");
  const back = await pageOf(page, three[0]);
  check(back[0] === two[0], "previous goes back a page");
  await page.selectOption("[data-testid=stack-group]", "success");
  await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=task-table] tr[data-branch]")].every((r) => r.dataset.status === "COMPLETED")
    && document.querySelectorAll("[data-testid=task-table] tr[data-branch]").length === 5, null, { timeout: 15000 });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.evaluate(() => document.documentElement.setAttribute("data-theme", "dark"));
  await shot(page, "runloops-fork-dark");
  // a branch opens the task drawer with its own task (input included), read from the task API
  await page.click("[data-testid=task-table] tr[data-branch=_bl_leaf_1] button");
  await page.waitForSelector("#task-drawer[data-ref=_bl_leaf_1] [data-testid=drawer-input]");
  const input = await page.locator("#task-drawer [data-testid=drawer-input]").innerText();
  check(input.includes('"__index": 1'), "the branch's input is in the drawer: " + input);
  check(new URL(page.url()).searchParams.get("attempt") !== null, "the URL names the branch's task: " + page.url());
  await page.waitForSelector("[data-testid=task-table] tr[data-branch=_bl_leaf_1].on");
  await shot(page, "runloops-fork-branch-drawer-dark");
  await page.click("#task-drawer [data-drawer-close]");
  await page.waitForSelector("#task-drawer", { state: "detached" });
  await page.waitForSelector("[data-testid=task-table] tr.on", { state: "detached" }); // the highlight goes with it
  await page.waitForSelector("[data-testid=run-live]:has-text('live')", { timeout: 15000 });
  await page.evaluate(() => (window.__noReload = true));
  writeFileSync(process.env.READY_FILE, "ready");
  await page.waitForSelector(`${STACK} [data-tally=success]:has-text('6 done')`, { timeout: 30000 });
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=task-table] tr[data-branch]").length === 6, null, { timeout: 15000 });
  check(await page.evaluate(() => window.__noReload === true), "counted without a reload");
  const tallyAfter = await tally(page);
  return { pages: [one.length, two.length, three.length], distinct: new Set([...one, ...two, ...three]).size, tallyBefore, tallyAfter };
});

// The run list's tag filter (live: a new tagged run appears, an untagged one does not), a checkbox
// selection of two runs terminated with a reason after the confirmation that names them, and a
// saved view applied again in one click.
import { check, scenario, shot } from "./lib.mjs";

const TAGGED = JSON.parse(process.env.TAGGED); // RUNNING runs of the tagged workflow
const UNTAGGED = process.env.UNTAGGED; // a RUNNING run of another workflow
const TAGGED_NAME = process.env.TAGGED_NAME;
const OTHER_NAME = process.env.OTHER_NAME;

const rowIds = (page) => page.locator("#run-rows tr[data-id]").evaluateAll((els) => els.map((e) => e.dataset.id));
const sorted = (xs) => JSON.stringify([...xs].sort());

async function bothThemes(page, name) {
  for (const theme of ["light", "dark"]) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    await shot(page, `${name}-${theme}`);
  }
}

async function startRun(page, name) {
  return page.evaluate(async (wf) => {
    const csrf = document.cookie.match(/csrftoken=([^;]+)/)[1];
    const r = await fetch("/api/workflow", { method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ name: wf, input: { from: "browser" } }) });
    return (await r.text()).replace(/"/g, "").trim();
  }, name);
}

await scenario("dash-runlist", async ({ page }) => {
  // filter by tag through the form: the URL carries it
  await page.goto("/executions/");
  await page.fill("input[name=tag] >> nth=0", "team:payments");
  await Promise.all([page.waitForURL("**/executions/?**tag=team%3Apayments**"), page.click("#filters button[type=submit]")]);
  check(sorted(await rowIds(page)) === sorted(TAGGED), "tag=team:payments lists the tagged runs: " + (await rowIds(page)));
  await page.waitForSelector("#live-dot.on", { timeout: 15000 });

  // live under the filter: the untagged run started first must not appear, the tagged one must
  await page.evaluate(() => (window.__noReload = true));
  const other = await startRun(page, OTHER_NAME);
  const fresh = await startRun(page, TAGGED_NAME);
  await page.waitForSelector(`#run-rows tr[data-id="${fresh}"]`, { timeout: 20000 });
  const live = await rowIds(page);
  check(!live.includes(other) && !live.includes(UNTAGGED), "an untagged run does not join the tagged list: " + live);
  check(await page.evaluate(() => window.__noReload === true), "the new run arrived without a reload");

  // tick two runs; the counter follows, and the ticks survive a live re-read
  const [first, second] = TAGGED;
  await page.check(`#run-rows input[name=ids][value="${first}"]`);
  await page.check(`#run-rows input[name=ids][value="${second}"]`);
  await page.waitForSelector("#selection-count:has-text('2 selected')");
  const later = await startRun(page, TAGGED_NAME);
  await page.waitForSelector(`#run-rows tr[data-id="${later}"]`, { timeout: 20000 });
  check(await page.isChecked(`#run-rows input[name=ids][value="${first}"]`), "a tick survives the live re-read");
  check(await page.isChecked(`#run-rows input[name=ids][value="${second}"]`), "both ticks survive the live re-read");
  check(!(await page.isChecked(`#run-rows input[name=ids][value="${later}"]`)), "the new run is not ticked");
  check((await page.locator("#selection-count").innerText()).startsWith("2 selected"), "the counter still says 2");
  // select all on this page, then back to the two
  await page.check("#select-page");
  const all = (await rowIds(page)).length;
  await page.waitForSelector(`#selection-count:has-text('${all} selected')`);
  await page.uncheck("#select-page");
  await page.waitForSelector("#selection-review:disabled");
  await page.check(`#run-rows input[name=ids][value="${first}"]`);
  await page.check(`#run-rows input[name=ids][value="${second}"]`);
  await bothThemes(page, "runlist-1-selection");

  // terminate the selection: the confirmation names exactly those two first
  await page.selectOption("#selection select[name=action]", "terminate");
  await Promise.all([page.waitForURL("**/executions/bulk?**"), page.click("[data-testid=selection-review]")]);
  const heading = await page.locator("h1").innerText();
  check(heading === "Terminate 2 executions?", "the count comes first: " + heading);
  const named = await page.locator("[data-testid=bulk-selection] tbody tr").evaluateAll((els) => els.map((e) => e.dataset.id));
  check(sorted(named) === sorted([first, second]), "the confirmation names the two runs: " + named);
  await bothThemes(page, "runlist-2-confirm");
  await page.fill("input[name=reason]", "picked by hand");
  await Promise.all([page.waitForURL("**/executions/?**"), page.click("[data-testid=bulk-confirm]")]);
  await page.waitForSelector(".messages li:has-text('Bulk terminate: done for 2 executions.')");
  check(new URL(page.url()).searchParams.get("tag") === "team:payments", "back on the filtered list: " + page.url());
  const statuses = await page.locator("#run-rows tr[data-id]").evaluateAll((els) =>
    Object.fromEntries(els.map((e) => [e.dataset.id, e.dataset.status])));
  check(statuses[first] === "TERMINATED" && statuses[second] === "TERMINATED", "the two show TERMINATED: " + JSON.stringify(statuses));
  check(statuses[fresh] === "RUNNING" && statuses[later] === "RUNNING", "the others still run: " + JSON.stringify(statuses));

  // save this view, then apply it again from an unfiltered list
  await page.fill("[data-testid=saved-views] input[name=name]", "payments team");
  await Promise.all([page.waitForURL("**/executions/?**"), page.click("[data-testid=save-view]")]);
  await page.waitForSelector(".view-chip.on:has-text('payments team')");
  await page.click(".manage-views summary");
  await bothThemes(page, "runlist-3-saved-view");
  await page.goto("/executions/");
  const everything = await rowIds(page);
  check(everything.includes(UNTAGGED), "the unfiltered list has the untagged run");
  await Promise.all([page.waitForURL("**/executions/?**"), page.click(".view-chip:has-text('payments team')")]);
  check(new URL(page.url()).searchParams.get("tag") === "team:payments", "the view applies its filter: " + page.url());
  check(await page.inputValue("input[name=tag] >> nth=0") === "team:payments", "the form shows the view's tag");
  const again = await rowIds(page);
  check(sorted(again) === sorted([...TAGGED, fresh, later]), "the saved view lists the tagged runs: " + again);
  return { terminated: [first, second], fresh, later, other };
});

// /workflows/ → one workflow's page → its task grid's failed cell opens that task of that run;
// the grid takes a new run without a reload; /metrics/ draws every chart beside its table.
import { check, scenario, shot } from "./lib.mjs";

const NAME = process.env.NAME;
const FAILED_ID = process.env.FAILED_ID;

async function bothThemes(page, name) {
  for (const theme of ["light", "dark"]) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    await shot(page, `${name}-${theme}`);
  }
}

const columns = (page) => page.locator("[data-testid=wf-grid] thead th.tgrid-run").count();

await scenario("analytics", async ({ page }) => {
  await page.goto("/workflows/");
  const row = page.locator(`tr[data-name="${NAME}"]`);
  await row.waitFor();
  check((await row.locator("[data-testid=runs]").innerText()).trim() === "4", "the list counts the 4 runs");
  const failureRate = (await row.locator("[data-testid=failure-rate]").innerText()).trim();
  await bothThemes(page, "workflows");

  await Promise.all([page.waitForURL(`**/workflows/${NAME}/`), row.locator(`a:text-is("${NAME}")`).click()]);
  check((await page.locator("[data-testid=total]").innerText()).trim() === "4", "the page counts 4 runs started");
  const gridColumns = await columns(page);
  const priceCells = page.locator('[data-testid=wf-grid] tr[data-ref="price_ref"] a.gcell');
  check((await priceCells.count()) === 4, "price_ref has a cell in each of the 4 runs");
  check((await page.locator('tr[data-ref="total_ref"] .gcell.none').count()) === 1, "total_ref did not run after the failure");
  await page.waitForSelector("#live-dot.on", { timeout: 15000 });
  await bothThemes(page, "workflow");

  // live: a run started elsewhere adds a column without a reload
  await page.evaluate(() => (window.__noReload = true));
  const fresh = await page.evaluate(async (wf) => {
    const csrf = document.cookie.match(/csrftoken=([^;]+)/)[1];
    const r = await fetch("/api/workflow", { method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ name: wf, input: { n: 7, fail: false } }) });
    return (await r.text()).replace(/"/g, "").trim();
  }, NAME);
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=wf-grid] thead th.tgrid-run").length === 5, null, { timeout: 20000 });
  const liveColumns = await columns(page);
  check(await page.evaluate(() => window.__noReload === true), "the grid took the run without a reload");

  // the failed cell opens the run page on that task, its drawer showing the failure
  await Promise.all([page.waitForURL(`**/executions/${FAILED_ID}?task=price_ref`),
    page.locator('tr[data-ref="price_ref"] a.gcell[data-status="FAILED"]').click()]);
  const drawer = page.locator('#task-drawer[data-ref="price_ref"]');
  await drawer.waitFor({ timeout: 15000 });
  await page.waitForFunction(() => /card declined/.test(document.querySelector("#task-drawer [data-testid=drawer-reason]")?.textContent ?? ""), null, { timeout: 15000 });
  await shot(page, "grid-to-run");

  // /metrics/ for this workflow: every table has its chart, the CSV download answers
  await page.goto(`/metrics/?window=24h&name=${NAME}`);
  const tables = await page.locator("section.metric").count();
  check(tables >= 4, `metrics shows its tables (${tables})`);
  for (const key of ["throughput", "failure_rate", "queue_depth"]) {
    check((await page.locator(`[data-testid=chart-${key}] svg`).count()) === 1, `${key} is drawn`);
  }
  // newest bucket first: this run's hour (or, across an hour boundary, the one before) leads the table
  const firstRows = await page.locator("[data-testid=table-throughput] tbody tr").evaluateAll(
    (trs) => trs.slice(0, 2).map((tr) => Number(tr.children[1].textContent)));
  check(firstRows.some((n) => n >= 1), "the table leads with the latest runs: " + firstRows);
  const csv = await page.evaluate(async () => {
    const a = document.querySelector("[data-testid=csv-throughput]");
    const r = await fetch(a.href);
    return { status: r.status, type: r.headers.get("content-type"), head: (await r.text()).split("\n")[0] };
  });
  check(csv.status === 200 && /csv/.test(csv.type), "the CSV download answers: " + JSON.stringify(csv));
  await bothThemes(page, "metrics");
  return { gridColumns, liveColumns, failureRate, fresh };
});

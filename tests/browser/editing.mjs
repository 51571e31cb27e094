// Editing scenarios on a stored workflow (registered by the Python test):
// JSON view ⇄ canvas, invalid JSON banner, a validation error on its node, undo/redo, XSS-safe names.
import { check, clickCanvas, node, plus, scenario, shot } from "./lib.mjs";

const NAME = process.env.WF_NAME ?? "browser_edit";
const XSS = "<img src=x onerror=alert(1)>";

async function jsonText(page) {
  return page.evaluate(() => document.querySelector(".cm-content").cmView?.view?.state?.doc?.toString?.() ?? document.querySelector(".cm-content").innerText);
}

/** Replace the whole JSON document by typing into CodeMirror (select all + insert). */
async function setJson(page, text) {
  await page.click(".cm-content");
  await page.keyboard.press("Control+a");
  await page.keyboard.insertText(text);
}

await scenario("editing", async ({ page, dialogs }) => {
  await page.goto(`/editor/${NAME}/`);
  await page.waitForSelector(node("first_ref"));
  const result = {};

  // --- the XSS name is shown as text, nothing runs --------------------------------------------
  const shown = await page.locator(node("first_ref") + " .node-name").textContent();
  check(shown === XSS, "the task name is shown verbatim: " + shown);
  check((await page.locator(".task-node img").count()) === 0, "no <img> element was created");
  result.xssText = shown;

  // --- JSON view: edit the text, the canvas follows ------------------------------------------
  await page.click("[data-testid=tab-json]");
  await page.waitForSelector(".cm-content");
  const before = JSON.parse(await page.evaluate(() => document.querySelector(".cm-content").innerText));
  check(before.name === NAME, "the JSON view shows the definition");
  const edited = structuredClone(before);
  edited.tasks.push({ name: "added_in_json", taskReferenceName: "json_ref", type: "SIMPLE", inputParameters: {} });
  await setJson(page, JSON.stringify(edited, null, 2));
  await page.waitForSelector(node("json_ref"));
  result.jsonToCanvas = true;

  // invalid JSON: banner, and the canvas keeps the last valid diagram
  await page.click(".cm-content");
  await page.keyboard.press("Control+End");
  await page.keyboard.insertText(" oops");
  await page.waitForSelector("[data-testid=json-error]");
  check((await page.locator(node("json_ref")).count()) === 1, "canvas keeps the last valid state");
  await shot(page, "editing-1-invalid-json");
  await setJson(page, JSON.stringify(edited, null, 2));
  await page.waitForSelector("[data-testid=json-error]", { state: "detached" });

  // --- canvas → JSON: delete a task on the canvas, the JSON follows ----------------------------
  await clickCanvas(page, node("json_ref"));
  await page.keyboard.press("Escape"); // leave any focused field
  await clickCanvas(page, node("json_ref"));
  await page.locator(".react-flow__pane").focus().catch(() => {});
  await page.click("button[title='Delete (Del)']");
  await page.waitForSelector(node("json_ref"), { state: "detached" });
  await page.click("[data-testid=tab-json]");
  check(!(await page.locator(".cm-content").innerText()).includes("json_ref"), "JSON follows the canvas");

  // --- undo / redo across canvas and JSON edits -------------------------------------------------
  await page.click("button[aria-label=Undo]");
  await page.waitForSelector(node("json_ref"));
  check((await page.locator(".cm-content").innerText()).includes("json_ref"), "undo restores the JSON too");
  await page.click("button[aria-label=Undo]"); // undo the JSON edit itself
  await page.waitForSelector(node("json_ref"), { state: "detached" });
  await page.click("button[aria-label=Redo]");
  await page.waitForSelector(node("json_ref"));
  // keyboard shortcuts on the canvas
  await page.click(".react-flow__pane", { position: { x: 30, y: 400 } });
  await page.keyboard.press("Control+z");
  await page.waitForSelector(node("json_ref"), { state: "detached" });
  await page.keyboard.press("Control+Shift+z");
  await page.waitForSelector(node("json_ref"));
  result.undoRedo = true;

  // --- keyboard: select with J/arrows, add with A + palette, copy/paste via the clipboard -----------
  await page.click(".react-flow__pane", { position: { x: 30, y: 400 } });
  await page.keyboard.press("j");
  await page.waitForSelector(node("first_ref") + ".selected");
  await page.keyboard.press("ArrowDown");
  await page.waitForSelector(node("second_ref") + ".selected");
  await page.keyboard.press("a");
  await page.waitForSelector(".palette");
  await page.keyboard.type("no-op");
  await page.keyboard.press("Enter");
  await page.waitForSelector(`.react-flow__node[data-id='t:["tasks",2]'] ${node("noop_ref")}`);
  await page.click(".react-flow__pane", { position: { x: 30, y: 400 } });
  await clickCanvas(page, node("noop_ref"));
  await page.click(".react-flow__pane", { position: { x: 30, y: 400 } }); // clears the selection
  await clickCanvas(page, node("noop_ref"));
  await page.locator(".toolbar button:has-text('Copy')").click();
  await page.locator(".toolbar button:has-text('Paste')").click();
  await page.waitForSelector(node("noop_2_ref")); // pasted with a fresh ref
  result.keyboardAndClipboard = true;
  await page.keyboard.press("Control+z");
  await page.waitForSelector(node("noop_2_ref"), { state: "detached" });
  await page.click(".react-flow__pane", { position: { x: 30, y: 400 } });
  await page.keyboard.press("Control+z");
  await page.waitForSelector(node("noop_ref"), { state: "detached" });

  // --- move a task by dragging it onto a '+' (here: to the top), then undo -------------------------
  {
    const box = await page.locator(node("json_ref")).boundingBox();
    const target = await page.locator(plus(["tasks"], 0)).boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + 10);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 10, box.y, { steps: 4 });
    await page.mouse.move(target.x + 9, target.y + 20, { steps: 10 });
    await page.waitForSelector("button.plus.drop");
    await page.mouse.up();
    await page.waitForSelector(`.react-flow__node[data-id='t:["tasks",0]'] ${node("json_ref")}`);
    await page.click("button[aria-label=Undo]");
    await page.waitForSelector(`.react-flow__node[data-id='t:["tasks",2]'] ${node("json_ref")}`);
    result.dragMove = true;
  }

  // --- a validation error lands on its node and in the problems list --------------------------
  await clickCanvas(page, node("second_ref"));
  await page.fill("input[aria-label='Value of x']", "${nowhere_ref.output.y}");
  await page.waitForSelector(node("second_ref") + ".has-error .err-badge");
  await page.click("[data-testid=tab-problems]");
  const problem = page.locator(".problem[data-ref=second_ref]");
  await problem.first().waitFor();
  result.problem = await problem.first().innerText();
  await page.click(".react-flow__pane", { position: { x: 30, y: 400 } });
  await problem.first().click();
  await page.waitForSelector(node("second_ref") + ".selected");
  await shot(page, "editing-2-validation");

  // --- outline view and search-and-jump --------------------------------------------------------
  await page.click("button:has-text('Outline')");
  await page.waitForSelector("[data-testid=outline] .ol-row[data-ref=json_ref]");
  await page.click("button:has-text('Diagram')");
  await page.fill("input[aria-label='Find a task']", "json");
  await page.keyboard.press("Enter");
  await page.waitForSelector(node("json_ref") + ".selected");

  // --- dark theme renders ---------------------------------------------------------------------------
  await page.click("button[aria-label='Toggle theme']");
  check((await page.evaluate(() => document.documentElement.dataset.theme)) === "dark", "dark theme applied");
  await shot(page, "editing-3-dark");
  await page.click("button[aria-label='Toggle theme']");

  // --- a 300-task definition opens and lays out in under a second ---------------------------------
  await page.goto(`/editor/${NAME}_big/`);
  await page.waitForSelector(".task-node");
  await page.waitForFunction(() => performance.getEntriesByName("baton:canvas").length > 0);
  result.bigMs = await page.evaluate(() => {
    const a = performance.getEntriesByName("baton:definition")[0].startTime;
    const b = performance.getEntriesByName("baton:canvas")[0].startTime;
    return b - a;
  });
  result.bigNodes = await page.evaluate(() => document.querySelectorAll(".react-flow__node").length);
  await shot(page, "editing-4-big");
  check(result.bigMs < 1000, `300 tasks laid out in ${result.bigMs} ms`);

  check(dialogs.length === 0, "no dialog opened (no script ran): " + dialogs.join(","));
  return result;
});

// The task page by keyboard only: Tab to each control (a focus ring shows), comment, claim, submit
// an invalid amount with Enter (the error shows beside it and the field has the focus), fix it,
// approve; then a signed link's confirm page, confirmed by keyboard. Screenshots light and dark.
import { check, scenario, shot } from "./lib.mjs";

const TASK = process.env.TASK_ID;
const LINK = process.env.LINK_URL;

async function both(page, name) {
  await shot(page, name);
  await page.evaluate(() => { document.documentElement.dataset.theme = "dark"; });
  await shot(page, `${name}-dark`);
  await page.evaluate(() => { document.documentElement.dataset.theme = "light"; });
}

const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return { id: el.id, name: el.getAttribute("name") ?? "", tag: el.tagName, outline: `${style.outlineStyle} ${style.outlineWidth}` };
});

/** Press Tab until `want(el)` holds for the focused element; the stops on the way, in order. */
async function tabTo(page, want, limit = 60) {
  const stops = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    const el = await focused(page);
    stops.push(el.id || el.name || el.tag);
    if (want(el)) return { el, stops };
  }
  throw new Error("never reached the control; stops: " + stops.join(", "));
}

await scenario("task-keyboard", async ({ page }) => {
  await page.goto(`/inbox/${TASK}/`);
  await both(page, "task-1-open");
  const comment = await tabTo(page, (el) => el.id === "ht-comment-text");
  await page.keyboard.type("Receipt <b>attached</b>, see the drive.");
  await tabTo(page, (el) => el.id === "ht-comment-btn");
  await Promise.all([page.waitForSelector(".ib-comment"), page.keyboard.press("Enter")]);
  const commentText = await page.locator(".ib-comment-text").first().innerText();
  const claim = await tabTo(page, (el) => el.id === "ht-claim-btn");
  check(claim.el.outline === "solid 3px", "the focused button shows a focus ring: " + claim.el.outline);
  await Promise.all([page.waitForSelector("#ht-form"), page.keyboard.press("Enter")]);
  const amount = await tabTo(page, (el) => el.name === "amount");
  await page.keyboard.type("0");
  await Promise.all([page.waitForSelector("#err-amount"), page.keyboard.press("Enter")]);
  const afterError = await focused(page);
  const fieldError = await page.locator("#err-amount").innerText();
  await both(page, "task-2-error");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("420");
  const approve = await tabTo(page, (el) => el.id === "ht-approve");
  await Promise.all([page.waitForURL("**/inbox/"), page.keyboard.press("Enter")]);
  const message = await page.locator(".messages").innerText();
  await page.goto(`/inbox/${TASK}/`);
  await both(page, "task-3-approved");

  await page.goto(LINK);
  await both(page, "link-1-confirm");
  const act = await tabTo(page, (el) => el.id === "ht-act-btn");
  await Promise.all([page.waitForURL((u) => !u.pathname.includes("/act/")), page.keyboard.press("Enter")]);
  const linkStatus = await page.locator("#ht-status").innerText();
  return { commentStops: comment.stops, commentText, claimOutline: claim.el.outline, amountStops: amount.stops,
           afterError, fieldError, approveStops: approve.stops, message, actOutline: act.el.outline, linkStatus };
});

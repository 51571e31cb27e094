import { describe, expect, it } from "vitest";
import type { RunTask } from "../api";
import { byRefOf, forkRefsOf, latestIteration, loopsOf, loopViews, picksFrom, shownByRef, visibleTasks, withPick } from "./runLoops";
import type { WorkflowDef } from "./types";

const def = {
  name: "w",
  tasks: [
    { name: "fan", taskReferenceName: "fan", type: "FORK_JOIN_DYNAMIC" },
    { name: "j", taskReferenceName: "fan_join", type: "JOIN" },
    {
      name: "loop", taskReferenceName: "loop", type: "DO_WHILE",
      loopOver: [
        { name: "a", taskReferenceName: "a", type: "SIMPLE" },
        { name: "sw", taskReferenceName: "sw", type: "SWITCH", decisionCases: { x: [{ name: "b", taskReferenceName: "b", type: "SIMPLE" }] } },
      ],
    },
    { name: "after", taskReferenceName: "after", type: "SIMPLE" },
  ],
} as unknown as WorkflowDef;

const t = (ref: string, status: string, iteration = 0, retryCount = 0): RunTask => ({ taskId: `${ref}-${retryCount}`, referenceTaskName: ref, taskType: "SIMPLE", status, iteration, retryCount });
const tasks = [
  t("loop", "IN_PROGRESS", 3),
  t("a__1", "COMPLETED", 1), t("sw__1", "COMPLETED", 1), t("b__1", "FAILED", 1), t("b__1", "COMPLETED", 1, 1),
  t("a__2", "COMPLETED", 2), t("sw__2", "COMPLETED", 2),
  t("a__3", "IN_PROGRESS", 3),
];

describe("run loops", () => {
  it("finds loops with their nested body refs, and dynamic forks", () => {
    const [loop] = loopsOf(def);
    expect(loop.ref).toBe("loop");
    expect([...loop.body].sort()).toEqual(["a", "b", "sw"]);
    expect([...forkRefsOf(def)]).toEqual(["fan"]);
  });

  it("shows the latest iteration unless one is picked", () => {
    const loops = loopsOf(def);
    expect(latestIteration(tasks, loops[0])).toBe(3);
    const follow = loopViews(loops, tasks, {});
    expect(follow[0]).toEqual({ ref: "loop", latest: 3, shown: 3, picked: false });
    expect(visibleTasks(tasks, loops, follow).map((x) => x.referenceTaskName)).toEqual(["loop", "a__3"]);
    const first = loopViews(loops, tasks, { loop: 1 });
    expect(visibleTasks(tasks, loops, first).map((x) => x.referenceTaskName)).toEqual(["loop", "a__1", "sw__1", "b__1", "b__1"]);
    // a new iteration moves the default view along
    const more = [...tasks, t("a__4", "SCHEDULED", 4)];
    expect(loopViews(loops, more, {})[0].shown).toBe(4);
    expect(loopViews(loops, more, { loop: 1 })[0].shown).toBe(1);
    expect(loopViews(loops, more, { loop: 99 })[0].shown).toBe(4);
  });

  it("colours body nodes by the shown iteration, other nodes by the live status", () => {
    const loops = loopsOf(def);
    const live = byRefOf(tasks);
    const one = shownByRef(live, tasks, loops, loopViews(loops, tasks, { loop: 1 }));
    expect(one.a.status).toBe("COMPLETED");
    expect(one.b).toEqual({ status: "COMPLETED", count: 2, reason: undefined });
    expect(one.loop.status).toBe("IN_PROGRESS");
    const latest = shownByRef({ ...live, a: { status: "COMPLETED", count: 3 } }, tasks, loops, loopViews(loops, tasks, {}));
    expect(latest.a).toEqual({ status: "COMPLETED", count: 1, reason: undefined }); // the event's status, this iteration's count
    expect(latest.b).toBeUndefined(); // not reached in iteration 3
  });

  it("reads and writes picks in the query string like the server", () => {
    expect(picksFrom("?iter.loop=2&iter.x=0&iter.y=abc&iter.=3&q=1")).toEqual({ loop: 2 });
    expect(withPick("?q=1", "loop", 4)).toBe("?q=1&iter.loop=4");
    expect(withPick("?iter.loop=4", "loop", null)).toBe("");
  });
});

import { describe, expect, it } from "vitest";
import { KITCHEN_SINK, SHAPES, bigDefinition } from "./fixtures";
import { fromLayout, layout } from "./layout";
import {
  addBranch,
  addCase,
  canInsertAt,
  deleteTask,
  duplicateTask,
  insertTask,
  insertTasks,
  moveTask,
  pasteTasks,
  removeBranch,
  removeCase,
  renameCase,
  updateTask,
} from "./ops";
import { allTasks, getIn, parseJsonPath, pathKey, taskPathOf, walk } from "./paths";
import { createTasks } from "./catalog";
import type { Path, WorkflowDef } from "./types";

const json = (v: unknown) => JSON.stringify(v);
const refs = (d: WorkflowDef) => allTasks(d).map((v) => v.task.taskReferenceName);

/** Every list position (except between a fork and its JOIN) must have exactly one '+'. */
function expectedInsertPoints(def: WorkflowDef): string[] {
  const out: string[] = [];
  const lists: { list: Path; len: number }[] = [{ list: ["tasks"], len: def.tasks.length }];
  walk(def, ({ task, path }) => {
    const t = task.type ?? "SIMPLE";
    if (t === "SWITCH" || t === "DECISION") {
      for (const k of Object.keys(task.decisionCases ?? {})) lists.push({ list: [...path, "decisionCases", k], len: task.decisionCases[k].length });
      lists.push({ list: [...path, "defaultCase"], len: (task.defaultCase ?? []).length });
    }
    if (t === "FORK_JOIN") (task.forkTasks ?? []).forEach((b: unknown[], i: number) => lists.push({ list: [...path, "forkTasks", i], len: b.length }));
    if (t === "DO_WHILE") lists.push({ list: [...path, "loopOver"], len: (task.loopOver ?? []).length });
  });
  for (const { list, len } of lists) for (let i = 0; i <= len; i++) if (canInsertAt(def, list, i)) out.push(pathKey(list) + "@" + i);
  return out.sort();
}

describe("layout ⇄ definition round trip", () => {
  const all = { ...SHAPES, kitchenSink: KITCHEN_SINK, big: bigDefinition(300) };
  for (const [name, def] of Object.entries(all)) {
    it(`${name}: graph rebuilds the identical JSON`, () => {
      const l = layout(def);
      expect(json(fromLayout(l))).toBe(json(def));
    });
    it(`${name}: one node per task, one '+' per insertion point`, () => {
      const l = layout(def);
      const taskNodes = l.nodes.filter((n) => n.kind === "task");
      expect(taskNodes.length).toBe(allTasks(def).length);
      const ids = new Set(l.nodes.map((n) => n.id));
      expect(ids.size).toBe(l.nodes.length);
      for (const e of l.edges) {
        expect(ids.has(e.source)).toBe(true);
        expect(ids.has(e.target)).toBe(true);
      }
      const points = l.edges.filter((e) => e.insert).map((e) => pathKey(e.insert!.list) + "@" + e.insert!.index).sort();
      expect(points).toEqual(expectedInsertPoints(def));
      expect(new Set(l.edges.map((e) => e.id)).size).toBe(l.edges.length);
    });
  }

  it("does not overlap task cards", () => {
    const l = layout(KITCHEN_SINK);
    const cards = l.nodes.filter((n) => n.kind === "task");
    for (const a of cards)
      for (const b of cards) {
        if (a === b) continue;
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `${a.id} overlaps ${b.id}`).toBe(false);
      }
  });

  it("labels switch columns with case names plus default, in order", () => {
    const l = layout(SHAPES.switch);
    const labels = l.edges.filter((e) => e.label && e.caseOf).map((e) => e.label);
    expect(labels).toEqual(["gold", "with space/slash", "silver", "default"]);
  });

  it("closes fork branches into their JOIN", () => {
    const l = layout(SHAPES.fork);
    const join = l.nodes.find((n) => n.task?.taskReferenceName === "j_ref")!;
    const intoJoin = l.edges.filter((e) => e.target === join.id);
    expect(intoJoin.length).toBe(3);
    expect(l.nodes.find((n) => n.task?.taskReferenceName === "f_ref")!.role).toBe("fork");
  });

  it("draws DO_WHILE as a frame around its body with a loop edge", () => {
    const l = layout(SHAPES.doWhile);
    const frame = l.nodes.find((n) => n.kind === "loopFrame")!;
    const body = l.nodes.filter((n) => n.task?.taskReferenceName?.startsWith("body"));
    for (const b of body) {
      expect(b.x).toBeGreaterThan(frame.x);
      expect(b.y + b.h).toBeLessThan(frame.y + frame.h);
    }
    expect(l.edges.filter((e) => e.kind === "loop").length).toBe(2);
  });

  it("marks a fork without JOIN", () => {
    const l = layout(SHAPES.forkMissingJoin);
    expect(l.nodes.find((n) => n.role === "fork")!.missingJoin).toBe(true);
  });

  it("lays out 300 tasks fast", () => {
    const def = bigDefinition(300);
    const t0 = performance.now();
    const l = layout(def);
    const ms = performance.now() - t0;
    expect(l.nodes.filter((n) => n.kind === "task").length).toBeGreaterThanOrEqual(300);
    expect(ms).toBeLessThan(200);
  });
});

describe("edits", () => {
  const seq = SHAPES.sequence;

  it("insertTask into the top level", () => {
    const out = insertTask(seq, ["tasks"], 1, { name: "n", taskReferenceName: "n_ref", type: "SIMPLE" });
    expect(refs(out)).toEqual(["a_ref", "n_ref", "b_ref", "c_ref"]);
    expect(seq.tasks.length).toBe(3); // not mutated
    expect(out.tasks[0]).toBe(seq.tasks[0]); // structural sharing
  });

  it("insertTask into an empty switch case and a missing defaultCase", () => {
    let out = insertTask(SHAPES.switch, ["tasks", 0, "decisionCases", "with space/slash"], 0, { name: "x", taskReferenceName: "x_ref" });
    expect(getIn(out, ["tasks", 0, "decisionCases", "with space/slash"])).toEqual([{ name: "x", taskReferenceName: "x_ref" }]);
    out = insertTask(SHAPES.switchNoDefault, ["tasks", 0, "defaultCase"], 0, { name: "y", taskReferenceName: "y_ref" });
    expect(out.tasks[0].defaultCase).toEqual([{ name: "y", taskReferenceName: "y_ref" }]);
  });

  it("inserting a fork brings its JOIN; joinOn follows the branches", () => {
    const used = new Set<string>();
    const fork = createTasks("FORK_JOIN", used);
    expect(fork.map((t) => t.type)).toEqual(["FORK_JOIN", "JOIN"]);
    let out = insertTasks({ name: "w", tasks: [] }, ["tasks"], 0, fork);
    out = insertTask(out, ["tasks", 0, "forkTasks", 0], 0, { name: "a", taskReferenceName: "a_ref" });
    out = insertTask(out, ["tasks", 0, "forkTasks", 1], 0, { name: "b", taskReferenceName: "b_ref" });
    expect(out.tasks[1].joinOn).toEqual(["a_ref", "b_ref"]);
    out = insertTask(out, ["tasks", 0, "forkTasks", 1], 1, { name: "c", taskReferenceName: "c_ref" });
    expect(out.tasks[1].joinOn).toEqual(["a_ref", "c_ref"]);
    out = addBranch(out, ["tasks", 0]);
    expect(out.tasks[0].forkTasks.length).toBe(3);
    out = removeBranch(out, ["tasks", 0], 0);
    expect(out.tasks[1].joinOn).toEqual(["c_ref"]);
    expect(json(out)).toBe(
      json({
        name: "w",
        tasks: [
          { name: "fork_join", taskReferenceName: "fork_join_ref", type: "FORK_JOIN", forkTasks: [[{ name: "b", taskReferenceName: "b_ref" }, { name: "c", taskReferenceName: "c_ref" }], []] },
          { name: "fork_join_join", taskReferenceName: "fork_join_join_ref", type: "JOIN", joinOn: ["c_ref"] },
        ],
      }),
    );
  });

  it("leaves a hand-edited joinOn alone", () => {
    const def = SHAPES.fork;
    const custom = updateTask(def, ["tasks", 2], { ...def.tasks[2], joinOn: ["l1_ref"] });
    const out = insertTask(custom, ["tasks", 1, "forkTasks", 1], 1, { name: "z", taskReferenceName: "z_ref" });
    expect(out.tasks[2].joinOn).toEqual(["l1_ref"]);
  });

  it("cannot insert between a fork and its JOIN", () => {
    expect(canInsertAt(SHAPES.fork, ["tasks"], 2)).toBe(false);
    expect(canInsertAt(SHAPES.fork, ["tasks"], 3)).toBe(true);
  });

  it("deleteTask removes a task, a subtree, and a fork with its JOIN", () => {
    expect(refs(deleteTask(seq, ["tasks", 1]))).toEqual(["a_ref", "c_ref"]);
    expect(refs(deleteTask(SHAPES.fork, ["tasks", 1]))).toEqual(["before_ref", "after_ref"]);
    expect(refs(deleteTask(SHAPES.fork, ["tasks", 2]))).toEqual(["before_ref", "after_ref"]);
    const out = deleteTask(SHAPES.fork, ["tasks", 1, "forkTasks", 0, 1]);
    expect(out.tasks[2].joinOn).toEqual(["l1_ref", "r1_ref"]);
    expect(refs(deleteTask(SHAPES.switch, ["tasks", 0]))).toEqual(["after_ref"]);
  });

  it("moveTask within a list, into a branch, and refuses to move into itself", () => {
    expect(refs(moveTask(seq, ["tasks", 0], ["tasks"], 3))).toEqual(["b_ref", "c_ref", "a_ref"]);
    expect(refs(moveTask(seq, ["tasks", 2], ["tasks"], 0))).toEqual(["c_ref", "a_ref", "b_ref"]);
    expect(moveTask(seq, ["tasks", 1], ["tasks"], 1)).toBe(seq);
    const out = moveTask(SHAPES.switch, ["tasks", 1], ["tasks", 0, "decisionCases", "silver"], 0);
    expect(refs(out)).toEqual(["sw_ref", "g1_ref", "g2_ref", "after_ref", "s1_ref", "d1_ref"]);
    expect(moveTask(SHAPES.switch, ["tasks", 0], ["tasks", 0, "defaultCase"], 0)).toBe(SHAPES.switch);
    // a task from before the target list's parent: target path shifts
    const moved = moveTask(SHAPES.fork, ["tasks", 0], ["tasks", 1, "forkTasks", 2], 0);
    expect(getIn(moved, ["tasks", 0, "forkTasks", 2, 0, "taskReferenceName"])).toBe("before_ref");
    expect(moved.tasks[1].joinOn).toEqual(["l2_ref", "r1_ref", "before_ref"]);
    // moving a fork moves its JOIN too
    const f = moveTask(SHAPES.fork, ["tasks", 1], ["tasks"], 0);
    expect(refs(f).filter((r) => ["f_ref", "j_ref", "before_ref"].includes(r!))).toEqual(["f_ref", "j_ref", "before_ref"]);
  });

  it("duplicateTask copies a subtree with fresh refs and rewired references", () => {
    const out = duplicateTask(SHAPES.fork, ["tasks", 1]);
    expect(out.tasks.length).toBe(6);
    const copyFork = out.tasks[3];
    const copyJoin = out.tasks[4];
    expect(copyFork.type).toBe("FORK_JOIN");
    expect(copyJoin.type).toBe("JOIN");
    const all = refs(out);
    expect(new Set(all).size).toBe(all.length);
    expect(copyJoin.joinOn).toEqual([copyFork.forkTasks[0][1].taskReferenceName, copyFork.forkTasks[1][0].taskReferenceName]);
  });

  it("pasteTasks makes refs unique and rewrites expressions inside the pasted block", () => {
    const block = [seq.tasks[0], seq.tasks[1]];
    const out = pasteTasks(seq, ["tasks"], 3, block);
    const r = refs(out);
    expect(new Set(r).size).toBe(5);
    expect(out.tasks[4].inputParameters.x).toBe("${" + out.tasks[3].taskReferenceName + ".output.y}");
  });

  it("switch cases: add, rename (order kept), remove", () => {
    let out = addCase(SHAPES.switch, ["tasks", 0]);
    expect(Object.keys(out.tasks[0].decisionCases)).toEqual(["gold", "with space/slash", "silver", "case_4"]);
    out = renameCase(out, ["tasks", 0], "gold", "platinum");
    expect(Object.keys(out.tasks[0].decisionCases)).toEqual(["platinum", "with space/slash", "silver", "case_4"]);
    expect(out.tasks[0].decisionCases.platinum.length).toBe(2);
    expect(renameCase(out, ["tasks", 0], "platinum", "silver")).toBe(out); // clash
    out = removeCase(out, ["tasks", 0], "silver");
    expect(Object.keys(out.tasks[0].decisionCases)).toEqual(["platinum", "with space/slash", "case_4"]);
  });

  it("renaming a ref rewrites expressions and joinOn", () => {
    let out = updateTask(seq, ["tasks", 0], { ...seq.tasks[0], taskReferenceName: "first_ref" });
    expect(out.tasks[1].inputParameters.x).toBe("${first_ref.output.y}");
    out = updateTask(SHAPES.fork, ["tasks", 1, "forkTasks", 1, 0], { ...getIn(SHAPES.fork, ["tasks", 1, "forkTasks", 1, 0]), taskReferenceName: "right_ref" });
    expect(out.tasks[2].joinOn).toEqual(["l2_ref", "right_ref"]);
  });

  it("palette templates for every type", () => {
    const used = new Set<string>();
    for (const t of ["SIMPLE", "SWITCH", "DECISION", "FORK_JOIN", "FORK_JOIN_DYNAMIC", "DO_WHILE", "SUB_WORKFLOW", "START_WORKFLOW", "TERMINATE", "DYNAMIC", "INLINE", "LAMBDA", "JSON_JQ_TRANSFORM", "SET_VARIABLE", "HTTP", "WAIT", "HUMAN", "EVENT", "NOOP", "EXCLUSIVE_JOIN"]) {
      const tasks = createTasks(t, used);
      expect(tasks[0].type).toBe(t);
      expect(tasks[0].taskReferenceName).toMatch(/_ref$/);
    }
    expect(used.size).toBe(22);
    expect(createTasks("SIMPLE", used, "charge_card")[0]).toEqual({ name: "charge_card", taskReferenceName: "charge_card_ref", type: "SIMPLE", inputParameters: {} });
  });
});

describe("paths", () => {
  it("parses server JSON paths and finds the task they concern", () => {
    expect(parseJsonPath("$.tasks[2].decisionCases.gold[0].name")).toEqual(["tasks", 2, "decisionCases", "gold", 0, "name"]);
    expect(parseJsonPath("$.tasks[0].decisionCases['with space/slash'][0]")).toEqual(["tasks", 0, "decisionCases", "with space/slash", 0]);
    expect(taskPathOf(SHAPES.switch, ["tasks", 0, "decisionCases", "gold", 1, "inputParameters", "x"])).toEqual(["tasks", 0, "decisionCases", "gold", 1]);
    expect(taskPathOf(SHAPES.switch, ["tasks", 0, "expression"])).toEqual(["tasks", 0]);
    expect(taskPathOf(SHAPES.switch, ["name"])).toBe(null);
  });
});

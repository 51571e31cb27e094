import { describe, expect, it } from "vitest";
import { SHAPES, KITCHEN_SINK } from "./fixtures";
import { candidates, openExpression, upstreamTasks } from "./expressions";
import { diffDefinitions } from "./diff";
import { insertTask, deleteTask, moveTask, updateTask } from "./ops";
import { getIn } from "./paths";

describe("expression completion", () => {
  it("offers only tasks that ran before the place being edited", () => {
    const refs = (p: (string | number)[]) => upstreamTasks(KITCHEN_SINK, p).map((t) => t.taskReferenceName);
    // inside the fork's second branch: first_ref, the switch and the fork are upstream; the loop branch is not
    expect(refs(["tasks", 1, "decisionCases", "fork", 0, "forkTasks", 1, 0])).toEqual(["first_ref", "sw_ref", "f_ref"]);
    expect(refs(["tasks", 2])).toContain("deep_ref");
    expect(refs(["tasks", 0])).toEqual([]);
  });

  it("lists workflow inputs, variables and task outputs", () => {
    const c = candidates(SHAPES.systemTasks, ["tasks", 5]).map((x) => x.expr);
    expect(c).toContain("http_ref.output.response.body");
    expect(c).toContain("in_ref.output.result");
    expect(c).toContain("workflow.variables.a"); // set by SET_VARIABLE sv_ref
    expect(c).not.toContain("n_ref.output"); // NOOP runs later
    expect(candidates(SHAPES.switch, null).map((x) => x.expr)).toContain("workflow.input.k");
  });

  it("finds the unfinished ${ at the cursor", () => {
    expect(openExpression("a ${workflow.in", 15)).toEqual([4, "workflow.in"]);
    expect(openExpression("${x} b", 6)).toBe(null);
  });
});

describe("structural diff", () => {
  it("names added, removed, changed and moved tasks", () => {
    let after = insertTask(SHAPES.switch, ["tasks", 0, "decisionCases", "silver"], 1, { name: "n", taskReferenceName: "new_ref", type: "HTTP" });
    after = deleteTask(after, ["tasks", 0, "defaultCase", 0]);
    after = updateTask(after, ["tasks", 1], { ...getIn(after, ["tasks", 1]), name: "renamed" });
    after = moveTask(after, ["tasks", 0, "decisionCases", "gold", 0], ["tasks"], 2);
    const texts = diffDefinitions(SHAPES.switch, after).map((c) => `${c.kind}: ${c.text}`);
    expect(texts).toContain("added: HTTP new_ref added in sw_ref › silver");
    expect(texts).toContain("removed: SIMPLE d1_ref removed");
    expect(texts).toContain("changed: after_ref: name: after → renamed");
    expect(texts).toContain("moved: g1_ref moved from sw_ref › gold to top level");
    expect(diffDefinitions(SHAPES.switch, SHAPES.switch)).toEqual([]);
  });
});

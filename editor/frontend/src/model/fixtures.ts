import type { Task, WorkflowDef } from "./types";

const s = (ref: string, extra: Partial<Task> = {}): Task => ({ name: ref.replace(/_ref$/, ""), taskReferenceName: ref, type: "SIMPLE", inputParameters: {}, ...extra });

/** One definition per operator shape, plus a kitchen sink that nests them. */
export const SHAPES: Record<string, WorkflowDef> = {
  empty: { name: "empty", version: 1, tasks: [] },
  sequence: { name: "seq", description: "d", version: 2, tasks: [s("a_ref"), s("b_ref", { inputParameters: { x: "${a_ref.output.y}" } }), s("c_ref")], schemaVersion: 2, ownerEmail: "x@y.z" },
  switch: {
    name: "sw",
    version: 1,
    schemaVersion: 2,
    tasks: [
      {
        name: "sw",
        taskReferenceName: "sw_ref",
        type: "SWITCH",
        evaluatorType: "value-param",
        expression: "k",
        inputParameters: { k: "${workflow.input.k}" },
        decisionCases: { gold: [s("g1_ref"), s("g2_ref")], "with space/slash": [], silver: [s("s1_ref")] },
        defaultCase: [s("d1_ref")],
      },
      s("after_ref"),
    ],
  },
  switchNoDefault: {
    name: "sw2",
    tasks: [{ name: "sw", taskReferenceName: "sw_ref", type: "SWITCH", evaluatorType: "javascript", expression: "$.x", decisionCases: { a: [s("a_ref")] } }],
  },
  decision: {
    name: "dec",
    tasks: [{ name: "d", taskReferenceName: "d_ref", type: "DECISION", caseValueParam: "c", inputParameters: { c: "1" }, decisionCases: { "1": [s("one_ref")] }, defaultCase: [] }],
  },
  fork: {
    name: "fork",
    tasks: [
      s("before_ref"),
      { name: "f", taskReferenceName: "f_ref", type: "FORK_JOIN", forkTasks: [[s("l1_ref"), s("l2_ref")], [s("r1_ref")], []] },
      { name: "j", taskReferenceName: "j_ref", type: "JOIN", joinOn: ["l2_ref", "r1_ref"] },
      s("after_ref"),
    ],
  },
  forkMissingJoin: { name: "fmj", tasks: [{ name: "f", taskReferenceName: "f_ref", type: "FORK_JOIN", forkTasks: [[s("l1_ref")]] }, s("x_ref")] },
  dynamicFork: {
    name: "dyn",
    tasks: [
      { name: "df", taskReferenceName: "df_ref", type: "FORK_JOIN_DYNAMIC", inputParameters: { t: "${workflow.input.t}", i: "${workflow.input.i}" }, dynamicForkTasksParam: "t", dynamicForkTasksInputParamName: "i" },
      { name: "dj", taskReferenceName: "dj_ref", type: "JOIN" },
    ],
  },
  doWhile: {
    name: "loop",
    tasks: [
      { name: "lp", taskReferenceName: "lp_ref", type: "DO_WHILE", loopCondition: "$.lp_ref.iteration < 3", inputParameters: {}, loopOver: [s("body1_ref"), s("body2_ref")] },
      { name: "lp2", taskReferenceName: "lp2_ref", type: "DO_WHILE", items: "${workflow.input.items}", loopOver: [] },
    ],
  },
  subWorkflow: {
    name: "sub",
    tasks: [{ name: "child", taskReferenceName: "child_ref", type: "SUB_WORKFLOW", subWorkflowParam: { name: "other", version: 3 }, inputParameters: { a: 1 } }],
  },
  systemTasks: {
    name: "sys",
    tasks: [
      { name: "http", taskReferenceName: "http_ref", type: "HTTP", inputParameters: { http_request: { uri: "https://x", method: "GET" } } },
      { name: "in", taskReferenceName: "in_ref", type: "INLINE", inputParameters: { evaluatorType: "graaljs", expression: "1" } },
      { name: "jq", taskReferenceName: "jq_ref", type: "JSON_JQ_TRANSFORM", inputParameters: { queryExpression: "." } },
      { name: "sv", taskReferenceName: "sv_ref", type: "SET_VARIABLE", inputParameters: { a: 1 } },
      { name: "w", taskReferenceName: "w_ref", type: "WAIT", inputParameters: { duration: "1s" } },
      { name: "h", taskReferenceName: "h_ref", type: "HUMAN" },
      { name: "e", taskReferenceName: "e_ref", type: "EVENT", sink: "conductor" },
      { name: "sw", taskReferenceName: "sw_ref", type: "START_WORKFLOW", inputParameters: { startWorkflow: { name: "x" } } },
      { name: "dy", taskReferenceName: "dy_ref", type: "DYNAMIC", dynamicTaskNameParam: "t", inputParameters: { t: "x" } },
      { name: "l", taskReferenceName: "l_ref", type: "LAMBDA", inputParameters: { scriptExpression: "return 1" } },
      { name: "n", taskReferenceName: "n_ref", type: "NOOP" },
      { name: "xj", taskReferenceName: "xj_ref", type: "EXCLUSIVE_JOIN", joinOn: ["a"] },
      { name: "t", taskReferenceName: "t_ref", type: "TERMINATE", inputParameters: { terminationStatus: "COMPLETED" } },
      { name: "unknown_worker", taskReferenceName: "u_ref" },
    ],
  },
};

/** Everything nested in everything. */
export const KITCHEN_SINK: WorkflowDef = {
  name: "sink",
  version: 1,
  description: "all shapes",
  tasks: [
    s("first_ref"),
    {
      name: "sw",
      taskReferenceName: "sw_ref",
      type: "SWITCH",
      evaluatorType: "value-param",
      expression: "k",
      inputParameters: { k: "${workflow.input.k}" },
      decisionCases: {
        fork: [
          { name: "f", taskReferenceName: "f_ref", type: "FORK_JOIN", forkTasks: [[{ name: "lp", taskReferenceName: "lp_ref", type: "DO_WHILE", loopCondition: "false", loopOver: [s("in_loop_ref")] }], [s("r_ref")]] },
          { name: "j", taskReferenceName: "j_ref", type: "JOIN", joinOn: ["lp_ref", "r_ref"] },
        ],
        dyn: [
          { name: "df", taskReferenceName: "df_ref", type: "FORK_JOIN_DYNAMIC", dynamicForkTasksParam: "t", dynamicForkTasksInputParamName: "i" },
          { name: "dj", taskReferenceName: "dj_ref", type: "JOIN" },
        ],
      },
      defaultCase: [{ name: "inner", taskReferenceName: "inner_ref", type: "SWITCH", evaluatorType: "javascript", expression: "1", decisionCases: { x: [] }, defaultCase: [s("deep_ref")] }],
    },
    s("last_ref"),
  ],
  outputParameters: { r: "${last_ref.output}" },
  schemaVersion: 2,
};

/** A large definition: n tasks with switches, forks and loops mixed in. */
export function bigDefinition(n: number): WorkflowDef {
  const tasks: Task[] = [];
  let count = 0;
  let i = 0;
  while (count < n) {
    const k = i++ % 5;
    if (k === 0) {
      tasks.push({ name: `sw${i}`, taskReferenceName: `sw${i}_ref`, type: "SWITCH", evaluatorType: "value-param", expression: "v", inputParameters: { v: "${workflow.input.v}" }, decisionCases: { a: [s(`a${i}_ref`), s(`a${i}b_ref`)], b: [s(`b${i}_ref`)] }, defaultCase: [s(`c${i}_ref`)] });
      count += 5;
    } else if (k === 1) {
      tasks.push({ name: `f${i}`, taskReferenceName: `f${i}_ref`, type: "FORK_JOIN", forkTasks: [[s(`fl${i}_ref`)], [s(`fr${i}_ref`), s(`fr${i}b_ref`)]] });
      tasks.push({ name: `j${i}`, taskReferenceName: `j${i}_ref`, type: "JOIN", joinOn: [`fl${i}_ref`, `fr${i}b_ref`] });
      count += 5;
    } else if (k === 2) {
      tasks.push({ name: `lp${i}`, taskReferenceName: `lp${i}_ref`, type: "DO_WHILE", loopCondition: "false", loopOver: [s(`lb${i}_ref`)] });
      count += 2;
    } else {
      tasks.push(s(`t${i}_ref`));
      count += 1;
    }
  }
  return { name: "big", version: 1, tasks };
}

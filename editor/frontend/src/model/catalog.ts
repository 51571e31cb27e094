import type { Task } from "./types";

export interface TaskTypeInfo {
  type: string;
  label: string;
  group: "Worker" | "Flow" | "Data" | "System";
  icon: string; // a short glyph shown on the node and in the palette
  description: string;
}

export const TASK_TYPES: TaskTypeInfo[] = [
  { type: "SIMPLE", label: "Worker task", group: "Worker", icon: "⚙", description: "A task run by your worker (polls the queue by name)" },
  { type: "SWITCH", label: "Switch", group: "Flow", icon: "◇", description: "Branch on a value or a script, one path per case" },
  { type: "FORK_JOIN", label: "Fork / Join", group: "Flow", icon: "⇉", description: "Run branches in parallel, then join" },
  { type: "DO_WHILE", label: "Do while", group: "Flow", icon: "↻", description: "Repeat a body while a condition holds, or for each item" },
  { type: "FORK_JOIN_DYNAMIC", label: "Dynamic fork", group: "Flow", icon: "⋔", description: "Fork over a task list computed at run time" },
  { type: "SUB_WORKFLOW", label: "Sub workflow", group: "Flow", icon: "▣", description: "Run another workflow and wait for it" },
  { type: "START_WORKFLOW", label: "Start workflow", group: "Flow", icon: "▷", description: "Start another workflow, do not wait" },
  { type: "TERMINATE", label: "Terminate", group: "Flow", icon: "■", description: "End the workflow with a status" },
  { type: "DYNAMIC", label: "Dynamic task", group: "Flow", icon: "✱", description: "Run a task whose name comes from input" },
  { type: "DECISION", label: "Decision (legacy)", group: "Flow", icon: "◆", description: "Deprecated SWITCH form" },
  { type: "EXCLUSIVE_JOIN", label: "Exclusive join", group: "Flow", icon: "⊻", description: "Join whichever one of several refs ran" },
  { type: "JOIN", label: "Join", group: "Flow", icon: "⊥", description: "Wait for forked branches (added with a fork)" },
  { type: "INLINE", label: "Inline script", group: "Data", icon: "ƒ", description: "Evaluate JavaScript on the task input" },
  { type: "JSON_JQ_TRANSFORM", label: "JSON transform (jq)", group: "Data", icon: "⧉", description: "Transform JSON with a jq program" },
  { type: "SET_VARIABLE", label: "Set variable", group: "Data", icon: "≔", description: "Write workflow variables" },
  { type: "LAMBDA", label: "Lambda (legacy)", group: "Data", icon: "λ", description: "Deprecated inline script" },
  { type: "HTTP", label: "HTTP call", group: "System", icon: "⇄", description: "Call an HTTP endpoint" },
  { type: "WAIT", label: "Wait", group: "System", icon: "⏱", description: "Wait for a duration, a date or a signal" },
  { type: "HUMAN", label: "Human task", group: "System", icon: "☺", description: "Wait for a person to complete it" },
  { type: "EVENT", label: "Event", group: "System", icon: "✉", description: "Publish an event to a sink" },
  { type: "NOOP", label: "No-op", group: "System", icon: "○", description: "Does nothing" },
];

export const TYPE_INFO: Record<string, TaskTypeInfo> = Object.fromEntries(TASK_TYPES.map((t) => [t.type, t]));
export const typeInfo = (type: string): TaskTypeInfo =>
  TYPE_INFO[type] ?? { type, label: type, group: "Worker", icon: "⚙", description: "" };

/** Types offered in the palette (JOIN is added together with its fork). */
export const PALETTE_TYPES = TASK_TYPES.filter((t) => t.type !== "JOIN");

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "") || "task";

/** A fresh name/ref pair not used yet: `switch`/`switch_ref`, then `switch_2`/`switch_2_ref`, ... */
export function freshNames(base: string, used: Set<string>): { name: string; ref: string } {
  const b = slug(base);
  for (let n = 1; ; n++) {
    const name = n === 1 ? b : `${b}_${n}`;
    const ref = `${name}_ref`;
    if (!used.has(ref)) {
      used.add(ref);
      return { name, ref };
    }
  }
}

/**
 * New tasks for a palette choice. A FORK_JOIN / FORK_JOIN_DYNAMIC comes with its JOIN.
 * `taskDefName` is set for registered task definitions (a SIMPLE task named after the def).
 */
export function createTasks(type: string, used: Set<string>, taskDefName?: string): Task[] {
  if (taskDefName) {
    const { ref } = freshNames(taskDefName, used);
    return [{ name: taskDefName, taskReferenceName: ref, type: "SIMPLE", inputParameters: {} }];
  }
  const { name, ref } = freshNames(type === "SIMPLE" ? "task" : type, used);
  const base: Task = { name, taskReferenceName: ref, type };
  switch (type) {
    case "SIMPLE":
      return [{ ...base, inputParameters: {} }];
    case "SWITCH":
      return [
        {
          ...base,
          inputParameters: { switchCaseValue: "${workflow.input.case}" },
          evaluatorType: "value-param",
          expression: "switchCaseValue",
          decisionCases: { case_1: [] },
          defaultCase: [],
        },
      ];
    case "DECISION":
      return [{ ...base, inputParameters: { case: "${workflow.input.case}" }, caseValueParam: "case", decisionCases: { case_1: [] }, defaultCase: [] }];
    case "FORK_JOIN": {
      const join = freshNames(`${name}_join`, used);
      return [
        { ...base, forkTasks: [[], []] },
        { name: join.name, taskReferenceName: join.ref, type: "JOIN", joinOn: [] },
      ];
    }
    case "FORK_JOIN_DYNAMIC": {
      const join = freshNames(`${name}_join`, used);
      return [
        {
          ...base,
          inputParameters: { dynamicTasks: "${workflow.input.dynamicTasks}", dynamicTasksInput: "${workflow.input.dynamicTasksInput}" },
          dynamicForkTasksParam: "dynamicTasks",
          dynamicForkTasksInputParamName: "dynamicTasksInput",
        },
        { name: join.name, taskReferenceName: join.ref, type: "JOIN" },
      ];
    }
    case "JOIN":
      return [{ ...base, joinOn: [] }];
    case "EXCLUSIVE_JOIN":
      return [{ ...base, joinOn: [] }];
    case "DO_WHILE":
      return [{ ...base, inputParameters: {}, loopCondition: `if ($.${ref}['iteration'] < 3) { true; } else { false; }`, loopOver: [] }];
    case "SUB_WORKFLOW":
      return [{ ...base, inputParameters: {}, subWorkflowParam: { name: "", version: 1 } }];
    case "START_WORKFLOW":
      return [{ ...base, inputParameters: { startWorkflow: { name: "", version: 1, input: {} } } }];
    case "TERMINATE":
      return [{ ...base, inputParameters: { terminationStatus: "COMPLETED", terminationReason: "", workflowOutput: {} } }];
    case "DYNAMIC":
      return [{ ...base, inputParameters: { taskToExecute: "${workflow.input.taskToExecute}" }, dynamicTaskNameParam: "taskToExecute" }];
    case "INLINE":
      return [{ ...base, inputParameters: { evaluatorType: "graaljs", expression: "(function () {\n  return $.value;\n})();", value: "${workflow.input.value}" } }];
    case "LAMBDA":
      return [{ ...base, inputParameters: { value: "${workflow.input.value}", scriptExpression: "return { result: $.value };" } }];
    case "JSON_JQ_TRANSFORM":
      return [{ ...base, inputParameters: { data: "${workflow.input}", queryExpression: ".data" } }];
    case "SET_VARIABLE":
      return [{ ...base, inputParameters: { name: "${workflow.input.name}" } }];
    case "HTTP":
      return [{ ...base, inputParameters: { http_request: { uri: "https://example.com/api", method: "GET", connectionTimeOut: 3000, readTimeOut: 3000 } } }];
    case "WAIT":
      return [{ ...base, inputParameters: { duration: "10s" } }];
    case "HUMAN":
      return [{ ...base, inputParameters: {} }];
    case "EVENT":
      return [{ ...base, sink: "conductor", inputParameters: {} }];
    default:
      return [{ ...base, inputParameters: {} }];
  }
}

/** `${...}` completion candidates for a place in the definition: workflow input, variables, upstream outputs. */
import { allTasks, asList, childLists, getIn, isPrefix, typeOf } from "./paths";
import type { SchemaField, SchemaKeys } from "./schemas";
import type { Path, Task, WorkflowDef } from "./types";

export interface Candidate {
  expr: string; // the text between ${ and }
  detail: string;
}

const OUTPUTS: Record<string, string[]> = {
  INLINE: ["result"],
  LAMBDA: ["result"],
  JSON_JQ_TRANSFORM: ["result", "resultList"],
  HTTP: ["response", "response.body", "response.statusCode", "response.headers"],
  SWITCH: ["selectedCase"],
  DECISION: ["caseOutput"],
  SUB_WORKFLOW: ["subWorkflowId"],
  START_WORKFLOW: ["workflowId"],
  DO_WHILE: ["iteration"],
  EVENT: ["event_produced"],
};

/** Tasks that have run before the task at `path` (preceding siblings with their subtrees, and ancestors). */
export function upstreamTasks(def: WorkflowDef, path: Path | null): Task[] {
  const all = allTasks(def);
  if (!path) return all.map((v) => v.task);
  const out: Task[] = [];
  for (const v of all) {
    if (isPrefix(v.path, path) && v.path.length < path.length) {
      out.push(v.task); // an ancestor (switch, fork, loop)
      continue;
    }
    // a task is upstream when, at the first place the paths differ, it sits in the same list at a lower index
    let i = 0;
    while (i < v.path.length && i < path.length && v.path[i] === path[i]) i++;
    if (i >= path.length || i >= v.path.length) continue;
    const a = v.path[i];
    const b = path[i];
    // parallel fork branches are not upstream of each other
    if (typeof a === "number" && typeof b === "number" && a < b && path[i - 1] !== "forkTasks") out.push(v.task);
  }
  return out;
}

const fieldDetail = (what: string, f: SchemaField) => `${what}: ${f.type}${f.required ? ", required" : ""}`;

export function candidates(def: WorkflowDef, path: Path | null, outputKeys: Record<string, string[]> = {},
  schemas: SchemaKeys = { outputs: {}, workflowInput: [] }): Candidate[] {
  const out: Candidate[] = [];
  const inputs = new Set<string>();
  if (Array.isArray(def.inputParameters)) def.inputParameters.forEach((k: unknown) => typeof k === "string" && inputs.add(k));
  if (def.inputTemplate && typeof def.inputTemplate === "object") Object.keys(def.inputTemplate).forEach((k) => inputs.add(k));
  // inputs referenced elsewhere in the definition
  JSON.stringify(def).replace(/\$\{workflow\.input\.([A-Za-z0-9_]+)/g, (_, k: string) => {
    inputs.add(k);
    return "";
  });
  out.push({ expr: "workflow.input", detail: "the whole workflow input" });
  const fromSchema = new Set(schemas.workflowInput.map((f) => f.path));
  for (const f of schemas.workflowInput) out.push({ expr: `workflow.input.${f.path}`, detail: fieldDetail("input schema", f) });
  for (const k of inputs) if (!fromSchema.has(k)) out.push({ expr: `workflow.input.${k}`, detail: "workflow input" });
  const vars = new Set<string>(def.variables && typeof def.variables === "object" ? Object.keys(def.variables) : []);
  for (const v of allTasks(def)) if (typeOf(v.task) === "SET_VARIABLE" && v.task.inputParameters) Object.keys(v.task.inputParameters).forEach((k) => vars.add(k));
  for (const k of vars) out.push({ expr: `workflow.variables.${k}`, detail: "workflow variable" });
  for (const k of ["workflowId", "correlationId", "workflowType", "version", "parentWorkflowId", "status"]) out.push({ expr: `workflow.${k}`, detail: "workflow" });
  for (const t of upstreamTasks(def, path)) {
    const ref = t.taskReferenceName;
    if (typeof ref !== "string" || !ref) continue;
    const type = typeOf(t);
    out.push({ expr: `${ref}.output`, detail: `${type} output` });
    for (const k of OUTPUTS[type] ?? []) out.push({ expr: `${ref}.output.${k}`, detail: `${type} output` });
    for (const k of outputKeys[t.name ?? ""] ?? []) out.push({ expr: `${ref}.output.${k}`, detail: "task def outputKeys" });
    for (const f of schemas.outputs[t.name ?? ""] ?? []) out.push({ expr: `${ref}.output.${f.path}`, detail: fieldDetail("output schema", f) });
    out.push({ expr: `${ref}.input`, detail: `${type} input` });
    out.push({ expr: `${ref}.status`, detail: "task status" });
  }
  return out;
}

/** The unfinished `${...` around the cursor, if any: [start of the expression text, text so far]. */
export function openExpression(text: string, cursor: number): [number, string] | null {
  const before = text.slice(0, cursor);
  const at = before.lastIndexOf("${");
  if (at < 0) return null;
  const inner = before.slice(at + 2);
  if (inner.includes("}")) return null;
  return [at + 2, inner];
}

export function listsOf(task: Task): { label: string; tasks: Task[] }[] {
  return childLists(task).map((c) => ({ label: c.label, tasks: asList(getIn(task, c.path)) }));
}

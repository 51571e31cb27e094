/** A structure-aware summary of what changed between two definitions. */
import { allTasks, getIn, typeOf } from "./paths";
import type { Task, WorkflowDef } from "./types";
import { shellOf } from "./layout";

export interface Change {
  kind: "added" | "removed" | "changed" | "moved" | "workflow";
  ref: string;
  text: string;
}

const stable = (v: unknown): string => JSON.stringify(v, (_, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));

function fieldChanges(a: Task, b: Task): string[] {
  const sa = shellOf(a);
  const sb = shellOf(b);
  const keys = new Set([...Object.keys(sa), ...Object.keys(sb)]);
  const out: string[] = [];
  for (const k of keys) {
    if (stable(sa[k]) === stable(sb[k])) continue;
    const short = (v: unknown) => {
      const s = v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v);
      return s.length > 40 ? s.slice(0, 37) + "…" : s;
    };
    if (k === "decisionCases" || k === "forkTasks") out.push(k === "decisionCases" ? "cases changed" : "branches changed");
    else out.push(`${k}: ${short(sa[k])} → ${short(sb[k])}`);
  }
  return out;
}

export function diffDefinitions(before: WorkflowDef | null, after: WorkflowDef): Change[] {
  const out: Change[] = [];
  const a = new Map<string, { task: Task; where: string }>();
  const b = new Map<string, { task: Task; where: string }>();
  // "switch_ref › gold", "fork_ref › branch 2", "loop_ref › body"
  const whereIn = (def: WorkflowDef) => (path: (string | number)[]) => {
    const parts: string[] = [];
    for (let i = 1; i < path.length - 1; i++) {
      const k = path[i];
      if (k === "decisionCases") parts.push(`${getIn(def, path.slice(0, i)).taskReferenceName} › ${path[i + 1]}`);
      else if (k === "defaultCase") parts.push(`${getIn(def, path.slice(0, i)).taskReferenceName} › default`);
      else if (k === "forkTasks") parts.push(`${getIn(def, path.slice(0, i)).taskReferenceName} › branch ${Number(path[i + 1]) + 1}`);
      else if (k === "loopOver") parts.push(`${getIn(def, path.slice(0, i)).taskReferenceName} › body`);
    }
    return parts.length ? parts[parts.length - 1] : "";
  };
  if (before) for (const v of allTasks(before)) a.set(String(v.task.taskReferenceName), { task: v.task, where: whereIn(before)(v.path) });
  for (const v of allTasks(after)) b.set(String(v.task.taskReferenceName), { task: v.task, where: whereIn(after)(v.path) });
  if (before) {
    const wa: Record<string, unknown> = { ...before, tasks: undefined };
    const wb: Record<string, unknown> = { ...after, tasks: undefined };
    for (const k of new Set([...Object.keys(wa), ...Object.keys(wb)])) {
      if (["tasks", "createTime", "updateTime", "createdBy", "updatedBy"].includes(k)) continue;
      if (stable(wa[k]) !== stable(wb[k])) out.push({ kind: "workflow", ref: "", text: `workflow ${k} changed` });
    }
  }
  for (const [ref, { task, where: w }] of b) {
    const old = a.get(ref);
    if (!old) out.push({ kind: "added", ref, text: `${typeOf(task)} ${ref} added${w ? ` in ${w}` : ""}` });
    else {
      const f = fieldChanges(old.task, task);
      if (f.length) out.push({ kind: "changed", ref, text: `${ref}: ${f.join("; ")}` });
      if (old.where !== w) out.push({ kind: "moved", ref, text: `${ref} moved from ${old.where || "top level"} to ${w || "top level"}` });
    }
  }
  for (const [ref, { task }] of a) if (!b.has(ref)) out.push({ kind: "removed", ref, text: `${typeOf(task)} ${ref} removed` });
  return out;
}

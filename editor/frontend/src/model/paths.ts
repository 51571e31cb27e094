import type { Path, Task, WorkflowDef } from "./types";

// getIn/setIn walk Conductor JSON of any shape by a runtime path: what they read is typed at the
// call site, where the path is known, not here.
/* eslint-disable @typescript-eslint/no-explicit-any */
export function getIn(obj: any, path: Path): any {
  let cur = obj;
  for (const key of path) {
    if (cur == null || typeof cur !== "object") return undefined;
    cur = cur[key as any];
  }
  return cur;
}

/** Immutable set with structural sharing; creates missing lists/objects along the way. */
export function setIn<T>(obj: T, path: Path, value: unknown): T {
  if (path.length === 0) return value as T;
  const [key, ...rest] = path;
  const base: any = obj ?? (typeof key === "number" ? [] : {});
  const child = setIn(base[key as any], rest, value);
  if (Array.isArray(base)) {
    const copy = base.slice();
    copy[key as number] = child;
    return copy as any;
  }
  return { ...base, [key]: child };
}

export function updateIn<T>(obj: T, path: Path, fn: (value: any) => any): T {
  return setIn(obj, path, fn(getIn(obj, path)));
}

export const pathKey = (path: Path): string => JSON.stringify(path);
export const parseKey = (key: string): Path => JSON.parse(key) as Path;
export const samePath = (a: Path, b: Path): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
export const isPrefix = (prefix: Path, path: Path): boolean =>
  prefix.length <= path.length && prefix.every((v, i) => v === path[i]);

export const FORK_TYPES = new Set(["FORK_JOIN", "FORK_JOIN_DYNAMIC"]);
export const typeOf = (task: Task | undefined): string => (task?.type ?? "SIMPLE") as string;

export interface ChildList {
  path: Path; // relative to the task
  kind: "case" | "default" | "branch" | "loop";
  label: string;
  key?: string | number;
}

/** The task lists directly nested in a task, in display order. */
export function childLists(task: Task): ChildList[] {
  const t = typeOf(task);
  if (t === "SWITCH" || t === "DECISION") {
    const cases = task.decisionCases && typeof task.decisionCases === "object" ? task.decisionCases : {};
    const out: ChildList[] = Object.keys(cases).map((k) => ({
      path: ["decisionCases", k],
      kind: "case" as const,
      label: k,
      key: k,
    }));
    out.push({ path: ["defaultCase"], kind: "default", label: "default" });
    return out;
  }
  if (t === "FORK_JOIN") {
    const branches: unknown[] = Array.isArray(task.forkTasks) ? task.forkTasks : [];
    return branches.map((_, i) => ({ path: ["forkTasks", i], kind: "branch" as const, label: `branch ${i + 1}`, key: i }));
  }
  if (t === "DO_WHILE") return [{ path: ["loopOver"], kind: "loop", label: "loop body" }];
  return [];
}

export const asList = (value: unknown): Task[] =>
  Array.isArray(value) ? (value.filter((t) => t && typeof t === "object" && !Array.isArray(t)) as Task[]) : [];

export interface Visit {
  task: Task;
  path: Path;
  list: Path;
  index: number;
  depth: number;
}

/** Depth-first pre-order walk over every task in the definition. */
export function walk(def: WorkflowDef, fn: (v: Visit) => void | false): void {
  const visitList = (list: unknown, listPath: Path, depth: number) => {
    if (!Array.isArray(list)) return;
    list.forEach((task, index) => {
      if (!task || typeof task !== "object" || Array.isArray(task)) return;
      const path = [...listPath, index];
      if (fn({ task, path, list: listPath, index, depth }) === false) return;
      for (const child of childLists(task)) visitList(getIn(task, child.path), [...path, ...child.path], depth + 1);
    });
  };
  visitList(def?.tasks, ["tasks"], 0);
}

export function allTasks(def: WorkflowDef): Visit[] {
  const out: Visit[] = [];
  walk(def, (v) => {
    out.push(v);
  });
  return out;
}

export function refIndex(def: WorkflowDef): Map<string, Path> {
  const out = new Map<string, Path>();
  walk(def, ({ task, path }) => {
    const ref = task.taskReferenceName;
    if (typeof ref === "string" && !out.has(ref)) out.set(ref, path);
  });
  return out;
}

/** Parse a server JSON path like `$.tasks[2].decisionCases.gold[0].name` or `$.tasks[0]['a b']`. */
export function parseJsonPath(text: string): Path {
  const out: Path = [];
  const re = /\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]/g;
  let m: RegExpExecArray | null;
  const body = text.startsWith("$") ? text.slice(1) : text;
  while ((m = re.exec(body))) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(m[3].replace(/\\(.)/g, "$1"));
  }
  return out;
}

/** The deepest task path that is a prefix of (or equal to) the given JSON path. */
export function taskPathOf(def: WorkflowDef, path: Path): Path | null {
  let best: Path | null = null;
  walk(def, (v) => {
    if (isPrefix(v.path, path)) {
      best = v.path;
      return;
    }
    return false;
  });
  return best;
}

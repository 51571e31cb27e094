/**
 * Edits as pure functions over the definition JSON. Each takes a definition and returns a new one
 * (unchanged subtrees keep their identity). Locations are JSON paths (see types.ts).
 * A fork (FORK_JOIN / FORK_JOIN_DYNAMIC) and the JOIN right after it form one block: they are
 * inserted, deleted, moved and copied together. A JOIN's joinOn is kept equal to the last task of
 * each branch while it was equal to that before the edit (hand-edited joinOn lists are left alone).
 */
import { FORK_TYPES, allTasks, asList, getIn, isPrefix, samePath, setIn, typeOf, walk } from "./paths";
import type { Path, Task, WorkflowDef } from "./types";
import { freshNames } from "./catalog";

const listAt = (def: WorkflowDef, list: Path): Task[] => {
  const v = getIn(def, list);
  return Array.isArray(v) ? v : [];
};

export function usedRefs(def: WorkflowDef): Set<string> {
  const out = new Set<string>();
  walk(def, ({ task }) => {
    if (typeof task.taskReferenceName === "string") out.add(task.taskReferenceName);
  });
  return out;
}

/** [start, end) of the block that holds the task at `index` (a fork and its JOIN go together). */
export function blockRange(list: Task[], index: number): [number, number] {
  const t = list[index];
  if (FORK_TYPES.has(typeOf(t)) && typeOf(list[index + 1]) === "JOIN") return [index, index + 2];
  if (typeOf(t) === "JOIN" && index > 0 && FORK_TYPES.has(typeOf(list[index - 1]))) return [index - 1, index + 1];
  return [index, index + 1];
}

const splitPath = (taskPath: Path): [Path, number] => [taskPath.slice(0, -1), taskPath[taskPath.length - 1] as number];

/** The tasks of the block at a task path (for copy / cut / move). */
export function blockAt(def: WorkflowDef, taskPath: Path): Task[] {
  const [list, index] = splitPath(taskPath);
  const items = listAt(def, list);
  const [s, e] = blockRange(items, index);
  return items.slice(s, e);
}

/** Is inserting at this list index allowed (not between a fork and its JOIN)? */
export function canInsertAt(def: WorkflowDef, list: Path, index: number): boolean {
  const items = listAt(def, list);
  return !(index > 0 && FORK_TYPES.has(typeOf(items[index - 1])) && typeOf(items[index]) === "JOIN");
}

export function insertTasks(def: WorkflowDef, list: Path, index: number, tasks: Task[]): WorkflowDef {
  const items = listAt(def, list);
  const at = Math.max(0, Math.min(index, items.length));
  const next = [...items.slice(0, at), ...tasks, ...items.slice(at)];
  return syncJoins(def, setIn(def, list, next));
}
export const insertTask = (def: WorkflowDef, list: Path, index: number, task: Task): WorkflowDef =>
  insertTasks(def, list, index, [task]);

export function deleteTask(def: WorkflowDef, taskPath: Path): WorkflowDef {
  const [list, index] = splitPath(taskPath);
  const items = listAt(def, list);
  if (index < 0 || index >= items.length) return def;
  const [s, e] = blockRange(items, index);
  return syncJoins(def, setIn(def, list, [...items.slice(0, s), ...items.slice(e)]));
}

/** Replace the task at a path; a renamed taskReferenceName is renamed in expressions and joinOn too. */
export function updateTask(def: WorkflowDef, taskPath: Path, task: Task): WorkflowDef {
  const before = getIn(def, taskPath) as Task | undefined;
  let next = setIn(def, taskPath, task);
  const oldRef = before?.taskReferenceName;
  const newRef = task.taskReferenceName;
  if (typeof oldRef === "string" && typeof newRef === "string" && oldRef && newRef && oldRef !== newRef) {
    next = renameRef(next, oldRef, newRef, taskPath);
  }
  return syncJoins(def, next);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Rewrite `${old.` / `${old}` references and joinOn entries to a new ref (not inside the renamed task's own ref). */
export function renameRef(def: WorkflowDef, oldRef: string, newRef: string, skip?: Path): WorkflowDef {
  const re = new RegExp("\\$\\{" + escapeRe(oldRef) + "(?=[.\\[}])", "g");
  const fix = (value: unknown, path: Path): unknown => {
    if (typeof value === "string") return re.test(value) ? value.replace(re, "${" + newRef) : value;
    if (Array.isArray(value)) {
      let changed = false;
      const out = value.map((v, i) => {
        const r = fix(v, [...path, i]);
        if (r !== v) changed = true;
        return r;
      });
      return changed ? out : value;
    }
    if (value && typeof value === "object") {
      let changed = false;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        let r = fix(v, [...path, k]);
        if (k === "joinOn" || k === "defaultExclusiveJoinTask") {
          if (Array.isArray(v) && v.includes(oldRef)) r = v.map((x) => (x === oldRef ? newRef : x));
        }
        if (k === "taskReferenceName" && skip && samePath(path, skip)) r = v;
        if (r !== v) changed = true;
        out[k] = r;
      }
      return changed ? out : value;
    }
    return value;
  };
  // fix keeps the shape of what it is given: a definition in, a definition out
  return fix(def, []) as WorkflowDef;
}

/** Move a task (with its JOIN if it is a fork) to another list position. No-op for impossible moves. */
export function moveTask(def: WorkflowDef, from: Path, toList: Path, toIndex: number): WorkflowDef {
  const [fromList, fromIndex] = splitPath(from);
  const items = listAt(def, fromList);
  if (fromIndex < 0 || fromIndex >= items.length) return def;
  const [s, e] = blockRange(items, fromIndex);
  const blockStart = [...fromList, s];
  if (isPrefix(blockStart, toList) && toList.length > blockStart.length) return def; // into itself
  for (let i = s; i < e; i++) if (isPrefix([...fromList, i], toList) && toList.length > fromList.length + 1) return def;
  const moved = items.slice(s, e);
  let target = toIndex;
  if (samePath(fromList, toList)) {
    if (toIndex >= s && toIndex <= e) return def; // same place
    if (toIndex > e) target -= e - s;
  }
  let next = setIn(def, fromList, [...items.slice(0, s), ...items.slice(e)]);
  // removing may shift an index inside toList's path when it runs through the same list after s
  const adjusted = toList.slice();
  if (isPrefix(fromList, toList) && toList.length > fromList.length) {
    const i = toList[fromList.length] as number;
    if (i >= e) adjusted[fromList.length] = i - (e - s);
  }
  const dest = listAt(next, adjusted);
  const at = Math.max(0, Math.min(target, dest.length));
  next = setIn(next, adjusted, [...dest.slice(0, at), ...moved, ...dest.slice(at)]);
  return syncJoins(def, next);
}

/** Deep copy with fresh refs (expressions and joinOn inside the copy follow the renames). */
export function cloneWithFreshRefs(tasks: Task[], used: Set<string>): Task[] {
  let copy: WorkflowDef = { tasks: JSON.parse(JSON.stringify(asList(tasks))) };
  const renames = new Map<string, string>();
  for (const v of allTasks(copy)) {
    const r = v.task.taskReferenceName;
    if (typeof r !== "string") continue;
    if (used.has(r)) {
      const fresh = freshNames(r.replace(/_ref$/, "").replace(/_\d+$/, ""), used).ref;
      renames.set(r, fresh);
      copy = setIn(copy, [...v.path, "taskReferenceName"], fresh);
    } else used.add(r);
  }
  for (const [oldRef, newRef] of renames) copy = renameRef(copy, oldRef, newRef);
  return copy.tasks;
}

export function duplicateTask(def: WorkflowDef, taskPath: Path): WorkflowDef {
  const [list, index] = splitPath(taskPath);
  const items = listAt(def, list);
  const [s, e] = blockRange(items, index);
  const copies = cloneWithFreshRefs(items.slice(s, e), usedRefs(def));
  return insertTasks(def, list, e, copies);
}

/** Paste tasks (e.g. from the clipboard) with refs made unique. */
export function pasteTasks(def: WorkflowDef, list: Path, index: number, tasks: Task[]): WorkflowDef {
  return insertTasks(def, list, index, cloneWithFreshRefs(tasks, usedRefs(def)));
}

// --- SWITCH cases ------------------------------------------------------------------------------

export function addCase(def: WorkflowDef, switchPath: Path, name?: string): WorkflowDef {
  const task = getIn(def, switchPath) as Task;
  const cases = { ...(task.decisionCases ?? {}) };
  let key = name;
  if (!key) for (let n = Object.keys(cases).length + 1; (key = `case_${n}`) in cases; n++);
  if (key in cases) return def;
  cases[key] = [];
  return setIn(def, switchPath, { ...task, decisionCases: cases });
}

export function renameCase(def: WorkflowDef, switchPath: Path, from: string, to: string): WorkflowDef {
  const task = getIn(def, switchPath) as Task;
  const cases = task.decisionCases ?? {};
  if (!(from in cases) || !to || (to in cases && to !== from)) return def;
  const out: Record<string, Task[]> = {};
  for (const [k, v] of Object.entries(cases)) out[k === from ? to : k] = v as Task[];
  return setIn(def, switchPath, { ...task, decisionCases: out });
}

export function removeCase(def: WorkflowDef, switchPath: Path, name: string): WorkflowDef {
  const task = getIn(def, switchPath) as Task;
  const cases = { ...(task.decisionCases ?? {}) };
  if (!(name in cases)) return def;
  delete cases[name];
  return setIn(def, switchPath, { ...task, decisionCases: cases });
}

// --- FORK branches -----------------------------------------------------------------------------

export function addBranch(def: WorkflowDef, forkPath: Path): WorkflowDef {
  const task = getIn(def, forkPath) as Task;
  const branches = Array.isArray(task.forkTasks) ? task.forkTasks : [];
  return syncJoins(def, setIn(def, forkPath, { ...task, forkTasks: [...branches, []] }));
}

export function removeBranch(def: WorkflowDef, forkPath: Path, index: number): WorkflowDef {
  const task = getIn(def, forkPath) as Task;
  const branches: Task[][] = Array.isArray(task.forkTasks) ? task.forkTasks : [];
  if (index < 0 || index >= branches.length) return def;
  return syncJoins(def, setIn(def, forkPath, { ...task, forkTasks: branches.filter((_, i) => i !== index) }));
}

export function moveBranch(def: WorkflowDef, forkPath: Path, index: number, delta: number): WorkflowDef {
  const task = getIn(def, forkPath) as Task;
  const branches: Task[][] = Array.isArray(task.forkTasks) ? task.forkTasks.slice() : [];
  const j = index + delta;
  if (index < 0 || j < 0 || index >= branches.length || j >= branches.length) return def;
  [branches[index], branches[j]] = [branches[j], branches[index]];
  return syncJoins(def, setIn(def, forkPath, { ...task, forkTasks: branches }));
}

// --- JOIN maintenance --------------------------------------------------------------------------

/** Last ref of each non-empty branch of a FORK_JOIN. */
export function branchEnds(fork: Task): string[] {
  const branches: unknown[] = Array.isArray(fork.forkTasks) ? fork.forkTasks : [];
  const out: string[] = [];
  for (const b of branches) {
    const list = asList(b);
    const last = list[list.length - 1];
    if (last && typeof last.taskReferenceName === "string") out.push(last.taskReferenceName);
  }
  return out;
}

const sameSet = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((x) => b.includes(x));

/** Keep each JOIN's joinOn equal to its fork's branch ends where it was before the edit. */
export function syncJoins(before: WorkflowDef, after: WorkflowDef): WorkflowDef {
  const old = new Map<string, Task>();
  walk(before, ({ task }) => {
    if (typeOf(task) === "FORK_JOIN" && typeof task.taskReferenceName === "string") old.set(task.taskReferenceName, task);
  });
  let out = after;
  walk(after, ({ task, path, list, index }) => {
    if (typeOf(task) !== "FORK_JOIN") return;
    const join = getIn(after, [...list, index + 1]) as Task | undefined;
    if (typeOf(join) !== "JOIN" || !Array.isArray(join?.joinOn)) return;
    const prev = typeof task.taskReferenceName === "string" ? old.get(task.taskReferenceName) : undefined;
    const ends = branchEnds(task);
    const managed = prev === undefined || sameSet(join!.joinOn, branchEnds(prev)) || join!.joinOn.length === 0;
    if (managed && !sameSet(join!.joinOn, ends)) out = setIn(out, [...list, index + 1, "joinOn"], ends);
    void path;
  });
  return out;
}

/**
 * The run page's view of loops and dynamic forks, as pure functions of the definition, the run's
 * tasks and the iterations picked in the URL (`?iter.<loop ref>=N`).
 *
 * Conductor runs a DO_WHILE body as `<ref>__<N>` with `iteration` N on each task; the DO_WHILE task
 * itself carries the current iteration. With no pick, a loop shows its latest iteration, so a new
 * iteration moves the view along; a pick pins it.
 */
import type { RunTask } from "../api";
import type { Task, WorkflowDef } from "./types";

export const ITER_PARAM = "iter.";
export const baseRef = (ref: string) => ref.replace(/__\d+$/, "");

export interface Loop {
  ref: string;
  body: Set<string>; // every ref nested in the loop's body
}

export type Tally = { success: number; pending: number; failed: number; total: number };
/** fork ref → iteration (as text) → tally, from the server (executions/store/loops.py). */
export type ForkTallies = Record<string, Record<string, Tally>>;

function children(t: Task): Task[][] {
  const out: Task[][] = [];
  if (Array.isArray(t.loopOver)) out.push(t.loopOver);
  if (Array.isArray(t.defaultCase)) out.push(t.defaultCase);
  for (const b of Array.isArray(t.forkTasks) ? t.forkTasks : []) if (Array.isArray(b)) out.push(b);
  for (const c of Object.values(t.decisionCases ?? {})) if (Array.isArray(c)) out.push(c as Task[]);
  return out;
}

function* walk(tasks: Task[] | undefined): Generator<Task> {
  for (const t of tasks ?? []) {
    if (!t || typeof t !== "object") continue;
    yield t;
    for (const list of children(t)) yield* walk(list);
  }
}

export function loopsOf(def: WorkflowDef): Loop[] {
  const out: Loop[] = [];
  for (const t of walk(def.tasks as Task[])) {
    if (t.type !== "DO_WHILE" || !t.taskReferenceName) continue;
    const body = new Set<string>();
    for (const inner of walk(t.loopOver as Task[])) if (inner.taskReferenceName) body.add(String(inner.taskReferenceName));
    out.push({ ref: String(t.taskReferenceName), body });
  }
  return out;
}

export function forkRefsOf(def: WorkflowDef): Set<string> {
  const out = new Set<string>();
  for (const t of walk(def.tasks as Task[])) if (t.type === "FORK_JOIN_DYNAMIC" && t.taskReferenceName) out.add(String(t.taskReferenceName));
  return out;
}

/** The newest iteration a loop has begun (0 before it starts). */
export function latestIteration(tasks: RunTask[], loop: Loop): number {
  let n = 0;
  for (const t of tasks) {
    const ref = baseRef(t.referenceTaskName);
    if (ref === loop.ref || loop.body.has(ref)) n = Math.max(n, Number(t.iteration ?? 0));
  }
  return n;
}

export interface LoopView {
  ref: string;
  latest: number;
  shown: number; // the pick, or the latest when there is none
  picked: boolean;
}

export function loopViews(loops: Loop[], tasks: RunTask[], picks: Record<string, number>): LoopView[] {
  return loops.map((l) => {
    const latest = latestIteration(tasks, l);
    const pick = picks[l.ref];
    // a pick past the newest iteration (an old link, a typo) shows the newest
    const shown = pick === undefined ? latest : latest > 0 ? Math.min(pick, latest) : pick;
    return { ref: l.ref, latest, shown, picked: pick !== undefined };
  });
}

/** The tasks of the shown iterations: a loop body task of another iteration is left out. */
export function visibleTasks(tasks: RunTask[], loops: Loop[], views: LoopView[]): RunTask[] {
  if (!loops.length) return tasks;
  const shownOf = new Map<string, number>();
  loops.forEach((l, i) => l.body.forEach((ref) => shownOf.set(ref, views[i].shown)));
  return tasks.filter((t) => {
    const shown = shownOf.get(baseRef(t.referenceTaskName));
    return shown === undefined || Number(t.iteration ?? 0) === shown;
  });
}

export type ByRef = Record<string, { status: string; count: number; reason?: string }>;

/** Status (of the newest attempt) and attempt count per definition ref. */
export function byRefOf(tasks: RunTask[]): ByRef {
  const out: ByRef = {};
  for (const t of tasks) {
    const ref = baseRef(t.referenceTaskName);
    out[ref] = { status: t.status, count: (out[ref]?.count ?? 0) + 1, reason: t.reasonForIncompletion };
  }
  return out;
}

/**
 * The colours of the diagram: the live statuses (from events, fresher than the task list),
 * except inside loops, where the shown iteration's tasks decide.
 */
export function shownByRef(live: ByRef, tasks: RunTask[], loops: Loop[], views: LoopView[]): ByRef {
  if (!loops.length) return live;
  const out: ByRef = { ...live };
  const shown = byRefOf(visibleTasks(tasks, loops, views));
  loops.forEach((l, i) => {
    for (const ref of l.body) {
      if (shown[ref]) {
        // the latest iteration follows the events; an older one is settled history
        const v = views[i];
        out[ref] = !v.picked || v.shown === v.latest ? { ...shown[ref], status: live[ref]?.status ?? shown[ref].status } : shown[ref];
      } else delete out[ref]; // not run (yet) in this iteration
    }
  });
  return out;
}

/** The iteration picks in a query string, as the server accepts them (whole numbers from 1). */
export function picksFrom(search: string): Record<string, number> {
  const out: Record<string, number> = {};
  new URLSearchParams(search).forEach((v, k) => {
    if (k.startsWith(ITER_PARAM) && k.length > ITER_PARAM.length && /^[1-9]\d{0,8}$/.test(v)) out[k.slice(ITER_PARAM.length)] = Number(v);
  });
  return out;
}

/** The query string with one loop's pick set (a number) or cleared (null: follow the latest). */
export function withPick(search: string, loop: string, n: number | null): string {
  const q = new URLSearchParams(search);
  if (n === null) q.delete(ITER_PARAM + loop);
  else q.set(ITER_PARAM + loop, String(n));
  const s = q.toString();
  return s ? "?" + s : "";
}

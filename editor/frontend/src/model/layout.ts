/**
 * layout(definition) -> {nodes, edges}: a pure, structured layout computed from the task tree.
 * Nothing is stored in the definition. Every edge that sits between two list positions carries
 * the insertion point it stands for (the '+' button); an empty branch is one edge with index 0.
 */
import { FORK_TYPES, asList, childLists, getIn, pathKey, typeOf } from "./paths";
import type { InsertPoint, Path, Task, WorkflowDef } from "./types";

export const NODE_W = 236;
export const NODE_H = 58;
const GAP = 54; // between two cards in a sequence (room for the '+')
const SPLIT_GAP = 82; // below a SWITCH / FORK: case label, '+', then the first card
const MERGE_GAP = 50; // below the tallest column before the merge point
const COL_GAP = 36;
const EMPTY_W = 140;
const EMPTY_H = 40;
const DOT = 14;
const LOOP_PAD = 18;
const LOOP_LEFT = 30; // room for the back edge on the left of a loop frame
const LOOP_HEAD = 26; // label strip at the top of the frame

export type NodeKind = "start" | "end" | "task" | "merge" | "loopFrame" | "loopEnd";

export interface LNode {
  id: string;
  kind: NodeKind;
  x: number; // top-left
  y: number;
  w: number;
  h: number;
  path?: Path; // task path (task, loopFrame, loopEnd, merge of a SWITCH / fork)
  task?: Task; // the task (kind "task")
  /** Child-list shapes of the task with nested tasks removed (for the graph -> definition round trip). */
  shell?: Task;
  role?: "switch" | "fork" | "join" | "dynfork" | "loop" | "subworkflow" | "terminate" | "plain";
  workflow?: WorkflowDef; // on "start": the definition with an empty task list (key order kept)
  missingJoin?: boolean;
}

export interface LEdge {
  id: string;
  source: string;
  target: string;
  points: { x: number; y: number }[];
  insert?: InsertPoint;
  plus?: { x: number; y: number };
  label?: string;
  labelAt?: { x: number; y: number };
  /** For case labels: which switch and case (for rename / remove on the label). */
  caseOf?: { switchPath: Path; key: string; kind: "case" | "default" | "branch"; index?: number };
  kind: "flow" | "loop" | "dynamic";
}

export interface Layout {
  nodes: LNode[];
  edges: LEdge[];
  width: number;
  height: number;
}

// --- measuring ----------------------------------------------------------------------------------

interface Size {
  w: number;
  h: number;
}

type Unit =
  | { kind: "task"; index: number; task: Task }
  | { kind: "switch"; index: number; task: Task }
  | { kind: "fork"; index: number; task: Task; join?: Task }
  | { kind: "dynfork"; index: number; task: Task; join?: Task }
  | { kind: "loop"; index: number; task: Task };

function units(list: Task[]): Unit[] {
  const out: Unit[] = [];
  for (let i = 0; i < list.length; i++) {
    const task = list[i];
    const t = typeOf(task);
    const next = list[i + 1];
    const joined = typeOf(next) === "JOIN" && next && typeof next === "object";
    if (t === "SWITCH" || t === "DECISION") out.push({ kind: "switch", index: i, task });
    else if (t === "FORK_JOIN") {
      out.push({ kind: "fork", index: i, task, join: joined ? next : undefined });
      if (joined) i++;
    } else if (t === "FORK_JOIN_DYNAMIC") {
      out.push({ kind: "dynfork", index: i, task, join: joined ? next : undefined });
      if (joined) i++;
    } else if (t === "DO_WHILE") out.push({ kind: "loop", index: i, task });
    else out.push({ kind: "task", index: i, task });
  }
  return out;
}

const sizeCache = new WeakMap<object, Size>();

function measureList(list: Task[]): Size {
  if (list.length === 0) return { w: EMPTY_W, h: EMPTY_H };
  let w = 0;
  let h = 0;
  const us = units(list);
  us.forEach((u, i) => {
    const s = measureUnit(u);
    w = Math.max(w, s.w);
    h += s.h + (i > 0 ? GAP : 0);
  });
  return { w, h };
}

function columnsOf(task: Task): { path: Path; list: Task[] }[] {
  return childLists(task)
    .filter((c) => c.kind !== "loop")
    .map((c) => ({ path: c.path, list: asList(getIn(task, c.path)) }));
}

function measureUnit(u: Unit): Size {
  const key = u.kind === "fork" || u.kind === "dynfork" ? null : u.task;
  if (key && sizeCache.has(key)) return sizeCache.get(key)!;
  let s: Size;
  switch (u.kind) {
    case "task":
      s = { w: NODE_W, h: NODE_H };
      break;
    case "dynfork":
      s = { w: NODE_W, h: NODE_H + (u.join ? GAP + NODE_H : 0) };
      break;
    case "switch":
    case "fork": {
      const cols = columnsOf(u.task).map((c) => measureList(c.list));
      const colsW = cols.reduce((a, c) => a + c.w, 0) + COL_GAP * Math.max(0, cols.length - 1);
      const colsH = cols.reduce((a, c) => Math.max(a, c.h), 0);
      const bottom = u.kind === "fork" && u.join ? NODE_H : DOT;
      s = { w: Math.max(NODE_W, colsW), h: NODE_H + SPLIT_GAP + colsH + MERGE_GAP + bottom };
      break;
    }
    case "loop": {
      const body = measureList(asList(u.task.loopOver));
      s = {
        w: Math.max(NODE_W, body.w) + 2 * LOOP_PAD + LOOP_LEFT,
        h: LOOP_HEAD + NODE_H + GAP + body.h + GAP + DOT + LOOP_PAD,
      };
      break;
    }
  }
  if (key) sizeCache.set(key, s);
  return s;
}

// --- placing -----------------------------------------------------------------------------------

class Builder {
  nodes: LNode[] = [];
  edges: LEdge[] = [];
  private seen = new Set<string>();

  edge(e: Omit<LEdge, "id" | "kind"> & { kind?: LEdge["kind"] }, tag = ""): void {
    let id = `${e.source}>${e.target}${tag}`;
    for (let n = 2; this.seen.has(id); n++) id = `${e.source}>${e.target}${tag}#${n}`;
    this.seen.add(id);
    this.edges.push({ kind: "flow", ...e, id });
  }

  /** Place a list centred on cx from top y; returns the ids of its first and last nodes (null if empty). */
  list(list: Task[], listPath: Path, cx: number, y: number): { first: string; last: string; firstTop: number; lastBottom: number } | null {
    if (list.length === 0) return null;
    let prev: { id: string; bottom: number; x: number } | null = null;
    let first = "";
    let firstTop = y;
    for (const u of units(list)) {
      const s = measureUnit(u);
      const placed = this.unit(u, listPath, cx, y, s);
      if (prev) {
        const insert = { list: listPath, index: u.index };
        this.edge({
          source: prev.id,
          target: placed.entry,
          points: [
            { x: cx, y: prev.bottom },
            { x: cx, y: placed.entryTop },
          ],
          insert,
          plus: { x: cx, y: (prev.bottom + placed.entryTop) / 2 },
        });
      } else {
        first = placed.entry;
        firstTop = placed.entryTop;
      }
      prev = { id: placed.exit, bottom: placed.exitBottom, x: cx };
      y += s.h + GAP;
    }
    return { first, last: prev!.id, firstTop, lastBottom: prev!.bottom };
  }

  taskNode(task: Task, path: Path, x: number, y: number, role: LNode["role"], extra: Partial<LNode> = {}): string {
    const id = "t:" + pathKey(path);
    this.nodes.push({ id, kind: "task", x, y, w: NODE_W, h: NODE_H, path, task, shell: shellOf(task), role, ...extra });
    return id;
  }

  unit(u: Unit, listPath: Path, cx: number, y: number, s: Size): { entry: string; exit: string; entryTop: number; exitBottom: number } {
    const path = [...listPath, u.index];
    const x = cx - NODE_W / 2;
    const t = typeOf(u.task);
    if (u.kind === "task") {
      const role = t === "SUB_WORKFLOW" ? "subworkflow" : t === "TERMINATE" ? "terminate" : t === "JOIN" ? "join" : "plain";
      const id = this.taskNode(u.task, path, x, y, role);
      return { entry: id, exit: id, entryTop: y, exitBottom: y + NODE_H };
    }
    if (u.kind === "dynfork") {
      const id = this.taskNode(u.task, path, x, y, "dynfork", { missingJoin: !u.join });
      if (!u.join) return { entry: id, exit: id, entryTop: y, exitBottom: y + NODE_H };
      const jy = y + NODE_H + GAP;
      const jid = this.taskNode(u.join, [...listPath, u.index + 1], x, jy, "join");
      this.edge({ source: id, target: jid, kind: "dynamic", points: [{ x: cx, y: y + NODE_H }, { x: cx, y: jy }], label: "dynamic tasks", labelAt: { x: cx, y: y + NODE_H + GAP / 2 } });
      return { entry: id, exit: jid, entryTop: y, exitBottom: jy + NODE_H };
    }
    if (u.kind === "loop") {
      const frameId = "lf:" + pathKey(path);
      this.nodes.push({ id: frameId, kind: "loopFrame", x: cx - s.w / 2, y, w: s.w, h: s.h, path, task: u.task, role: "loop" });
      const innerCx = cx + LOOP_LEFT / 2;
      const hy = y + LOOP_HEAD;
      const head = this.taskNode(u.task, path, innerCx - NODE_W / 2, hy, "loop");
      const bodyPath = [...path, "loopOver"];
      const body = asList(u.task.loopOver);
      const placed = this.list(body, bodyPath, innerCx, hy + NODE_H + GAP);
      const endY = y + s.h - LOOP_PAD - DOT;
      const endId = "le:" + pathKey(path);
      this.nodes.push({ id: endId, kind: "loopEnd", x: innerCx - DOT / 2, y: endY, w: DOT, h: DOT, path });
      if (placed) {
        this.edge({ source: head, target: placed.first, points: [{ x: innerCx, y: hy + NODE_H }, { x: innerCx, y: placed.firstTop }], insert: { list: bodyPath, index: 0 }, plus: { x: innerCx, y: hy + NODE_H + GAP / 2 } });
        this.edge({ source: placed.last, target: endId, points: [{ x: innerCx, y: placed.lastBottom }, { x: innerCx, y: endY }], insert: { list: bodyPath, index: body.length }, plus: { x: innerCx, y: placed.lastBottom + GAP / 2 } });
      } else {
        this.edge({ source: head, target: endId, points: [{ x: innerCx, y: hy + NODE_H }, { x: innerCx, y: endY }], insert: { list: bodyPath, index: 0 }, plus: { x: innerCx, y: (hy + NODE_H + endY) / 2 } });
      }
      const left = cx - s.w / 2 + LOOP_LEFT / 2 + 4;
      this.edge({
        source: endId,
        target: head,
        kind: "loop",
        points: [
          { x: innerCx - DOT / 2, y: endY + DOT / 2 },
          { x: left, y: endY + DOT / 2 },
          { x: left, y: hy + NODE_H / 2 },
          { x: innerCx - NODE_W / 2, y: hy + NODE_H / 2 },
        ],
        label: "loop",
        labelAt: { x: left, y: (endY + hy + NODE_H) / 2 },
      });
      return { entry: frameId, exit: frameId, entryTop: y, exitBottom: y + s.h };
    }
    // switch / fork: a split card, one column per case / branch, a merge point (or the JOIN)
    const isFork = u.kind === "fork";
    const split = this.taskNode(u.task, path, x, y, isFork ? "fork" : "switch", isFork ? { missingJoin: !u.join } : {});
    const cols = columnsOf(u.task);
    const sizes = cols.map((c) => measureList(c.list));
    const colsW = sizes.reduce((a, c) => a + c.w, 0) + COL_GAP * Math.max(0, cols.length - 1);
    const colsH = sizes.reduce((a, c) => Math.max(a, c.h), 0);
    const splitBottom = y + NODE_H;
    const colTop = splitBottom + SPLIT_GAP;
    const mergeTop = colTop + colsH + MERGE_GAP;
    let mergeId: string;
    let mergeCy: number;
    if (isFork && u.join) {
      mergeId = this.taskNode(u.join, [...listPath, u.index + 1], x, mergeTop, "join");
      mergeCy = mergeTop;
    } else {
      mergeId = "m:" + pathKey(path);
      this.nodes.push({ id: mergeId, kind: "merge", x: cx - DOT / 2, y: mergeTop, w: DOT, h: DOT, path, missingJoin: isFork });
      mergeCy = mergeTop;
    }
    const exitBottom = isFork && u.join ? mergeTop + NODE_H : mergeTop + DOT;
    if (cols.length === 0) {
      this.edge({ source: split, target: mergeId, points: [{ x: cx, y: splitBottom }, { x: cx, y: mergeCy }] });
    }
    const busTop = splitBottom + 18;
    const busBottom = mergeTop - 16;
    let left = cx - colsW / 2;
    cols.forEach((col, i) => {
      const ccx = left + sizes[i].w / 2;
      left += sizes[i].w + COL_GAP;
      const listP = [...path, ...col.path];
      const info = childLists(u.task).filter((c) => c.kind !== "loop")[i];
      const label = info.label;
      const caseOf = { switchPath: path, key: String(info.key ?? ""), kind: info.kind as "case" | "default" | "branch", index: typeof info.key === "number" ? info.key : undefined };
      const placed = this.list(col.list, listP, ccx, colTop);
      const labelAt = { x: ccx, y: busTop + 16 };
      const tag = "|" + JSON.stringify(col.path);
      if (placed) {
        this.edge({ source: split, target: placed.first, points: [{ x: cx, y: splitBottom }, { x: cx, y: busTop }, { x: ccx, y: busTop }, { x: ccx, y: placed.firstTop }], insert: { list: listP, index: 0 }, plus: { x: ccx, y: colTop - 20 }, label, labelAt, caseOf }, tag);
        this.edge({ source: placed.last, target: mergeId, points: [{ x: ccx, y: placed.lastBottom }, { x: ccx, y: busBottom }, { x: cx, y: busBottom }, { x: cx, y: mergeCy }], insert: { list: listP, index: col.list.length }, plus: { x: ccx, y: placed.lastBottom + 22 } }, tag);
      } else {
        this.edge({ source: split, target: mergeId, points: [{ x: cx, y: splitBottom }, { x: cx, y: busTop }, { x: ccx, y: busTop }, { x: ccx, y: busBottom }, { x: cx, y: busBottom }, { x: cx, y: mergeCy }], insert: { list: listP, index: 0 }, plus: { x: ccx, y: colTop + EMPTY_H / 2 - 6 }, label, labelAt, caseOf }, tag);
      }
    });
    return { entry: split, exit: mergeId, entryTop: y, exitBottom };
  }
}

/** The task with nested task lists emptied (keys and case order kept). */
export function shellOf(task: Task): Task {
  const lists = childLists(task);
  if (lists.length === 0) return task;
  let out: Task = { ...task };
  const t = typeOf(task);
  if (t === "SWITCH" || t === "DECISION") {
    if (task.decisionCases && typeof task.decisionCases === "object") {
      out.decisionCases = Object.fromEntries(Object.keys(task.decisionCases).map((k) => [k, Array.isArray(task.decisionCases[k]) ? [] : task.decisionCases[k]]));
    }
    if (Array.isArray(task.defaultCase)) out.defaultCase = [];
  } else if (t === "FORK_JOIN" && Array.isArray(task.forkTasks)) {
    out = { ...out, forkTasks: task.forkTasks.map((b: unknown) => (Array.isArray(b) ? [] : b)) };
  } else if (t === "DO_WHILE" && Array.isArray(task.loopOver)) {
    out = { ...out, loopOver: [] };
  }
  return out;
}

export function layout(def: WorkflowDef): Layout {
  const b = new Builder();
  const tasks = asList(def?.tasks);
  const workflow = { ...(def ?? {}), tasks: [] } as WorkflowDef;
  const size = measureList(tasks);
  const cx = Math.max(size.w, NODE_W) / 2;
  const START = 36;
  b.nodes.push({ id: "start", kind: "start", x: cx - 48, y: 0, w: 96, h: START, workflow });
  const top = START + GAP;
  const placed = b.list(tasks, ["tasks"], cx, top);
  const endY = top + (placed ? size.h : EMPTY_H) + GAP;
  b.nodes.push({ id: "end", kind: "end", x: cx - 48, y: endY, w: 96, h: START });
  if (placed) {
    b.edge({ source: "start", target: placed.first, points: [{ x: cx, y: START }, { x: cx, y: placed.firstTop }], insert: { list: ["tasks"], index: 0 }, plus: { x: cx, y: START + GAP / 2 } });
    b.edge({ source: placed.last, target: "end", points: [{ x: cx, y: placed.lastBottom }, { x: cx, y: endY }], insert: { list: ["tasks"], index: tasks.length }, plus: { x: cx, y: placed.lastBottom + GAP / 2 } });
  } else {
    b.edge({ source: "start", target: "end", points: [{ x: cx, y: START }, { x: cx, y: endY }], insert: { list: ["tasks"], index: 0 }, plus: { x: cx, y: (START + endY) / 2 } });
  }
  return { nodes: b.nodes, edges: b.edges, width: Math.max(size.w, NODE_W), height: endY + START };
}

/** Rebuild the definition from the graph alone (the inverse of layout, used to prove round trips). */
export function fromLayout(l: Layout): WorkflowDef {
  const start = l.nodes.find((n) => n.kind === "start");
  let def: WorkflowDef = { ...(start?.workflow ?? {}), tasks: [] } as WorkflowDef; // keeps key order
  const cmp = (a: Path, b: Path) => {
    if (a.length !== b.length) return a.length - b.length;
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      if (typeof a[i] === "number" && typeof b[i] === "number") return (a[i] as number) - (b[i] as number);
      return 0; // different case keys: order does not matter (the shell fixed key order)
    }
    return 0;
  };
  const tasks = l.nodes.filter((n) => n.kind === "task" && n.path).sort((a, b) => cmp(a.path!, b.path!));
  const set = (obj: unknown, path: Path, value: unknown): unknown => {
    if (path.length === 0) return value;
    const [k, ...rest] = path;
    const base = obj as Record<string | number, unknown>;
    if (Array.isArray(base)) {
      const copy = base.slice();
      copy[k as number] = set(base[k as number], rest, value);
      return copy;
    }
    return { ...base, [k]: set(base?.[k], rest, value) };
  };
  for (const n of tasks) def = set(def, n.path!, n.shell) as WorkflowDef;
  return def;
}

export const FORKISH = FORK_TYPES;

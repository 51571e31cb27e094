/**
 * The run page's task table: one row per task of the shown loop iterations, and each dynamic
 * fork's branches as one stack row with its tallies that expands into a list paged by the server
 * (keyset by seq, 50 a page: executions/views_loops.py), so a 10,000-branch fork stays fast.
 * A long table renders only the rows in its scrolled view plus a margin (model/rowWindow.ts):
 * 1,000 rows of DOM cost the run page more style and layout time than everything else on it.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { RunTask } from "../api";
import { rowWindow } from "../model/rowWindow";
import { baseRef, type Tally } from "../model/runLoops";
import { STATUS_LABEL, statusClass } from "./Canvas";

const time = (ms?: number) => (ms ? new Date(ms).toLocaleTimeString(undefined, { hour12: false }) : "");
const took = (t: RunTask) => (t.startTime && t.endTime ? `${((t.endTime - t.startTime) / 1000).toFixed(2)} s` : "");
const COLS = 8;
const ROW_GUESS = 31; // px, until the first rendered row is measured

export interface ForkStack {
  ref: string;
  iteration: number;
  tally: Tally;
}

interface Props {
  tasks: RunTask[];
  stacks: Map<string, ForkStack>; // fork ref → its stack (tallies of the fork's shown iteration)
  expanded: string | null;
  onExpand: (ref: string | null) => void;
  branchesUrl?: string;
  openRef: string | null;
  onOpen: (ref: string) => void;
  onOpenBranch: (taskId: string) => void; // the drawer, with the branch's full task
  tick: number; // bumps when the run changes: an open page of branches re-reads
  loaded: boolean;
}

function Row({ t, on, onOpen, index }: { t: RunTask; on: boolean; onOpen: (ref: string) => void; index: number }) {
  const ref = baseRef(t.referenceTaskName);
  return (
    <tr className={on ? "on" : ""} aria-rowindex={index + 2} data-ref={t.referenceTaskName} data-status={t.status} onClick={() => onOpen(ref)}>
      <td className="muted">{String(t.seq ?? "")}</td>
      <td><button className="linkish" onClick={() => onOpen(ref)}>{t.referenceTaskName}</button></td>
      <td className="muted">{t.taskType}</td>
      <td><span className={"status-pill " + statusClass(t.status)}>{STATUS_LABEL[t.status] ?? t.status}</span></td>
      <td>{(t.retryCount ?? 0) + 1}</td>
      <td className="muted">{String(t.workerId ?? "")}</td>
      <td className="muted">{time(t.startTime)}</td>
      <td className="muted">{took(t)}</td>
    </tr>
  );
}

export function TallyPills({ tally }: { tally: Tally }) {
  return (
    <span className="stack-tally" data-testid="stack-tally">
      <span className="t-ok" data-tally="success">{tally.success} done</span>
      <span className="t-run" data-tally="pending">{tally.pending} pending</span>
      <span className="t-bad" data-tally="failed">{tally.failed} failed</span>
    </span>
  );
}

interface Page {
  branches: RunTask[];
  nextAfter: number | null;
  tally: Tally;
}

interface BranchesProps {
  stack: ForkStack;
  url: string;
  colSpan: number;
  tick: number;
  openRef: string | null;
  onOpen: (taskId: string) => void;
}

function Branches({ stack, url, colSpan, tick, openRef, onOpen }: BranchesProps) {
  const [cursors, setCursors] = useState<number[]>([0]); // the `after` of each page seen, for "previous"
  const [group, setGroup] = useState("");
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<string | null>(null);
  const after = cursors[cursors.length - 1];
  useEffect(() => {
    let live = true;
    const q = new URLSearchParams({ fork: stack.ref, iteration: String(stack.iteration), after: String(after) });
    if (group) q.set("group", group);
    fetch(`${url}?${q}`, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(async (r) => (r.ok ? r.json() : Promise.reject(new Error((await r.json()).error ?? r.status))))
      .then((p: Page) => live && (setPage(p), setError(null)), (e) => live && setError(String(e.message ?? e)));
    return () => {
      live = false;
    };
  }, [url, stack.ref, stack.iteration, after, group, tick]);
  const first = cursors.length === 1;
  const pageNo = cursors.length;
  return (
    <>
      <tr className="stack-tools">
        <td colSpan={colSpan}>
          <span className="small muted">Branches of <code>{stack.ref}</code> · page {pageNo}</span>
          <label className="small">
            {" "}show{" "}
            <select value={group} onChange={(e) => (setGroup(e.target.value), setCursors([0]))} data-testid="stack-group" aria-label="Which branches">
              <option value="">all</option>
              <option value="success">done</option>
              <option value="pending">pending</option>
              <option value="failed">failed</option>
            </select>
          </label>
          <button className="btn small" disabled={first} onClick={() => setCursors(cursors.slice(0, -1))} data-testid="stack-prev">‹ previous</button>
          <button className="btn small" disabled={page?.nextAfter == null} onClick={() => page?.nextAfter != null && setCursors([...cursors, page.nextAfter])} data-testid="stack-next">next ›</button>
        </td>
      </tr>
      {error && <tr><td colSpan={colSpan} className="banner error">{error}</td></tr>}
      {page?.branches.map((b) => (
        <tr key={b.taskId} className={"branch" + (openRef === b.referenceTaskName ? " on" : "")} data-branch={b.referenceTaskName} data-status={b.status} onClick={() => onOpen(b.taskId)}>
          <td className="muted">{String(b.seq ?? "")}</td>
          <td><button className="linkish" onClick={(e) => (e.stopPropagation(), onOpen(b.taskId))}>{b.referenceTaskName}</button>{b.reasonForIncompletion ? <div className="small" style={{ color: "var(--danger)" }}>{b.reasonForIncompletion}</div> : null}</td>
          <td className="muted">{b.taskType}</td>
          <td><span className={"status-pill " + statusClass(b.status)}>{STATUS_LABEL[b.status] ?? b.status}</span></td>
          <td>{(b.retryCount ?? 0) + 1}</td>
          <td className="muted">{String(b.workerId ?? "")}</td>
          <td className="muted">{time(b.startTime)}</td>
          <td className="muted">{took(b)}</td>
        </tr>
      ))}
      {page && !page.branches.length && <tr><td colSpan={colSpan} className="muted">No branches here.</td></tr>}
      {!page && !error && <tr><td colSpan={colSpan} className="muted">Loading…</td></tr>}
    </>
  );
}

/** The scrolling box's scrollTop and height, and the measured height of one row. */
function useScrollBox() {
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 360, row: ROW_GUESS });
  const frame = useRef(0);
  const measure = useCallback(() => {
    const el = box.current;
    if (!el) return;
    const tr = el.querySelector<HTMLElement>("tbody tr[data-ref]");
    const row = tr?.offsetHeight || ROW_GUESS;
    const head = el.querySelector<HTMLElement>("thead")?.offsetHeight ?? 0;
    const next = { top: Math.max(0, el.scrollTop - head), height: el.clientHeight || 360, row };
    setView((v) => (v.top === next.top && v.height === next.height && v.row === next.row ? v : next));
  }, []);
  const onScroll = useCallback(() => {
    if (frame.current) return; // one re-render per frame however fast the wheel turns
    frame.current = requestAnimationFrame(() => ((frame.current = 0), measure()));
  }, [measure]);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);
  return { box, view, measure, onScroll };
}

export function RunTasks({ tasks, stacks, expanded, onExpand, branchesUrl, openRef, onOpen, onOpenBranch, tick, loaded }: Props) {
  const { box, view, measure, onScroll } = useScrollBox();
  const rows: JSX.Element[] = [];
  for (const t of tasks) {
    rows.push(<Row key={t.taskId} t={t} index={rows.length} on={openRef === baseRef(t.referenceTaskName)} onOpen={onOpen} />);
    const stack = stacks.get(t.referenceTaskName);
    if (!stack) continue;
    const open = expanded === stack.ref;
    rows.push(
      <tr key={`${t.taskId}-stack`} aria-rowindex={rows.length + 2} className={"stack-row" + (open ? " open" : "")} data-stack={stack.ref} onClick={() => onExpand(open ? null : stack.ref)}>
        <td className="muted" aria-hidden>↳</td>
        <td colSpan={2}>
          <button className="linkish" aria-expanded={open} data-testid={`stack-toggle-${stack.ref}`}>{open ? "▾" : "▸"} {stack.tally.total} dynamic branch{stack.tally.total === 1 ? "" : "es"}</button>
        </td>
        <td colSpan={COLS - 3}><TallyPills tally={stack.tally} /></td>
      </tr>,
    );
    if (open && branchesUrl) rows.push(<Branches key={`${t.taskId}-branches`} stack={stack} url={branchesUrl} colSpan={COLS} tick={tick} openRef={openRef} onOpen={onOpenBranch} />);
  }
  // an open fork's page of branches has rows of its own height: the table is then rendered whole
  const win = rowWindow({ count: rows.length, scrollTop: view.top, viewHeight: view.height, rowHeight: view.row, threshold: expanded ? Infinity : 200 });
  const windowed = win.end - win.start < rows.length;
  // the real row height once rows exist (and when the box is resized with the window)
  useLayoutEffect(() => {
    if (windowed) measure();
  }, [windowed, loaded, measure]);
  useEffect(() => {
    if (!windowed) return;
    window.addEventListener("resize", measure);
    return () => window.removeEventListener("resize", measure);
  }, [windowed, measure]);
  return (
    <div className="run-table-wrap" ref={box} onScroll={windowed ? onScroll : undefined}>
      <table className="run-table" data-testid="task-table" data-count={tasks.length} aria-rowcount={rows.length + 1}>
        <thead>
          <tr aria-rowindex={1}><th>#</th><th>Task</th><th>Type</th><th>Status</th><th>Attempt</th><th>Worker</th><th>Started</th><th>Took</th></tr>
        </thead>
        <tbody>
          {win.padTop > 0 && <tr className="row-pad" aria-hidden><td colSpan={COLS} style={{ height: win.padTop }} /></tr>}
          {windowed ? rows.slice(win.start, win.end) : rows}
          {win.padBottom > 0 && <tr className="row-pad" aria-hidden><td colSpan={COLS} style={{ height: win.padBottom }} /></tr>}
          {!tasks.length && (
            <tr><td colSpan={COLS} className="muted">{loaded ? "No tasks yet." : "Loading…"}</td></tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

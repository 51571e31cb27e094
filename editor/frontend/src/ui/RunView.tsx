/** A run drawn by the editor's Canvas (read-only), its task table and the task drawer, kept live. */
import { useEffect, useMemo, useState } from "react";
import { api, type RunTask } from "../api";
import { refIndex } from "../model/paths";
import { forkRefsOf, loopsOf, loopViews, visibleTasks, withPick } from "../model/runLoops";
import type { WorkflowDef } from "../model/types";
import { store, useStore } from "../store";
import { Canvas, STATUS_LABEL, statusClass } from "./Canvas";
import { ActionsContext, type Actions } from "./context";
import { IterationPicker } from "./IterationPicker";
import { RunTasks, type ForkStack } from "./RunTasks";
import { Timeline } from "./Timeline";

export interface RunConfig {
  workflowId: string;
  definition: WorkflowDef;
  status: string;
  iterations?: Record<string, number>; // ?iter.<loop ref>=N, checked by the server
  runJson?: string; // the run without its dynamic forks' branches (executions/views_loops.py)
  branchesUrl?: string;
}

const baseRef = (ref: string) => ref.replace(/__\d+$/, "");
const noop = () => undefined;
const time = (ms?: number) => (ms ? new Date(ms).toLocaleTimeString(undefined, { hour12: false }) : "");

// A link to one task of a run (the workflow page's task grid) names it: /execution/<id>?task=<ref>.
const linkedTask = () => {
  const ref = new URLSearchParams(window.location.search).get("task");
  return ref ? baseRef(ref) : null;
};

export function RunView({ config }: { config: RunConfig }) {
  const [drawer, setDrawer] = useState<string | null>(linkedTask);
  const [branch, setBranch] = useState<RunTask | null>(null); // a fork's branch in the drawer (not in `tasks`)
  // The store (this page's only state) is loaded and the run stream opened by startRun
  // (runStart.ts) before the first render: run.tsx calls it.
  const run = useStore((s) => s.run);
  const def = useStore((s) => s.def);
  const paths = useMemo(() => refIndex(def), [def]);
  useEffect(() => {
    const ref = linkedTask();
    const p = ref ? paths.get(ref) : undefined;
    if (p) store.select(p, true);
    // only the page's first paint follows the link; later picks are the user's
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const [expanded, setExpanded] = useState<string | null>(null);
  const loops = useMemo(() => loopsOf(def), [def]);
  const forkRefs = useMemo(() => forkRefsOf(def), [def]);
  const all = run?.workflow?.tasks;
  const views = useMemo(() => loopViews(loops, all ?? [], run?.picks ?? {}), [loops, all, run?.picks]);
  const tasks = useMemo(() => visibleTasks(all ?? [], loops, views), [all, loops, views]);
  // each dynamic fork task shown gets its stack row, with the tally of its own iteration
  const stacks = useMemo(() => {
    const out = new Map<string, ForkStack>();
    for (const t of tasks) {
      const ref = baseRef(t.referenceTaskName);
      const tally = forkRefs.has(ref) ? run?.workflow?.forks?.[ref]?.[String(t.iteration ?? 0)] : undefined;
      if (tally) out.set(t.referenceTaskName, { ref, iteration: Number(t.iteration ?? 0), tally });
    }
    return out;
  }, [tasks, forkRefs, run?.workflow?.forks]);
  const branchCount = [...stacks.values()].reduce((n, s) => n + s.tally.total, 0);
  const pick = (loop: string, n: number | null) => {
    const r = store.get().run;
    if (!r) return;
    const picks = { ...(r.picks ?? {}) };
    if (n === null) delete picks[loop];
    else picks[loop] = n;
    store.set({ run: { ...r, picks } });
    // the choice lives in the URL (replace: picking is browsing one run, not leaving it)
    history.replaceState(history.state, "", location.pathname + withPick(location.search, loop, n) + location.hash);
  };

  const openBranch = (taskId: string) => {
    api.task(taskId).then((t) => (setBranch(t), setDrawer(t.referenceTaskName)), () => undefined);
  };
  const showStack = (ref: string) => {
    setExpanded(ref);
    requestAnimationFrame(() => document.querySelector(`tr[data-stack="${CSS.escape(ref)}"]`)?.scrollIntoView({ block: "nearest" }));
  };
  const open = (ref: string) => {
    setDrawer(ref);
    setBranch(null);
    if (forkRefs.has(ref)) setExpanded(ref); // the fork's stack opens on its branches
    const p = paths.get(ref);
    if (p) store.select(p, true);
  };
  const actions: Actions = {
    readOnly: true,
    openPalette: noop,
    select: (p) => store.select(p),
    addCase: noop,
    addBranch: noop,
    renameCase: noop,
    removeCase: noop,
    removeBranch: noop,
    // a dynamic fork's node is its stack: it opens the branch list (the drawer would cover the node)
    openRunTask: (ref) => (forkRefs.has(baseRef(ref)) ? showStack(baseRef(ref)) : open(baseRef(ref))),
  };
  return (
    <ActionsContext.Provider value={actions}>
      <div className="run-view" data-testid="run-view">
        <div className="run-view-bar">
          <span className={"status-pill " + statusClass(run?.status)} data-testid="run-status">{run?.status}</span>
          <span className={"live " + (run?.connected ? "on" : "off")} data-testid="run-live">{run?.connected ? "live" : "connecting…"}</span>
          <span className="muted small">{tasks.length} task{tasks.length === 1 ? "" : "s"}{branchCount ? ` + ${branchCount} dynamic branch${branchCount === 1 ? "" : "es"}` : ""}</span>
          {views.map((v) => <IterationPicker key={v.ref} view={v} onPick={(n) => pick(v.ref, n)} />)}
        </div>
        <div className="run-canvas">
          <Canvas problemsByPath={new Map()} matches={new Set()} />
        </div>
        {drawer && <TaskDrawer refName={drawer} tasks={branch ? [branch] : tasks.filter((t) => baseRef(t.referenceTaskName) === drawer)} lastEventId={run?.lastEventId ?? 0} onClose={() => (setDrawer(null), setBranch(null))} />}
        <RunTasks tasks={tasks} stacks={stacks} expanded={expanded} onExpand={setExpanded} branchesUrl={config.branchesUrl} openRef={drawer} onOpen={open} onOpenBranch={openBranch} tick={run?.lastEventId ?? 0} loaded={!!run?.workflow} />
        <Timeline tasks={tasks} onPick={open} />
      </div>
    </ActionsContext.Provider>
  );
}

function TaskDrawer({ refName, tasks, lastEventId, onClose }: { refName: string; tasks: RunTask[]; lastEventId: number; onClose: () => void }) {
  const [pick, setPick] = useState<string | null>(null);
  const t = tasks.find((x) => x.taskId === pick) ?? tasks[tasks.length - 1];
  const [logs, setLogs] = useState<{ log: string; createdTime: number }[]>([]);
  const taskId = t?.taskId;
  useEffect(() => {
    if (!taskId) return;
    let live = true;
    api.taskLogs(taskId).then((l) => live && setLogs(l), () => undefined);
    return () => {
      live = false;
    };
  }, [taskId, lastEventId]);
  return (
    <section className="task-drawer" aria-label={`Task ${refName}`} data-testid="task-drawer">
      <div className="drawer-head">
        <b>{refName}</b>
        {t && <span className={"status-pill " + statusClass(t.status)}>{STATUS_LABEL[t.status] ?? t.status}</span>}
        <span className="spacer" />
        <button className="btn small" onClick={onClose} aria-label="Close the task details">✕</button>
      </div>
      {!t ? (
        <p className="muted">{refName} has not run (yet).</p>
      ) : (
        <>
          {tasks.length > 1 && (
            <div className="attempts" role="tablist" aria-label="Attempts">
              {tasks.map((x) => (
                <button key={x.taskId} role="tab" aria-selected={x.taskId === t.taskId} className={"chip" + (x.taskId === t.taskId ? " on" : "")} onClick={() => setPick(x.taskId)}>
                  {x.iteration ? `iteration ${x.iteration} · ` : ""}attempt {(x.retryCount ?? 0) + 1} <span className={"status-dot " + statusClass(x.status)} />
                </button>
              ))}
            </div>
          )}
          {t.reasonForIncompletion && <div className="banner error" data-testid="task-reason">{t.reasonForIncompletion}</div>}
          <dl className="drawer-kv">
            <dt>Task id</dt><dd><code>{t.taskId}</code></dd>
            <dt>Type</dt><dd>{t.taskType}</dd>
            <dt>Worker</dt><dd>{String(t.workerId ?? "—")}</dd>
            <dt>Polls</dt><dd>{String(t.pollCount ?? 0)}</dd>
            <dt>Scheduled</dt><dd>{time(t.scheduledTime as number | undefined)}</dd>
            <dt>Started</dt><dd>{time(t.startTime)}</dd>
            <dt>Ended</dt><dd>{time(t.endTime)}</dd>
            {t.subWorkflowId && (<><dt>Child run</dt><dd><a href={`/executions/${encodeURIComponent(t.subWorkflowId)}`}>{t.subWorkflowId}</a></dd></>)}
          </dl>
          <div className="sub">Input</div>
          <pre className="json" data-testid="task-input">{JSON.stringify(t.inputData ?? {}, null, 2)}</pre>
          <div className="sub">Output</div>
          <pre className="json" data-testid="task-output">{JSON.stringify(t.outputData ?? {}, null, 2)}</pre>
          <div className="sub">Logs</div>
          {logs.length ? (
            <pre className="json" data-testid="task-logs">{logs.map((l) => `${time(l.createdTime)}  ${l.log}`).join("\n")}</pre>
          ) : (
            <p className="muted small">No log lines.</p>
          )}
        </>
      )}
    </section>
  );
}

/** A run drawn by the editor's Canvas (read-only), its task table and the task drawer, kept live. */
import { useEffect, useMemo, useState } from "react";
import { api, type RunTask } from "../api";
import { refIndex } from "../model/paths";
import type { WorkflowDef } from "../model/types";
import { store, useStore } from "../store";
import { Canvas, STATUS_LABEL, statusClass } from "./Canvas";
import { ActionsContext, type Actions } from "./context";
import { watchRun } from "./run";
import { Timeline } from "./Timeline";

export interface RunConfig {
  workflowId: string;
  definition: WorkflowDef;
  status: string;
}

const baseRef = (ref: string) => ref.replace(/__\d+$/, "");
const noop = () => undefined;
const time = (ms?: number) => (ms ? new Date(ms).toLocaleTimeString(undefined, { hour12: false }) : "");
const took = (t: RunTask) => (t.startTime && t.endTime ? `${((t.endTime - t.startTime) / 1000).toFixed(2)} s` : "");

// A link to one task of a run (the workflow page's task grid) names it: /execution/<id>?task=<ref>.
const linkedTask = () => {
  const ref = new URLSearchParams(window.location.search).get("task");
  return ref ? baseRef(ref) : null;
};

export function RunView({ config }: { config: RunConfig }) {
  const [drawer, setDrawer] = useState<string | null>(linkedTask);
  // Load once, before the first paint of the canvas: the store is this page's only state.
  useState(() => {
    store.load(config.definition, config.definition, []);
    store.set({ run: { workflowId: config.workflowId, status: config.status, byRef: {}, workflow: null, lastEventId: 0, connected: false } });
    return true;
  });
  useEffect(() => watchRun(config.workflowId, () => window.dispatchEvent(new CustomEvent("baton:run-event"))), [config.workflowId]);
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

  const open = (ref: string) => {
    setDrawer(ref);
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
    openRunTask: (ref) => setDrawer(baseRef(ref)),
  };
  const tasks = run?.workflow?.tasks ?? [];
  return (
    <ActionsContext.Provider value={actions}>
      <div className="run-view" data-testid="run-view">
        <div className="run-view-bar">
          <span className={"status-pill " + statusClass(run?.status)} data-testid="run-status">{run?.status}</span>
          <span className={"live " + (run?.connected ? "on" : "off")} data-testid="run-live">{run?.connected ? "live" : "connecting…"}</span>
          <span className="muted small">{tasks.length} task{tasks.length === 1 ? "" : "s"}</span>
        </div>
        <div className="run-canvas">
          <Canvas problemsByPath={new Map()} matches={new Set()} />
        </div>
        {drawer && <TaskDrawer refName={drawer} tasks={tasks.filter((t) => baseRef(t.referenceTaskName) === drawer)} lastEventId={run?.lastEventId ?? 0} onClose={() => setDrawer(null)} />}
        <div className="run-table-wrap">
          <table className="run-table" data-testid="task-table">
            <thead>
              <tr><th>#</th><th>Task</th><th>Type</th><th>Status</th><th>Attempt</th><th>Worker</th><th>Started</th><th>Took</th></tr>
            </thead>
            <tbody>
              {tasks.map((t) => (
                <tr key={t.taskId} className={drawer === baseRef(t.referenceTaskName) ? "on" : ""} data-ref={t.referenceTaskName} data-status={t.status} onClick={() => open(baseRef(t.referenceTaskName))}>
                  <td className="muted">{String(t.seq ?? "")}</td>
                  <td><button className="linkish" onClick={() => open(baseRef(t.referenceTaskName))}>{t.referenceTaskName}</button></td>
                  <td className="muted">{t.taskType}</td>
                  <td><span className={"status-pill " + statusClass(t.status)}>{STATUS_LABEL[t.status] ?? t.status}</span></td>
                  <td>{(t.retryCount ?? 0) + 1}</td>
                  <td className="muted">{String(t.workerId ?? "")}</td>
                  <td className="muted">{time(t.startTime)}</td>
                  <td className="muted">{took(t)}</td>
                </tr>
              ))}
              {!tasks.length && (
                <tr><td colSpan={8} className="muted">{run?.workflow ? "No tasks yet." : "Loading…"}</td></tr>
              )}
            </tbody>
          </table>
        </div>
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

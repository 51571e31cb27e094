import { useEffect, useState } from "react";
import { api } from "../api";
import type { WorkflowDef } from "../model/types";
import { store, type RunState } from "../store";
import { Modal } from "./common";
import { STATUS_LABEL, statusClass } from "./Canvas";

const TERMINAL = new Set(["COMPLETED", "FAILED", "TIMED_OUT", "TERMINATED"]);

export function RunDialog({ def, dirty, onClose, onStarted }: { def: WorkflowDef; dirty: boolean; onClose: () => void; onStarted: () => void }) {
  const key = `baton.runInput.${def.name}`;
  const initial = (() => {
    try {
      const saved = localStorage.getItem(key);
      if (saved) return saved;
    } catch {
      /* ignore */
    }
    const obj: Record<string, string> = {};
    for (const k of def.inputParameters ?? []) obj[k] = "";
    return JSON.stringify(obj, null, 2);
  })();
  const [text, setText] = useState(initial);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  let parseError = "";
  try {
    const v = JSON.parse(text || "{}");
    if (!v || typeof v !== "object" || Array.isArray(v)) parseError = "The input must be a JSON object.";
  } catch (e) {
    parseError = (e as Error).message;
  }
  const start = async () => {
    setBusy(true);
    setError("");
    try {
      const input = JSON.parse(text || "{}");
      try {
        localStorage.setItem(key, text);
      } catch {
        /* ignore */
      }
      const id = (await api.start(String(def.name), Number(def.version ?? 1), input)).trim().replace(/^"|"$/g, "");
      store.set({ run: { workflowId: id, status: "RUNNING", byRef: {}, workflow: null, lastEventId: 0, connected: false } });
      onStarted();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title={`Run ${def.name} v${def.version ?? 1}`}
      onClose={onClose}
      footer={
        <>
          <button className="btn ghost" onClick={onClose}>Cancel</button>
          <button className="btn primary" onClick={start} disabled={busy || dirty || !!parseError} data-testid="start-run">{busy ? "Starting…" : "Start"}</button>
        </>
      }
    >
      {dirty && <div className="banner warn">This version has unsaved changes. Save first: a run uses the stored definition.</div>}
      <label className="field">
        <span className="field-label">Input (JSON)</span>
        <textarea className="input mono" rows={10} value={text} onChange={(e) => setText(e.target.value)} aria-label="Run input" spellCheck={false} data-testid="run-input" />
      </label>
      {parseError && <div className="field-error">{parseError}</div>}
      {error && <div className="banner error">{error}</div>}
    </Modal>
  );
}

export function RunPanel({ run, selectedRef }: { run: RunState; selectedRef: string | null }) {
  const [detail, setDetail] = useState<string | null>(selectedRef);
  // A task picked on the diagram replaces the one picked in this panel (adjusted while rendering,
  // not in an effect, so the previous task's detail is never painted).
  const [followed, setFollowed] = useState(selectedRef);
  if (followed !== selectedRef) {
    setFollowed(selectedRef);
    setDetail(selectedRef);
  }
  useEffect(() => {
    // details need input/output: refresh the execution when a task is picked
    if (!detail) return;
    api.workflow(run.workflowId).then((wf) => {
      const cur = store.get().run;
      if (cur && cur.workflowId === run.workflowId) store.set({ run: { ...cur, workflow: wf } });
    }, () => undefined);
  }, [detail, run.workflowId]);
  const tasks = run.workflow?.tasks ?? [];
  const attempts = detail ? tasks.filter((t) => t.referenceTaskName.replace(/__\d+$/, "") === detail) : [];
  const t = attempts[attempts.length - 1];
  const terminal = TERMINAL.has(run.status);
  return (
    <div className="run-panel" data-testid="run-panel">
      <div className="run-head">
        <span className={"status-pill big " + statusClass(run.status)} data-testid="run-status">{run.status}</span>
        <span className={"live " + (run.connected ? "on" : terminal ? "done" : "off")}>{run.connected ? "live" : terminal ? "finished" : "reconnecting…"}</span>
      </div>
      <div className="kvline"><span>Execution</span><code className="sel" data-testid="run-id">{run.workflowId}</code></div>
      {run.workflow?.reasonForIncompletion && <div className="banner error">{run.workflow.reasonForIncompletion}</div>}
      {detail && t ? (
        <div className="task-detail">
          <div className="section-title">
            {detail} <span className={"status-pill " + statusClass(t.status)}>{STATUS_LABEL[t.status] ?? t.status}</span>
            {attempts.length > 1 && <span className="muted small"> · {attempts.length} runs (latest shown)</span>}
          </div>
          {t.reasonForIncompletion && <div className="banner error">{t.reasonForIncompletion}</div>}
          <div className="sub">Input</div>
          <pre className="json" data-testid="task-input">{JSON.stringify(t.inputData ?? {}, null, 2)}</pre>
          <div className="sub">Output</div>
          <pre className="json" data-testid="task-output">{JSON.stringify(t.outputData ?? {}, null, 2)}</pre>
        </div>
      ) : detail ? (
        <p className="muted">{detail} has not run (yet).</p>
      ) : (
        <p className="muted">Click a task on the diagram to see its input, output and error.</p>
      )}
      <div className="section-title">Tasks</div>
      <ul className="run-tasks">
        {tasks.map((x) => (
          <li key={x.taskId}>
            <button onClick={() => setDetail(x.referenceTaskName.replace(/__\d+$/, ""))}>
              <span className={"status-dot " + statusClass(x.status)} />
              <code>{x.referenceTaskName}</code>
              <span className="muted small">{x.taskType}</span>
              <span className="muted small right">{STATUS_LABEL[x.status] ?? x.status}</span>
            </button>
          </li>
        ))}
      </ul>
      {run.workflow && terminal && (
        <>
          <div className="sub">Workflow output</div>
          <pre className="json">{JSON.stringify(run.workflow.output ?? {}, null, 2)}</pre>
        </>
      )}
    </div>
  );
}

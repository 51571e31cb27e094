/** Live run state: a websocket on /ws/workflows/<id>/ (snapshot, then events), with a polling fallback. */
import { api, type RunWorkflow } from "../api";
import { store, type RunState } from "../store";

const TERMINAL = new Set(["COMPLETED", "FAILED", "TIMED_OUT", "TERMINATED"]);
const baseRef = (ref: string) => ref.replace(/__\d+$/, "");

function byRefFrom(wf: RunWorkflow): RunState["byRef"] {
  const out: RunState["byRef"] = {};
  for (const t of wf.tasks ?? []) {
    const ref = baseRef(t.referenceTaskName);
    const prev = out[ref];
    out[ref] = { status: t.status, count: (prev?.count ?? 0) + 1, reason: t.reasonForIncompletion };
  }
  return out;
}

// moments of the page's load, read by bench/run_page.mjs's profile (performance marks cost nothing)
const mark = (name: string) => performance.mark(name);

async function fetchCollapsed(url: string): Promise<RunWorkflow> {
  const r = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return (await r.json()) as RunWorkflow;
}

/**
 * `onEvent` (the run page's hook for its server-rendered parts) is called on each snapshot and event.
 * With `runJson` (the run page) the run comes collapsed: dynamic forks' branches as tallies, from
 * that URL and from the stream's `?collapse=forks` snapshot, so a huge fork stays cheap.
 */
export function watchRun(workflowId: string, onEvent?: () => void, runJson?: string): () => void {
  let closed = false;
  let ws: WebSocket | null = null;
  let lastEventId = 0;
  let retry = 0;
  let refetchTimer: number | undefined;
  let pollTimer: number | undefined;
  let partial: { wf: RunWorkflow; more: number } | null = null; // a snapshot still arriving in parts

  const patch = (p: Partial<RunState>) => {
    const run = store.get().run;
    if (!run || run.workflowId !== workflowId) return;
    store.set({ run: { ...run, ...p } });
  };

  const refetch = () => {
    if (refetchTimer) return;
    refetchTimer = window.setTimeout(async () => {
      refetchTimer = undefined;
      try {
        const wf = runJson ? await fetchCollapsed(runJson) : await api.workflow(workflowId);
        mark("baton:run-fetched");
        patch({ workflow: wf, status: wf.status, byRef: { ...store.get().run?.byRef, ...byRefFrom(wf) } });
      } catch {
        /* next event retries */
      }
    }, 400);
  };

  const connect = () => {
    if (closed) return;
    const proto = location.protocol === "https:" ? "wss" : "ws";
    const query = new URLSearchParams();
    if (runJson) query.set("collapse", "forks");
    if (lastEventId) query.set("after", String(lastEventId));
    const url = `${proto}://${location.host}/ws/workflows/${encodeURIComponent(workflowId)}/${query.toString() ? "?" + query.toString() : ""}`;
    mark("baton:run-socket");
    partial = null;
    ws = new WebSocket(url);
    ws.onopen = () => {
      retry = 0;
      patch({ connected: true });
    };
    ws.onmessage = (m) => {
      let msg: { type: string; [k: string]: unknown };
      try {
        msg = JSON.parse(m.data);
      } catch {
        return;
      }
      if (msg.type !== "snapshot-tasks") onEvent?.(); // the parts of one snapshot are one change
      if (msg.type === "snapshot") {
        mark("baton:run-snapshot");
        const wf = msg.workflow as RunWorkflow;
        lastEventId = Number(msg.lastEventId) || 0;
        // a large run's snapshot comes in parts (Daphne sends no message over 1 MiB): the
        // store takes it once whole, so the page draws the run once
        const more = Number(msg.moreTasks) || 0;
        if (wf && more > 0) partial = { wf: { ...wf, tasks: [...(wf.tasks ?? [])] }, more };
        else if (wf) patch({ workflow: wf, status: wf.status, byRef: byRefFrom(wf), lastEventId });
      } else if (msg.type === "snapshot-tasks") {
        if (!partial) return;
        const part = (msg.tasks ?? []) as NonNullable<RunWorkflow["tasks"]>;
        partial.wf.tasks!.push(...part);
        partial.more -= part.length;
        if (partial.more <= 0) {
          const wf = partial.wf;
          partial = null;
          mark("baton:run-snapshot-whole");
          patch({ workflow: wf, status: wf.status, byRef: byRefFrom(wf), lastEventId });
        }
      } else if (msg.type === "event") {
        lastEventId = Math.max(lastEventId, Number(msg.id) || 0);
        const p = (msg.payload ?? {}) as { status?: string; referenceTaskName?: string; reasonForIncompletion?: string };
        const run = store.get().run;
        if (!run) return;
        if (msg.kind === "task" && p.referenceTaskName && p.status) {
          const ref = baseRef(p.referenceTaskName);
          const prev = run.byRef[ref];
          patch({ byRef: { ...run.byRef, [ref]: { status: p.status, count: prev?.count ?? 1, reason: p.reasonForIncompletion } }, lastEventId });
        } else if (msg.kind === "workflow" && p.status) {
          patch({ status: p.status, lastEventId });
        }
        refetch();
      }
    };
    ws.onclose = () => {
      patch({ connected: false });
      if (closed) return;
      const st = store.get().run?.status;
      if (st && TERMINAL.has(st)) {
        // an ended run's stream closes after its last events: fetch the final tasks only if the
        // table has not already got them (a snapshot of an ended run has)
        if (!TERMINAL.has(store.get().run?.workflow?.status ?? "")) refetch();
        return;
      }
      retry++;
      window.setTimeout(connect, Math.min(5000, 300 * 2 ** retry));
    };
  };

  // polling fallback, slow: covers a websocket that cannot connect at all
  const poll = async () => {
    if (closed) return;
    const run = store.get().run;
    // no data yet (the socket never delivered a snapshot), or a live run without its socket
    if (run && (!run.workflow || (!run.connected && !TERMINAL.has(run.status)))) refetch();
    pollTimer = window.setTimeout(poll, 2500);
  };

  connect();
  // The socket's snapshot carries the whole run; fetching it as well would send and draw a
  // 1,000-task run twice. The poll steps in only if the socket has not connected by then.
  pollTimer = window.setTimeout(poll, 1500);
  return () => {
    closed = true;
    ws?.close();
    window.clearTimeout(refetchTimer);
    window.clearTimeout(pollTimer);
  };
}

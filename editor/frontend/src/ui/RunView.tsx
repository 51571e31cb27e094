/**
 * A run drawn by the editor's Canvas (read-only), its task table and timeline, kept live. A picked
 * task opens the page's one task drawer, server-rendered beside the diagram (static/baton/
 * rundrawer.js): the island asks for it with a `baton:open-task` event and drops its highlight on
 * `baton:task-closed`.
 */
import { useEffect, useMemo, useState } from "react";
import { api } from "../api";
import { refIndex } from "../model/paths";
import { forkRefsOf, loopsOf, loopViews, visibleTasks, withPick } from "../model/runLoops";
import type { WorkflowDef } from "../model/types";
import { store, useStore } from "../store";
import { Canvas, statusClass } from "./Canvas";
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
// The drawer is the page's (static/baton/rundrawer.js): `taskId` picks one attempt, or a fork's branch.
const openTask = (ref: string, taskId?: string) =>
  window.dispatchEvent(new CustomEvent("baton:open-task", { detail: { ref, taskId } }));

// A link to one task of a run (the workflow page's task grid) names it: /execution/<id>?task=<ref>.
const linkedTask = () => {
  const ref = new URLSearchParams(window.location.search).get("task");
  return ref ? baseRef(ref) : null;
};

export function RunView({ config }: { config: RunConfig }) {
  const [drawer, setDrawer] = useState<string | null>(linkedTask); // the ref whose drawer is open (highlighted)
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
  useEffect(() => {
    const closed = () => {
      setDrawer(null);
      store.select(null);
    };
    window.addEventListener("baton:task-closed", closed);
    return () => window.removeEventListener("baton:task-closed", closed);
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

  // a branch is not in `tasks` (the table pages them): its ref comes with its task
  const openBranch = (taskId: string) => {
    api.task(taskId).then((t) => (setDrawer(t.referenceTaskName), openTask(t.referenceTaskName, taskId)), () => undefined);
  };
  const showStack = (ref: string) => {
    setExpanded(ref);
    requestAnimationFrame(() => document.querySelector(`tr[data-stack="${CSS.escape(ref)}"]`)?.scrollIntoView({ block: "nearest" }));
  };
  const open = (ref: string) => {
    setDrawer(ref);
    openTask(ref);
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
    // a dynamic fork's node is its stack: it opens the branch list
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
        <RunTasks tasks={tasks} stacks={stacks} expanded={expanded} onExpand={setExpanded} branchesUrl={config.branchesUrl} openRef={drawer} onOpen={open} onOpenBranch={openBranch} tick={run?.lastEventId ?? 0} loaded={!!run?.workflow} />
        <Timeline tasks={tasks} onPick={open} />
      </div>
    </ActionsContext.Provider>
  );
}

import { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import {
  Background,
  BaseEdge,
  Controls,
  EdgeLabelRenderer,
  Handle,
  MiniMap,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Edge,
  type EdgeProps,
  type Node,
  type NodeChange,
  type NodeProps,
} from "@xyflow/react";
import { layout, type LEdge, type LNode } from "../model/layout";
import { baseRef, loopsOf, loopViews, shownByRef, visibleTasks } from "../model/runLoops";
import { blockRange, moveTask } from "../model/ops";
import { stableList } from "../model/stable";
import { getIn, isPrefix, pathKey, typeOf } from "../model/paths";
import { typeInfo } from "../model/catalog";
import type { Path, WorkflowDef } from "../model/types";
import { store, useStore } from "../store";
import { useActions } from "./context";
import { editorUrl } from "./router";

export const STATUS_LABEL: Record<string, string> = {
  SCHEDULED: "scheduled",
  IN_PROGRESS: "running",
  COMPLETED: "completed",
  COMPLETED_WITH_ERRORS: "completed with errors",
  FAILED: "failed",
  FAILED_WITH_TERMINAL_ERROR: "failed",
  TIMED_OUT: "timed out",
  CANCELED: "canceled",
  SKIPPED: "skipped",
};
export const statusClass = (s?: string) => (s ? "st-" + s.toLowerCase() : "");

type TaskData = {
  l: LNode;
  status?: string;
  count?: number;
  problems: number;
  selected: boolean;
  match: boolean;
  tally?: Record<string, number>;
};

const TaskNode = memo(function TaskNode({ data }: NodeProps<Node<TaskData>>) {
  const a = useActions();
  const { l, status, problems, selected, match, count, tally } = data;
  const task = l.task!;
  const type = typeOf(task);
  const info = typeInfo(type);
  const ref = String(task.taskReferenceName ?? "");
  const name = String(task.name ?? "");
  const child = type === "SUB_WORKFLOW" ? task.subWorkflowParam?.name : undefined;
  const cls = ["node", "task-node", "role-" + (l.role ?? "plain"), "grp-" + info.group.toLowerCase(), statusClass(status), selected ? "selected" : "", problems ? "has-error" : "", match ? "match" : "", l.missingJoin ? "missing-join" : ""];
  return (
    <div className={cls.join(" ")} data-ref={ref} data-type={type} data-status={status ?? ""} title={`${name} (${ref}) · ${info.label}`}>
      <Handle type="target" position={Position.Top} isConnectable={false} className="h" />
      <span className="node-icon" aria-hidden>{info.icon}</span>
      <div className="node-text">
        <div className="node-name">{name || <em>unnamed</em>}</div>
        <div className="node-ref">{ref || "no ref"}</div>
      </div>
      <span className="node-type">{type}</span>
      {status && (
        <span className={"status-pill " + statusClass(status)}>
          {STATUS_LABEL[status] ?? status.toLowerCase()}
          {count && count > 1 ? ` ×${count}` : ""}
        </span>
      )}
      {tally && (
        <span className="tally" title="dynamic tasks: completed / running / failed">
          <b className="t-ok">{tally.ok ?? 0}</b>/<b className="t-run">{tally.run ?? 0}</b>/<b className="t-bad">{tally.bad ?? 0}</b>
        </span>
      )}
      {problems > 0 && <span className="err-badge" title={`${problems} problem${problems > 1 ? "s" : ""}`}>{problems}</span>}
      {l.missingJoin && <span className="warn-note">needs a JOIN</span>}
      {!a.readOnly && l.role === "switch" && (
        <button className="node-add nodrag" onClick={(e) => (e.stopPropagation(), a.addCase(l.path!))} title="Add a case">+ case</button>
      )}
      {!a.readOnly && l.role === "fork" && (
        <button className="node-add nodrag" onClick={(e) => (e.stopPropagation(), a.addBranch(l.path!))} title="Add a branch">+ branch</button>
      )}
      {child && (
        <a className="node-open nodrag" href={editorUrl(String(child), task.subWorkflowParam?.version)} target="_blank" rel="noreferrer" onClick={(e) => e.stopPropagation()} title={`Open ${child}`}>
          open ↗
        </a>
      )}
      <Handle type="source" position={Position.Bottom} isConnectable={false} className="h" />
    </div>
  );
});

const LoopFrame = memo(function LoopFrame({ data }: NodeProps<Node<{ l: LNode; iteration?: number; latest?: number; selected: boolean }>>) {
  const { l, iteration, latest } = data;
  return (
    <div className={"loop-frame" + (data.selected ? " selected" : "")}>
      <div className="loop-label">
        ↻ {String(l.task?.name ?? "loop")}
        {l.task?.items ? " · for each" : ""}
        {iteration ? <span className="iter" data-testid="loop-iteration"> · iteration {iteration}{latest && latest !== iteration ? ` of ${latest}` : ""}</span> : null}
      </div>
      <Handle type="target" position={Position.Top} isConnectable={false} className="h" />
      <Handle type="source" position={Position.Bottom} isConnectable={false} className="h" />
    </div>
  );
});

const Dot = memo(function Dot({ data }: NodeProps<Node<{ l: LNode }>>) {
  return (
    <div className={"dot" + (data.l.missingJoin ? " missing" : "")} title={data.l.missingJoin ? "This fork needs a JOIN right after it" : undefined}>
      <Handle type="target" position={Position.Top} isConnectable={false} className="h" />
      <Handle type="source" position={Position.Bottom} isConnectable={false} className="h" />
      <Handle type="target" id="l" position={Position.Left} isConnectable={false} className="h" />
    </div>
  );
});

const Terminal = memo(function Terminal({ data }: NodeProps<Node<{ l: LNode; status?: string }>>) {
  const start = data.l.kind === "start";
  return (
    <div className={"terminal " + (start ? "start" : "end") + " " + statusClass(data.status)}>
      {!start && <Handle type="target" position={Position.Top} isConnectable={false} className="h" />}
      {start ? "Start" : "End"}
      {start && <Handle type="source" position={Position.Bottom} isConnectable={false} className="h" />}
    </div>
  );
});

const nodeTypes = { task: TaskNode, loopFrame: LoopFrame, merge: Dot, loopEnd: Dot, start: Terminal, end: Terminal };

function rounded(points: { x: number; y: number }[], r = 10): string {
  if (points.length < 2) return "";
  let d = `M ${points[0].x} ${points[0].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i - 1];
    const c = points[i];
    const n = points[i + 1];
    const d1 = Math.hypot(c.x - p.x, c.y - p.y);
    const d2 = Math.hypot(n.x - c.x, n.y - c.y);
    const rr = Math.min(r, d1 / 2, d2 / 2);
    if (rr < 0.5) {
      d += ` L ${c.x} ${c.y}`;
      continue;
    }
    const a = { x: c.x + ((p.x - c.x) / d1) * rr, y: c.y + ((p.y - c.y) / d1) * rr };
    const b = { x: c.x + ((n.x - c.x) / d2) * rr, y: c.y + ((n.y - c.y) / d2) * rr };
    d += ` L ${a.x} ${a.y} Q ${c.x} ${c.y} ${b.x} ${b.y}`;
  }
  const last = points[points.length - 1];
  return d + ` L ${last.x} ${last.y}`;
}

type EdgeData = { e: LEdge; drop: boolean; done: boolean };

const FlowEdge = memo(function FlowEdge({ id, data }: EdgeProps<Edge<EdgeData>>) {
  const a = useActions();
  const { e, drop, done } = data!;
  const path = rounded(e.points);
  const removable = !a.readOnly && e.caseOf && e.caseOf.kind !== "default";
  return (
    <>
      <BaseEdge id={id} path={path} className={`flow-edge kind-${e.kind}${done ? " done" : ""}`} markerEnd={e.kind === "loop" ? undefined : "url(#baton-arrow)"} />
      <EdgeLabelRenderer>
        {e.label && e.labelAt && (
          <div
            className={`edge-label nodrag nopan kind-${e.kind}` + (e.caseOf ? " case" : "")}
            style={{ transform: `translate(-50%, -50%) translate(${e.labelAt.x}px, ${e.labelAt.y}px)` }}
            data-case={e.caseOf?.key}
          >
            {e.caseOf && e.caseOf.kind === "case" && !a.readOnly ? (
              <button className="case-name" title="Rename this case" onClick={() => a.renameCase(e.caseOf!.switchPath, e.caseOf!.key)}>{e.label}</button>
            ) : (
              <span>{e.label}</span>
            )}
            {removable && (
              <button
                className="case-x"
                title={e.caseOf!.kind === "branch" ? "Remove this branch" : "Remove this case"}
                aria-label={e.caseOf!.kind === "branch" ? `Remove ${e.label}` : `Remove case ${e.label}`}
                onClick={() => (e.caseOf!.kind === "branch" ? a.removeBranch(e.caseOf!.switchPath, e.caseOf!.index!) : a.removeCase(e.caseOf!.switchPath, e.caseOf!.key))}
              >
                ✕
              </button>
            )}
          </div>
        )}
        {e.insert && e.plus && !a.readOnly && (
          <button
            className={"plus nodrag nopan" + (drop ? " drop" : "")}
            style={{ transform: `translate(-50%, -50%) translate(${e.plus.x}px, ${e.plus.y}px)` }}
            title="Add a task here"
            aria-label="Add a task here"
            data-insert={pathKey(e.insert.list) + "@" + e.insert.index}
            onClick={(ev) => {
              const r = (ev.currentTarget as HTMLElement).getBoundingClientRect();
              a.openPalette(e.insert!, { x: r.right + 8, y: r.top - 8 });
            }}
          >
            +
          </button>
        )}
      </EdgeLabelRenderer>
    </>
  );
});

const edgeTypes = { flow: FlowEdge };

export interface CanvasProps {
  problemsByPath: Map<string, number>;
  matches: Set<string>;
}

function CanvasInner({ problemsByPath, matches }: CanvasProps) {
  const def = useStore((s) => s.def);
  const selected = useStore((s) => s.selected);
  const focusTick = useStore((s) => s.focusTick);
  const run = useStore((s) => s.run);
  const a = useActions();
  const rf = useReactFlow();
  const wrap = useRef<HTMLDivElement>(null);
  const l = useMemo(() => layout(def), [def]);
  const [drag, setDrag] = useState<{ id: string; x: number; y: number } | null>(null);
  const selKey = selected ? pathKey(selected) : null;

  // where a dragged task would land: the nearest '+' to the top-centre of the dragged card
  const dropTarget = useMemo(() => {
    if (!drag) return null;
    const n = l.nodes.find((x) => x.id === drag.id);
    if (!n?.path) return null;
    const px = drag.x + n.w / 2;
    const py = drag.y;
    let best: LEdge | null = null;
    let bestD = 90;
    const from = n.path;
    const list = from.slice(0, -1);
    const items = getIn(def, list) as unknown[];
    const [s, e] = blockRange(items as never, from[from.length - 1] as number);
    for (const edge of l.edges) {
      if (!edge.insert || !edge.plus) continue;
      if (isPrefix(from, edge.insert.list)) continue; // into itself
      const sameList = pathKey(edge.insert.list) === pathKey(list);
      if (sameList && edge.insert.index >= s && edge.insert.index <= e) continue;
      const d = Math.hypot(edge.plus.x - px, edge.plus.y - py);
      if (d < bestD) {
        bestD = d;
        best = edge;
      }
    }
    return best;
  }, [drag, l, def]);

  // A run's loops show one iteration each (the latest, or the one picked on the run page).
  const loops = useMemo(() => loopsOf(def), [def]);
  const views = useMemo(() => loopViews(loops, run?.workflow?.tasks ?? [], run?.picks ?? {}), [loops, run]);
  const shown = useMemo(() => (run ? shownByRef(run.byRef, run.workflow?.tasks ?? [], loops, views) : {}), [run, loops, views]);
  const shownTasks = useMemo(() => visibleTasks(run?.workflow?.tasks ?? [], loops, views), [run, loops, views]);

  const nodes = useMemo<Node[]>(() => {
    const byRef = shown;
    const iterOf = (ref: string) => views.find((v) => v.ref === ref);
    return l.nodes.map((n) => {
      const base = { id: n.id, type: n.kind, position: { x: n.x, y: n.y }, width: n.w, height: n.h, draggable: false, selectable: false, connectable: false } as Node;
      if (drag && drag.id === n.id) base.position = { x: drag.x, y: drag.y };
      if (n.kind === "task") {
        const ref = String(n.task?.taskReferenceName ?? "");
        const st = byRef[ref];
        let tally: Record<string, number> | undefined;
        // a fork inside a loop: the tally of the shown iteration's fork
        const fork = n.role === "dynfork" ? shownTasks.filter((t) => baseRef(t.referenceTaskName) === ref).pop() : undefined;
        const counted = fork && run?.workflow?.forks?.[ref]?.[String(fork.iteration ?? 0)];
        if (counted) {
          tally = { ok: counted.success, run: counted.pending, bad: counted.failed }; // by the server's GROUP BY
        } else if (n.role === "dynfork" && run?.workflow?.tasks) {
          const forked = (fork?.inputData?.forkedTasks as string[] | undefined) ?? [];
          if (forked.length) {
            tally = { ok: 0, run: 0, bad: 0 };
            for (const t of run.workflow.tasks) {
              if (!forked.includes(t.referenceTaskName)) continue;
              if (t.status.startsWith("COMPLETED")) tally.ok++;
              else if (["FAILED", "FAILED_WITH_TERMINAL_ERROR", "TIMED_OUT", "CANCELED"].includes(t.status)) tally.bad++;
              else tally.run++;
            }
          }
        }
        const draggable = !a.readOnly && n.role !== "join" && !n.missingJoin;
        return {
          ...base,
          draggable,
          className: "rf-task",
          zIndex: 2,
          data: { l: n, status: st?.status, count: st?.count, problems: problemsByPath.get(pathKey(n.path!)) ?? 0, selected: selKey === pathKey(n.path!), match: matches.has(pathKey(n.path!)), tally } satisfies TaskData,
        };
      }
      if (n.kind === "loopFrame") {
        const v = run ? iterOf(String(n.task?.taskReferenceName)) : undefined;
        return { ...base, zIndex: 0, data: { l: n, iteration: v?.shown, latest: v?.latest, selected: selKey === pathKey(n.path!) } };
      }
      if (n.kind === "start" || n.kind === "end") return { ...base, zIndex: 1, data: { l: n, status: n.kind === "end" ? run?.status : run ? "COMPLETED" : undefined } };
      return { ...base, zIndex: 1, data: { l: n } };
    });
  }, [l, run, shown, shownTasks, views, problemsByPath, matches, selKey, drag, a.readOnly]);

  const edges = useMemo<Edge[]>(() => {
    const byRef = shown;
    const doneIds = new Set<string>();
    const selectedCase = new Map<string, string>(); // switch node id -> case taken
    if (run) {
      const okRef = (t?: { taskReferenceName?: string }) => !!t && (byRef[String(t.taskReferenceName)]?.status ?? "").startsWith("COMPLETED");
      for (const n of l.nodes) {
        if (n.kind === "task" && okRef(n.task)) doneIds.add(n.id);
        if (n.kind !== "task" && n.path && okRef(getIn(def, n.path))) doneIds.add(n.id); // merge, loop end, frame
        if (n.role === "switch" && n.task) {
          const t = run.workflow?.tasks?.filter((x) => x.referenceTaskName === n.task!.taskReferenceName).pop();
          const out = (t?.outputData ?? {}) as { selectedCase?: unknown; evaluationResult?: unknown[]; caseOutput?: unknown[] };
          const chosen = out.selectedCase ?? out.evaluationResult?.[0] ?? out.caseOutput?.[0];
          if (chosen !== undefined) selectedCase.set(n.id, String(chosen) in (n.task.decisionCases ?? {}) ? String(chosen) : "");
        }
      }
      doneIds.add("start");
      if (run.status === "COMPLETED") doneIds.add("end");
    }
    return l.edges.map((e) => {
      let done = doneIds.has(e.source) && doneIds.has(e.target);
      if (done && e.caseOf && e.caseOf.kind !== "branch" && selectedCase.has(e.source)) {
        done = (e.caseOf.kind === "default" ? "" : e.caseOf.key) === selectedCase.get(e.source);
      }
      return {
        id: e.id,
        source: e.source,
        target: e.target,
        type: "flow",
        zIndex: 0, // below the edge labels and '+' buttons
        selectable: false,
        focusable: false,
        data: { e, drop: dropTarget?.id === e.id, done } satisfies EdgeData,
      };
    });
  }, [l, dropTarget, run, shown, def]);

  // unchanged nodes and edges keep their objects: a status event re-renders only what it touched
  const [keepNodes] = useState(stableList<Node>);
  const [keepEdges] = useState(stableList<Edge>);
  const stableNodes = useMemo(() => keepNodes(nodes), [keepNodes, nodes]);
  const stableEdges = useMemo(() => keepEdges(edges), [keepEdges, edges]);

  const onNodesChange = useCallback((changes: NodeChange[]) => {
    for (const c of changes) if (c.type === "position" && c.position && c.dragging) setDrag({ id: c.id, x: c.position.x, y: c.position.y });
  }, []);

  const onNodeDragStop = useCallback(() => {
    const n = drag && l.nodes.find((x) => x.id === drag.id);
    if (n?.path && dropTarget?.insert) {
      const next = moveTask(def, n.path, dropTarget.insert.list, dropTarget.insert.index);
      if (next !== def) store.commit(next);
    }
    setDrag(null);
  }, [drag, dropTarget, def, l]);

  // for the "opens and lays out in under a second" check
  useEffect(() => {
    performance.mark("baton:canvas");
  }, []);

  // first view: top of the workflow, zoomed to fit the width (a tall workflow stays readable)
  const did = useRef(false);
  useEffect(() => {
    if (did.current || !wrap.current) return;
    did.current = true;
    const w = wrap.current.clientWidth || 800;
    const h = wrap.current.clientHeight || 600;
    // fit the whole diagram when that stays readable, else fit the width and start at the top
    const fitAll = Math.min((w - 80) / l.width, (h - 48) / l.height);
    const zoom = Math.min(1, fitAll >= 0.6 ? fitAll : Math.max(0.5, Math.min(1, (w - 80) / l.width)));
    rf.setViewport({ x: (w - l.width * zoom) / 2, y: 24, zoom });
  }, [rf, l]);

  // centre the selection when asked (search, problems list, outline)
  useEffect(() => {
    if (!focusTick || !selected) return;
    const n = l.nodes.find((x) => x.kind === "task" && x.path && pathKey(x.path) === pathKey(selected));
    if (n) rf.setCenter(n.x + n.w / 2, n.y + n.h / 2, { zoom: Math.max(rf.getZoom(), 0.9), duration: 300 });
  }, [focusTick]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div className="canvas" ref={wrap} data-testid="canvas">
      <svg width="0" height="0" style={{ position: "absolute" }} aria-hidden>
        <defs>
          <marker id="baton-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="arrow-head" />
          </marker>
        </defs>
      </svg>
      <ReactFlow
        nodes={stableNodes}
        edges={stableEdges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onNodeDragStop={onNodeDragStop}
        onNodeClick={(_, node) => {
          const n = (node.data as { l: LNode }).l;
          if (n.path && (n.kind === "task" || n.kind === "loopFrame")) {
            a.select(n.path as Path);
            if (run && n.task?.taskReferenceName) a.openRunTask(String(n.task.taskReferenceName));
          }
        }}
        onPaneClick={() => a.select(null)}
        nodesConnectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        elementsSelectable={false}
        minZoom={0.1}
        maxZoom={2}
        onlyRenderVisibleElements={l.nodes.length > 150}
        proOptions={{ hideAttribution: true }}
        deleteKeyCode={null}
        selectionKeyCode={null}
        multiSelectionKeyCode={null}
        zoomOnDoubleClick={false}
      >
        <Background gap={20} size={1} className="bg" />
        <Controls showInteractive={false} position="bottom-left" />
        <MiniMap
          pannable
          zoomable
          position="bottom-right"
          className="minimap"
          nodeClassName={(n) => {
            const d = n.data as TaskData;
            if (n.type !== "task") return "mm-other";
            return "mm-task " + (d.status ? statusClass(d.status) : "") + (d.selected ? " mm-sel" : "") + (d.problems ? " mm-err" : "");
          }}
        />
      </ReactFlow>
    </div>
  );
}

export function Canvas(props: CanvasProps) {
  return (
    <ReactFlowProvider>
      <CanvasInner {...props} />
    </ReactFlowProvider>
  );
}

export function nodeLabel(def: WorkflowDef, path: Path): string {
  const t = getIn(def, path);
  return t ? `${t.name ?? ""} (${t.taskReferenceName ?? ""})` : "";
}

import { Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, isWarning, problemsOf, stripServerFields, type Problem, type TaskDef } from "../api";
import { createTasks } from "../model/catalog";
import { diffDefinitions } from "../model/diff";
import type { SchemaDef } from "../model/schemas";
import { addBranch, addCase, blockAt, deleteTask, duplicateTask, pasteTasks, removeBranch, removeCase, renameCase, usedRefs, insertTasks, canInsertAt } from "../model/ops";
import { allTasks, getIn, parseJsonPath, pathKey, refIndex, taskPathOf, typeOf } from "../model/paths";
import type { InsertPoint, Path, Task, WorkflowDef } from "../model/types";
import { emptyDefinition, pretty, store, useStore } from "../store";
import { Canvas } from "./Canvas";
import { ActionsContext, type Actions } from "./context";
import { Modal, TopBar, downloadJson, linkClick } from "./common";
import { Inspector } from "./Inspector";
import { Outline } from "./Outline";
import { Palette, type PaletteChoice } from "./Palette";
import { RunDialog, RunPanel } from "./RunPanel";
import { editorUrl, navigate, type Route } from "./router";
import type { Theme } from "./theme";
import { watchRun } from "./run";

const JsonView = lazy(() => import("./JsonView"));
const DiffView = lazy(() => import("./DiffView"));

type Tab = "inspector" | "json" | "problems" | "run";
let internalClipboard = "";

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function tasksFromClipboard(text: string): Task[] | null {
  try {
    const v = JSON.parse(text);
    if (Array.isArray(v) && v.every((t) => t && typeof t === "object" && !Array.isArray(t))) return v;
    if (v && typeof v === "object" && Array.isArray(v.tasks)) return v.tasks;
    if (v && typeof v === "object" && (v.taskReferenceName || v.type)) return [v];
  } catch {
    /* not JSON */
  }
  return null;
}

export function EditorPage({ route, theme, toggleTheme }: { route: Route; theme: Theme; toggleTheme: () => void }) {
  const def = useStore((s) => s.def);
  const saved = useStore((s) => s.saved);
  const versions = useStore((s) => s.versions);
  const selected = useStore((s) => s.selected);
  const problems = useStore((s) => s.problems);
  const errorCount = problems.filter((p) => !isWarning(p)).length;
  const validating = useStore((s) => s.validating);
  const run = useStore((s) => s.run);
  const canUndo = useStore((s) => s.past.length > 0);
  const canRedo = useStore((s) => s.future.length > 0);
  const jsonError = useStore((s) => s.jsonError);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState("");
  const [notice, setNotice] = useState("");
  const [tab, setTab] = useState<Tab>("inspector");
  const [view, setView] = useState<"diagram" | "outline">("diagram");
  const [palette, setPalette] = useState<{ insert: InsertPoint; anchor: { x: number; y: number } } | null>(null);
  const [taskDefs, setTaskDefs] = useState<TaskDef[]>([]);
  const [schemas, setSchemas] = useState<SchemaDef[]>([]);
  const [workflowNames, setWorkflowNames] = useState<string[]>([]);
  const [dialog, setDialog] = useState<null | "save" | "compare" | "run" | "shortcuts" | { rename: { path: Path; key: string } }>(null);
  const [runTask, setRunTask] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const searchRef = useRef<HTMLInputElement>(null);
  const dirty = !saved || !same(stripServerFields(saved), def);

  // --- load ---------------------------------------------------------------------------------
  const loadedRef = useRef<string>("");
  useEffect(() => {
    const want = `${route.name}@${route.version ?? ""}`;
    const st = store.get();
    if (loadedRef.current && st.saved && st.def.name === route.name && st.saved.version === route.version) return; // we navigated after a save
    loadedRef.current = want;
    let cancelled = false;
    const draft = (route.state as { draft?: WorkflowDef; imported?: string } | null)?.draft;
    const imported = (route.state as { imported?: string } | null)?.imported;
    setLoading(true);
    (async () => {
      const all = await api.namesAndVersions().catch(() => ({}) as Record<string, { version: number }[]>);
      if (cancelled) return;
      setWorkflowNames(Object.keys(all).sort());
      const vs = (all[route.name!] ?? []).map((v) => v.version).sort((a, b) => a - b);
      let server: WorkflowDef | null = null;
      if (vs.length) {
        try {
          server = stripServerFields(await api.getDefinition(route.name!, route.version ?? (draft ? undefined : undefined)));
        } catch (e) {
          if (!draft) setLoadError((e as Error).message);
        }
      }
      if (cancelled) return;
      if (draft) {
        store.load(draft, server, vs);
        if (imported) setNotice(`Imported ${imported}. Save to store it${server ? ` (the server has versions ${vs.join(", ")})` : ""}.`);
      } else if (server) store.load(server, server, vs);
      else store.load(emptyDefinition(route.name!), null, vs);
      performance.mark("baton:definition");
      setLoading(false);
    })();
    api.taskDefs().then((d) => !cancelled && setTaskDefs(d), () => undefined);
    api.schemas().then((d) => !cancelled && setSchemas(d), () => undefined);
    return () => {
      cancelled = true;
    };
  }, [route.name, route.version]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    document.title = `${def.name ?? "workflow"}${dirty ? " •" : ""} · Baton editor`;
  }, [def.name, dirty]);

  // --- server validation, debounced ------------------------------------------------------------
  useEffect(() => {
    if (loading) return;
    store.set({ validating: true });
    const t = window.setTimeout(async () => {
      try {
        const res = await api.validate(def);
        if (store.get().def === def) store.set({ problems: res.warnings ?? [], validating: false });
      } catch (e) {
        const p = problemsOf(e) ?? [{ message: (e as Error).message }];
        if (store.get().def === def) store.set({ problems: p, validating: false });
      }
    }, 450);
    return () => window.clearTimeout(t);
  }, [def, loading]);

  const problemPath = useCallback(
    (p: Problem): Path | null => {
      if (p.ref) {
        const hit = refIndex(def).get(p.ref);
        if (hit) return hit;
      }
      return p.path ? taskPathOf(def, parseJsonPath(p.path)) : null;
    },
    [def],
  );
  const problemsByPath = useMemo(() => {
    const m = new Map<string, number>();
    for (const p of problems) {
      if (isWarning(p)) continue; // the node's own look shows a missing JOIN; badges are for errors
      const path = problemPath(p);
      if (path) m.set(pathKey(path), (m.get(pathKey(path)) ?? 0) + 1);
    }
    return m;
  }, [problems, problemPath]);

  // --- search ------------------------------------------------------------------------------------
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    return allTasks(def).filter((v) => `${v.task.name ?? ""} ${v.task.taskReferenceName ?? ""} ${typeOf(v.task)}`.toLowerCase().includes(q));
  }, [def, query]);
  const matchSet = useMemo(() => new Set(matches.map((m) => pathKey(m.path))), [matches]);

  // --- run -------------------------------------------------------------------------------------
  useEffect(() => {
    if (!run?.workflowId) return;
    return watchRun(run.workflowId);
  }, [run?.workflowId]);

  // --- actions -----------------------------------------------------------------------------------
  const commit = (next: WorkflowDef, select?: Path | null) => store.commit(next, select !== undefined ? { select } : {});
  const afterSelected = (): InsertPoint => {
    const s = store.get();
    if (s.selected && getIn(s.def, s.selected)) {
      const list = s.selected.slice(0, -1);
      const items = getIn(s.def, list) as Task[];
      let i = (s.selected[s.selected.length - 1] as number) + 1;
      if (!canInsertAt(s.def, list, i)) i++;
      return { list, index: Math.min(i, items.length) };
    }
    return { list: ["tasks"], index: s.def.tasks.length };
  };

  const insertAt = (ins: InsertPoint, tasks: Task[]) => {
    const d = store.get().def;
    const next = insertTasks(d, ins.list, ins.index, tasks);
    commit(next, [...ins.list, ins.index]);
    store.select([...ins.list, ins.index], true); // bring the new task into view
  };

  const pick = async (c: PaletteChoice) => {
    if (!palette) return;
    const ins = palette.insert;
    setPalette(null);
    if (c.paste) {
      await doPaste(ins);
      return;
    }
    insertAt(ins, createTasks(c.type, usedRefs(store.get().def), c.taskDef));
    setTab("inspector");
  };

  const copy = async (cut = false) => {
    const s = store.get();
    if (!s.selected) return;
    const block = blockAt(s.def, s.selected);
    const text = JSON.stringify(block.length === 1 ? block[0] : block, null, 2);
    internalClipboard = text;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      /* the internal clipboard still works */
    }
    setNotice(`${cut ? "Cut" : "Copied"} ${block.length} task${block.length > 1 ? "s" : ""} as JSON.`);
    if (cut) commit(deleteTask(s.def, s.selected), null);
  };

  const doPaste = async (ins?: InsertPoint) => {
    let text = "";
    try {
      text = await navigator.clipboard.readText();
    } catch {
      /* permission denied */
    }
    const tasks = tasksFromClipboard(text) ?? tasksFromClipboard(internalClipboard);
    if (!tasks) {
      setNotice("The clipboard holds no task JSON.");
      return;
    }
    const at = ins ?? afterSelected();
    commit(pasteTasks(store.get().def, at.list, at.index, tasks), [...at.list, at.index]);
  };

  const removeSelected = () => {
    const s = store.get();
    if (s.selected) commit(deleteTask(s.def, s.selected), null);
  };

  const actions: Actions = {
    readOnly: !!run,
    openPalette: (insert, anchor) => setPalette({ insert, anchor }),
    select: (path) => {
      store.select(path);
      if (path && !run) setTab("inspector");
    },
    addCase: (p) => commit(addCase(store.get().def, p)),
    addBranch: (p) => commit(addBranch(store.get().def, p)),
    renameCase: (p, key) => setDialog({ rename: { path: p, key } }),
    removeCase: (p, key) => commit(removeCase(store.get().def, p, key)),
    removeBranch: (p, i) => commit(removeBranch(store.get().def, p, i)),
    openRunTask: (ref) => {
      setRunTask(ref);
      setTab("run");
    },
  };

  // --- keyboard ------------------------------------------------------------------------------------
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      const typing = t.closest("input, textarea, select, [contenteditable=true], .cm-editor");
      const mod = e.ctrlKey || e.metaKey;
      const k = e.key.toLowerCase();
      if (mod && k === "s") return e.preventDefault(), setDialog("save");
      if (t.closest(".cm-editor")) return; // CodeMirror has its own keymap (undo goes to the store)
      if (mod && k === "z" && !typing) return e.preventDefault(), e.shiftKey ? store.redo() : store.undo();
      if (mod && k === "y" && !typing) return e.preventDefault(), store.redo();
      if (mod && k === "f") return e.preventDefault(), searchRef.current?.focus();
      if (typing || dialog || palette) return;
      // Enter on a focused button or link activates it (e.g. the inspector's "+ Add …" buttons), not the shortcut
      if (k === "enter" && t.closest("button, a[href], summary")) return;
      if (store.get().run) return;
      const s = store.get();
      if (mod && k === "c") return void copy(false);
      if (mod && k === "x") return e.preventDefault(), void copy(true);
      if (mod && k === "v") return e.preventDefault(), void doPaste();
      if (mod && k === "d") return e.preventDefault(), s.selected && commit(duplicateTask(s.def, s.selected));
      if (k === "delete" || k === "backspace") return e.preventDefault(), removeSelected();
      if (k === "/") return e.preventDefault(), searchRef.current?.focus();
      if (k === "?") return setDialog("shortcuts");
      if (k === "escape") return store.select(null);
      if (k === "a" || k === "+" || k === "insert") {
        e.preventDefault();
        const ins = afterSelected();
        return setPalette({ insert: ins, anchor: { x: window.innerWidth / 2 - 160, y: 140 } });
      }
      if (k === "arrowdown" || k === "arrowup" || k === "j" || k === "k") {
        e.preventDefault();
        const all = allTasks(s.def);
        if (!all.length) return;
        const i = s.selected ? all.findIndex((v) => pathKey(v.path) === pathKey(s.selected!)) : -1;
        const next = k === "arrowdown" || k === "j" ? Math.min(all.length - 1, i + 1) : Math.max(0, i - 1);
        return store.select(all[next].path, true);
      }
      if (k === "enter" && s.selected) {
        e.preventDefault();
        setTab("inspector");
        setTimeout(() => document.querySelector<HTMLElement>(".side .inspector input, .side .inspector select")?.focus(), 30);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  if (loadError) {
    return (
      <div className="page">
        <TopBar theme={theme} toggleTheme={toggleTheme} />
        <div className="banner error">Could not load {route.name}: {loadError}</div>
      </div>
    );
  }

  const selTask = selected ? (getIn(def, selected) as Task | undefined) : undefined;
  const latest = versions.length ? Math.max(...versions) : 0;

  return (
    <ActionsContext.Provider value={actions}>
      <div className={"app" + (run ? " running" : "")}>
        <TopBar theme={theme} toggleTheme={toggleTheme}>
          <a className="crumb link" href={editorUrl("").replace(/\/+$/, "/")} onClick={linkClick("/editor/")}>Definitions</a>
          <span className="crumb-sep">/</span>
          <span className="crumb wf-name" data-testid="wf-name">{def.name}</span>
          {versions.length > 0 ? (
            <select className="version-select" value={route.version ?? saved?.version ?? ""} onChange={(e) => navigate(editorUrl(String(def.name), Number(e.target.value)))} aria-label="Version">
              {!route.version && !saved && <option value="">new</option>}
              {[...versions].reverse().map((v) => (
                <option key={v} value={v}>v{v}{v === latest ? " (latest)" : ""}</option>
              ))}
            </select>
          ) : (
            <span className="chip muted">new</span>
          )}
          {dirty && <span className="dirty" title="Unsaved changes" data-testid="dirty">● unsaved</span>}
        </TopBar>
        <div className="toolbar" role="toolbar" aria-label="Editor">
          <button className="tb" onClick={store.undo} disabled={!canUndo || !!run} title="Undo (Ctrl+Z)" aria-label="Undo">↶</button>
          <button className="tb" onClick={store.redo} disabled={!canRedo || !!run} title="Redo (Ctrl+Shift+Z)" aria-label="Redo">↷</button>
          <span className="tb-sep" />
          <button className="tb" disabled={!!run} onClick={() => setPalette({ insert: afterSelected(), anchor: { x: 260, y: 110 } })} title="Add a task after the selection (A)">+ Add</button>
          <button className="tb" disabled={!selTask || !!run} onClick={() => selected && commit(duplicateTask(def, selected))} title="Duplicate (Ctrl+D)">Duplicate</button>
          <button className="tb" disabled={!selTask || !!run} onClick={() => copy(false)} title="Copy as JSON (Ctrl+C)">Copy</button>
          <button className="tb" disabled={!selTask || !!run} onClick={() => copy(true)} title="Cut (Ctrl+X), then paste elsewhere to move">Cut</button>
          <button className="tb" disabled={!!run} onClick={() => doPaste()} title="Paste after the selection (Ctrl+V)">Paste</button>
          <button className="tb danger" disabled={!selTask || !!run} onClick={removeSelected} title="Delete (Del)">Delete</button>
          <span className="tb-sep" />
          <div className="seg" role="group" aria-label="View">
            <button className={view === "diagram" ? "on" : ""} onClick={() => setView("diagram")} aria-pressed={view === "diagram"}>Diagram</button>
            <button className={view === "outline" ? "on" : ""} onClick={() => setView("outline")} aria-pressed={view === "outline"}>Outline</button>
          </div>
          <div className="find">
            <input
              ref={searchRef}
              type="search"
              className="search small"
              placeholder="Find task…  Ctrl+F"
              value={query}
              aria-label="Find a task"
              onChange={(e) => setQuery(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && matches[0]) {
                  store.select(matches[0].path, true);
                  setTab("inspector");
                }
                if (e.key === "Escape") {
                  setQuery("");
                  (e.target as HTMLInputElement).blur();
                }
              }}
            />
            {query && (
              <ul className="find-results" role="listbox">
                {matches.slice(0, 12).map((m) => (
                  <li key={pathKey(m.path)}>
                    <button onMouseDown={(e) => (e.preventDefault(), store.select(m.path, true), setTab("inspector"))}>
                      <b>{String(m.task.name ?? "")}</b> <code>{String(m.task.taskReferenceName ?? "")}</code> <span className="muted">{typeOf(m.task)}</span>
                    </button>
                  </li>
                ))}
                {!matches.length && <li className="muted pad">No task matches.</li>}
              </ul>
            )}
          </div>
          <div className="spacer" />
          <button className={"tb status " + (validating ? "checking" : errorCount ? "bad" : "ok")} onClick={() => setTab("problems")} data-testid="validity" title="Server validation">
            {validating ? "Checking…" : errorCount ? `⚠ ${errorCount} problem${errorCount > 1 ? "s" : ""}` : problems.length ? `✓ Valid · ${problems.length} warning${problems.length > 1 ? "s" : ""}` : "✓ Valid"}
          </button>
          <button className="tb" onClick={() => downloadJson(`${def.name}.v${def.version ?? 1}.json`, def)} title="Download the JSON">Export</button>
          <button className="tb" onClick={() => setDialog("compare")} disabled={versions.length === 0} title="Compare two versions">Compare</button>
          <button className="tb primary" onClick={() => setDialog("save")} disabled={!!run} title="Save (Ctrl+S)" data-testid="save">Save</button>
          {run ? (
            <button className="tb" onClick={() => (store.set({ run: null }), setTab("inspector"))} data-testid="stop-watching">Back to editing</button>
          ) : (
            <button className="tb run" onClick={() => setDialog("run")} data-testid="run">▶ Run</button>
          )}
        </div>
        {notice && (
          <div className="banner info" role="status">
            {notice}
            <button className="icon-btn small" onClick={() => setNotice("")} aria-label="Dismiss">✕</button>
          </div>
        )}
        <div className="workspace">
          <div className="main-view">
            {loading ? <div className="loading">Loading…</div> : view === "diagram" ? <Canvas problemsByPath={problemsByPath} matches={matchSet} /> : <Outline problemsByPath={problemsByPath} onPick={(p) => (store.select(p), setTab(run ? "run" : "inspector"))} />}
            {jsonError && view === "diagram" && <div className="canvas-banner" role="status">JSON has an error — showing the last valid diagram.</div>}
          </div>
          <aside className="side" aria-label="Details">
            <div className="tabs" role="tablist">
              <button role="tab" aria-selected={tab === "inspector"} className={tab === "inspector" ? "on" : ""} onClick={() => setTab("inspector")}>{selTask ? "Task" : "Workflow"}</button>
              <button role="tab" aria-selected={tab === "json"} className={tab === "json" ? "on" : ""} onClick={() => setTab("json")} data-testid="tab-json">JSON{jsonError ? " ⚠" : ""}</button>
              <button role="tab" aria-selected={tab === "problems"} className={tab === "problems" ? "on" : ""} onClick={() => setTab("problems")} data-testid="tab-problems">
                Problems {problems.length > 0 && <span className="count">{problems.length}</span>}
              </button>
              {run && <button role="tab" aria-selected={tab === "run"} className={tab === "run" ? "on" : ""} onClick={() => setTab("run")}>Run</button>}
            </div>
            <div className="tab-body">
              {tab === "inspector" && (run ? <div className="muted pad">The workflow is shown read-only while you watch a run. Use “Back to editing” to change it.</div> : <Inspector taskDefs={taskDefs} schemas={schemas} workflowNames={workflowNames} />)}
              {tab === "json" && (
                <Suspense fallback={<div className="loading">Loading editor…</div>}>
                  <JsonView />
                </Suspense>
              )}
              {tab === "problems" && <Problems problems={problems} pathOf={problemPath} def={def} />}
              {tab === "run" && run && <RunPanel run={run} selectedRef={runTask ?? (selTask?.taskReferenceName as string | undefined) ?? null} />}
            </div>
          </aside>
        </div>
        <datalist id="taskdef-names">{taskDefs.map((d) => <option key={d.name} value={d.name} />)}</datalist>
        <datalist id="wf-names">{workflowNames.map((n) => <option key={n} value={n} />)}</datalist>
        {palette && <Palette anchor={palette.anchor} taskDefs={taskDefs} canPaste onPick={pick} onClose={() => setPalette(null)} />}
        {dialog === "save" && <SaveDialog onClose={() => setDialog(null)} onSaved={(v, note) => (setNotice(note), navigate(editorUrl(String(store.get().def.name), v), null, true))} />}
        {dialog === "compare" && <CompareDialog name={String(saved?.name ?? def.name)} versions={versions} onClose={() => setDialog(null)} />}
        {dialog === "run" && <RunDialog def={def} dirty={dirty} onClose={() => setDialog(null)} onStarted={() => (setDialog(null), setTab("run"), setRunTask(null))} />}
        {dialog === "shortcuts" && <Shortcuts onClose={() => setDialog(null)} />}
        {dialog && typeof dialog === "object" && "rename" in dialog && (
          <RenameCase
            current={dialog.rename.key}
            onClose={() => setDialog(null)}
            onRename={(to) => {
              commit(renameCase(store.get().def, dialog.rename.path, dialog.rename.key, to));
              setDialog(null);
            }}
          />
        )}
      </div>
    </ActionsContext.Provider>
  );
}

function Problems({ problems, pathOf, def }: { problems: Problem[]; pathOf: (p: Problem) => Path | null; def: WorkflowDef }) {
  if (!problems.length) return <div className="muted pad" data-testid="problems">No problems: the server accepts this definition.</div>;
  return (
    <ul className="problems" data-testid="problems">
      {problems.map((p, i) => {
        const path = pathOf(p);
        const t = path ? (getIn(def, path) as Task) : null;
        return (
          <li key={i}>
            <button className={isWarning(p) ? "problem warning" : "problem"} title={isWarning(p) ? "Warning: the server accepts this" : undefined} onClick={() => path && store.select(path, true)} disabled={!path} data-ref={p.ref ?? ""}>
              <span className="p-id">{p.id ?? "!"}</span>
              <span className="p-msg">{p.message}</span>
              {t && <span className="p-where">{String(t.name ?? "")} · <code>{String(t.taskReferenceName ?? "")}</code></span>}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function SaveDialog({ onClose, onSaved }: { onClose: () => void; onSaved: (version: number, note: string) => void }) {
  const def = store.get().def;
  const versions = store.get().versions;
  const saved = store.get().saved;
  const latest = versions.length ? Math.max(...versions) : 0;
  const current = Number(def.version ?? 1);
  const exists = versions.includes(current);
  const [mode, setMode] = useState<"overwrite" | "new">(exists ? "overwrite" : "new");
  const target = mode === "overwrite" ? current : exists ? latest + 1 : Math.max(current, latest + 1);
  // compare with what is stored at the version being replaced (or the latest for a new one);
  // with no such version there is nothing to compare with, whatever was fetched before
  const baseVersion = mode === "overwrite" ? current : latest;
  const comparable = Boolean(baseVersion && def.name);
  const [fetched, setFetched] = useState<WorkflowDef | null>(saved);
  const base = comparable ? fetched : null;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [errs, setErrs] = useState<Problem[]>([]);
  const [showText, setShowText] = useState(false);

  useEffect(() => {
    if (!comparable) return;
    api.getDefinition(String(def.name), baseVersion).then((d) => setFetched(stripServerFields(d)), () => setFetched(null));
  }, [mode]); // eslint-disable-line react-hooks/exhaustive-deps

  const next = { ...def, version: target };
  const changes = diffDefinitions(base, next).filter((c) => !(c.kind === "workflow" && c.text === "workflow version changed"));
  const save = async () => {
    setBusy(true);
    setError("");
    try {
      await api.saveDefinition(next, mode === "overwrite");
      const vs = Array.from(new Set([...versions, target])).sort((a, b) => a - b);
      store.set({ versions: vs, saved: next });
      if (def.version !== target) store.commit(next);
      store.set({ saved: store.get().def });
      onClose();
      onSaved(target, `Saved ${def.name} v${target}.`);
    } catch (e) {
      setErrs(problemsOf(e) ?? []);
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title={`Save ${def.name}`}
      wide
      onClose={onClose}
      footer={
        <>
          <button className="btn ghost" onClick={onClose}>Cancel</button>
          <button className="btn primary" onClick={save} disabled={busy} data-testid="confirm-save">{busy ? "Saving…" : mode === "overwrite" ? `Overwrite v${target}` : `Save as v${target}`}</button>
        </>
      }
    >
      <div className="radio-row">
        {exists && (
          <label className="radio">
            <input type="radio" checked={mode === "overwrite"} onChange={() => setMode("overwrite")} /> Overwrite version {current}
          </label>
        )}
        <label className="radio">
          <input type="radio" checked={mode === "new"} onChange={() => setMode("new")} data-testid="save-new-version" /> Save as new version {exists ? latest + 1 : target}
        </label>
      </div>
      {error && (
        <div className="banner error">
          {error}
          {errs.length > 0 && <ul>{errs.map((p, i) => <li key={i}>{p.message}</li>)}</ul>}
        </div>
      )}
      <h3 className="sub">{base ? `Changes against v${base.version}` : "A new workflow"}</h3>
      <ChangeList changes={changes} />
      {base && (
        <>
          <button className="btn small ghost" onClick={() => setShowText((s) => !s)}>{showText ? "Hide" : "Show"} the JSON diff</button>
          {showText && (
            <Suspense fallback={<div className="loading">Loading diff…</div>}>
              <DiffView a={pretty(base)} b={pretty(next)} />
            </Suspense>
          )}
        </>
      )}
    </Modal>
  );
}

function ChangeList({ changes }: { changes: ReturnType<typeof diffDefinitions> }) {
  if (!changes.length) return <p className="muted">No changes.</p>;
  return (
    <ul className="changes" data-testid="changes">
      {changes.map((c, i) => (
        <li key={i} className={"ch-" + c.kind}>
          <span className="ch-kind">{c.kind}</span> {c.text}
        </li>
      ))}
    </ul>
  );
}

function CompareDialog({ name, versions, onClose }: { name: string; versions: number[]; onClose: () => void }) {
  const sorted = [...versions].sort((a, b) => a - b);
  const [a, setA] = useState<string>(String(sorted.length > 1 ? sorted[sorted.length - 2] : sorted[0]));
  const [b, setB] = useState<string>("current");
  const [docs, setDocs] = useState<[WorkflowDef | null, WorkflowDef | null]>([null, null]);
  useEffect(() => {
    const get = (v: string) => (v === "current" ? Promise.resolve(store.get().def) : api.getDefinition(name, Number(v)).then(stripServerFields));
    Promise.all([get(a), get(b)]).then(([x, y]) => setDocs([x, y]), () => setDocs([null, null]));
  }, [a, b, name]);
  const opts = [...sorted.map((v) => ({ v: String(v), l: `v${v}` })), { v: "current", l: "current editor" }];
  return (
    <Modal title={`Compare versions of ${name}`} wide onClose={onClose}>
      <div className="radio-row">
        <label>From <select className="input inline" value={a} onChange={(e) => setA(e.target.value)} aria-label="From version">{opts.map((o) => <option key={o.v} value={o.v}>{o.l}</option>)}</select></label>
        <label>to <select className="input inline" value={b} onChange={(e) => setB(e.target.value)} aria-label="To version">{opts.map((o) => <option key={o.v} value={o.v}>{o.l}</option>)}</select></label>
      </div>
      {docs[0] && docs[1] ? (
        <>
          <ChangeList changes={diffDefinitions(docs[0], docs[1]).filter((c) => c.text !== "workflow version changed")} />
          <Suspense fallback={<div className="loading">Loading diff…</div>}>
            <DiffView a={pretty(docs[0])} b={pretty(docs[1])} />
          </Suspense>
        </>
      ) : (
        <div className="loading">Loading…</div>
      )}
    </Modal>
  );
}

function RenameCase({ current, onClose, onRename }: { current: string; onClose: () => void; onRename: (to: string) => void }) {
  const [v, setV] = useState(current);
  return (
    <Modal title="Rename case" onClose={onClose} footer={<><button className="btn ghost" onClick={onClose}>Cancel</button><button className="btn primary" onClick={() => v.trim() && onRename(v.trim())}>Rename</button></>}>
      <form onSubmit={(e) => (e.preventDefault(), v.trim() && onRename(v.trim()))} className="form">
        <label>Case value<input autoFocus className="input mono" value={v} onChange={(e) => setV(e.target.value)} aria-label="Case value" /></label>
        <p className="muted small">The SWITCH takes this path when its expression evaluates to this value.</p>
      </form>
    </Modal>
  );
}

function Shortcuts({ onClose }: { onClose: () => void }) {
  const rows: [string, string][] = [
    ["↑ / ↓  or  J / K", "Select the previous / next task"],
    ["Enter", "Edit the selected task"],
    ["A  or  +", "Add a task after the selection"],
    ["Delete", "Delete the selected task"],
    ["Ctrl+C / Ctrl+X / Ctrl+V", "Copy / cut / paste tasks as JSON"],
    ["Ctrl+D", "Duplicate"],
    ["Ctrl+Z / Ctrl+Shift+Z", "Undo / redo (canvas and JSON)"],
    ["Ctrl+F  or  /", "Find a task"],
    ["Ctrl+S", "Save"],
    ["Esc", "Clear the selection"],
    ["?", "This help"],
  ];
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose}>
      <table className="shortcuts">
        <tbody>{rows.map(([k, d]) => <tr key={k}><td><kbd>{k}</kbd></td><td>{d}</td></tr>)}</tbody>
      </table>
    </Modal>
  );
}

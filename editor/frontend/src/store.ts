/**
 * The editor's state. The definition JSON is the single source of truth; the canvas, the outline
 * and the JSON view are derived from it. Undo/redo is a history of definition snapshots shared by
 * every way of editing (canvas, inspector, JSON text).
 */
import { useSyncExternalStore } from "react";
import { getIn, pathKey, refIndex } from "./model/paths";
import type { Path, WorkflowDef } from "./model/types";
import type { Problem, RunWorkflow } from "./api";

export interface RunState {
  workflowId: string;
  status: string;
  byRef: Record<string, { status: string; count: number; reason?: string }>;
  workflow: RunWorkflow | null;
  lastEventId: number;
  connected: boolean;
  picks?: Record<string, number>; // DO_WHILE iterations chosen on the run page (?iter.<ref>=N)
}

export interface State {
  def: WorkflowDef;
  saved: WorkflowDef | null; // as stored on the server (null: never saved)
  versions: number[];
  past: WorkflowDef[];
  future: WorkflowDef[];
  selected: Path | null;
  jsonText: string;
  jsonError: string | null;
  problems: Problem[];
  validating: boolean;
  run: RunState | null;
  focusTick: number; // bumps to ask the canvas to centre the selection
}

type Listener = () => void;
const HISTORY = 300;

export const pretty = (def: unknown): string => JSON.stringify(def, null, 2);

export function emptyDefinition(name: string): WorkflowDef {
  return {
    name,
    description: "",
    version: 1,
    tasks: [],
    inputParameters: [],
    outputParameters: {},
    schemaVersion: 2,
    restartable: true,
    timeoutPolicy: "ALERT_ONLY",
    timeoutSeconds: 0,
  };
}

class Store {
  state: State = {
    def: emptyDefinition("untitled"),
    saved: null,
    versions: [],
    past: [],
    future: [],
    selected: null,
    jsonText: pretty(emptyDefinition("untitled")),
    jsonError: null,
    problems: [],
    validating: false,
    run: null,
    focusTick: 0,
  };
  private listeners = new Set<Listener>();
  private lastCoalesce: { key: string; at: number } | null = null;

  subscribe = (l: Listener) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  get = () => this.state;
  set(patch: Partial<State>) {
    this.state = { ...this.state, ...patch };
    this.listeners.forEach((l) => l());
  }

  load(def: WorkflowDef, saved: WorkflowDef | null, versions: number[]) {
    this.lastCoalesce = null;
    this.set({ def, saved, versions, past: [], future: [], selected: null, jsonText: pretty(def), jsonError: null, problems: [], run: null });
  }

  /** Follow the selected task through an edit (by its taskReferenceName, else by path). */
  private follow(oldDef: WorkflowDef, newDef: WorkflowDef, sel: Path | null): Path | null {
    if (!sel) return null;
    const ref = getIn(oldDef, sel)?.taskReferenceName;
    if (typeof ref === "string") {
      const p = refIndex(newDef).get(ref);
      if (p) return p;
    }
    const t = getIn(newDef, sel);
    return t && typeof t === "object" ? sel : null;
  }

  /**
   * Apply a new definition. `coalesce` merges quick successive edits of the same field (typing)
   * into one undo step; `fromJson` keeps the JSON text as the user typed it.
   */
  commit(def: WorkflowDef, opts: { coalesce?: string; fromJson?: boolean; select?: Path | null } = {}) {
    const s = this.state;
    if (def === s.def) return;
    const now = Date.now();
    const merge = opts.coalesce && this.lastCoalesce && this.lastCoalesce.key === opts.coalesce && now - this.lastCoalesce.at < 1200;
    this.lastCoalesce = opts.coalesce ? { key: opts.coalesce, at: now } : null;
    const past = merge ? s.past : [...s.past, s.def].slice(-HISTORY);
    const selected = opts.select !== undefined ? opts.select : this.follow(s.def, def, s.selected);
    this.set({
      def,
      past,
      future: [],
      selected,
      jsonText: opts.fromJson ? s.jsonText : pretty(def),
      jsonError: opts.fromJson ? null : null,
    });
  }

  undo = () => {
    const s = this.state;
    if (!s.past.length) return;
    const def = s.past[s.past.length - 1];
    this.lastCoalesce = null;
    this.set({ def, past: s.past.slice(0, -1), future: [s.def, ...s.future], jsonText: pretty(def), jsonError: null, selected: this.follow(s.def, def, s.selected) });
  };

  redo = () => {
    const s = this.state;
    if (!s.future.length) return;
    const def = s.future[0];
    this.lastCoalesce = null;
    this.set({ def, past: [...s.past, s.def], future: s.future.slice(1), jsonText: pretty(def), jsonError: null, selected: this.follow(s.def, def, s.selected) });
  };

  /** Text typed in the JSON view: valid JSON replaces the definition; invalid keeps the last valid one. */
  editJson(text: string) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      this.set({ jsonText: text, jsonError: (e as Error).message });
      return;
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
      this.set({ jsonText: text, jsonError: "The definition must be a JSON object." });
      return;
    }
    if (!Array.isArray((parsed as WorkflowDef).tasks)) {
      this.set({ jsonText: text, jsonError: "The definition needs a \"tasks\" list." });
      return;
    }
    this.set({ jsonText: text, jsonError: null });
    if (JSON.stringify(parsed) !== JSON.stringify(this.state.def)) this.commit(parsed as WorkflowDef, { coalesce: "json", fromJson: true });
  }

  select(path: Path | null, focus = false) {
    this.set({ selected: path, focusTick: focus ? this.state.focusTick + 1 : this.state.focusTick });
  }
}

export const store = new Store();

export function useStore<T>(selector: (s: State) => T): T {
  return useSyncExternalStore(store.subscribe, () => selector(store.state));
}

export const selectedKey = (s: State) => (s.selected ? pathKey(s.selected) : null);

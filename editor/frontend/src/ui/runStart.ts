/**
 * The run page's state, started before React renders: the run stream's socket opens while the
 * first render (a 1,000-node diagram) is under way, so the server's snapshot work overlaps it
 * instead of starting after it.
 */
import { store } from "../store";
import { watchRun } from "./run";
import type { RunConfig } from "./RunView";

export function startRun(config: RunConfig): () => void {
  store.load(config.definition, config.definition, []);
  store.set({ run: { workflowId: config.workflowId, status: config.status, byRef: {}, workflow: null, lastEventId: 0, connected: false, picks: config.iterations ?? {} } });
  return watchRun(config.workflowId, () => window.dispatchEvent(new CustomEvent("baton:run-event")), config.runJson);
}

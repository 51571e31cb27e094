/**
 * The run page's island (/execution/<id>): the editor's own diagram component, read-only and
 * coloured by the run stream, with a task table and a task drawer. The page around it is
 * server-rendered by executions/views_run.py, which puts the definition the run used in
 * #baton-run.
 */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RunView, type RunConfig } from "./ui/RunView";
import { startRun } from "./ui/runStart";
import "@xyflow/react/dist/base.css";
import "./styles.css";

const el = document.getElementById("baton-run");
const root = document.getElementById("run-island");
if (el && root) {
  const cfg = JSON.parse(el.textContent || "{}") as RunConfig;
  (window as unknown as { batonRunIsland: boolean }).batonRunIsland = true;
  startRun(cfg); // for the page's life: the socket opens while React renders
  createRoot(root).render(
    <StrictMode>
      <RunView config={cfg} />
    </StrictMode>,
  );
}

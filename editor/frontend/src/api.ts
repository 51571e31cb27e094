/** The Conductor REST API of this server, used with the browser session (CSRF header on writes). */
import type { SchemaDef } from "./model/schemas";
import type { WorkflowDef } from "./model/types";

export interface Config {
  base: string;
  api: string;
  csrfToken: string;
  user: string;
}

export const config: Config = (() => {
  const el = typeof document !== "undefined" ? document.getElementById("baton-config") : null;
  const fallback = { base: "/editor/", api: "/api", csrfToken: "", user: "" };
  try {
    return el ? { ...fallback, ...JSON.parse(el.textContent || "{}") } : fallback;
  } catch {
    return fallback;
  }
})();

function csrf(): string {
  const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : config.csrfToken;
}

export class ApiError extends Error {
  constructor(
    public status: number,
    public body: unknown,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(method: string, path: string, body?: unknown, opts: { text?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRFToken"] = csrf();
  const res = await fetch(config.api + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const text = await res.text();
  let data: unknown = text;
  if (!opts.text && text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!res.ok) {
    const msg = (data && typeof data === "object" && "message" in data ? String((data as { message: unknown }).message) : "") || `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, data, msg);
  }
  return data as T;
}

export interface Problem {
  id?: string;
  path?: string;
  message: string;
  ref?: string | null;
  /** Warnings do not stop a save (e.g. WF.E031: a FORK with no JOIN at the end). */
  severity?: "error" | "warning";
}

export const isWarning = (p: Problem) => p.severity === "warning";

export interface TaskDef {
  name: string;
  description?: string;
  inputKeys?: string[];
  outputKeys?: string[];
  [k: string]: unknown;
}

export interface VersionInfo {
  name: string;
  version: number;
  createTime?: number;
}

export interface RunTask {
  taskId: string;
  referenceTaskName: string;
  taskType: string;
  status: string;
  inputData?: Record<string, unknown>;
  outputData?: Record<string, unknown>;
  reasonForIncompletion?: string;
  iteration?: number;
  startTime?: number;
  endTime?: number;
  retryCount?: number;
  subWorkflowId?: string;
  [k: string]: unknown;
}

export interface RunWorkflow {
  workflowId: string;
  status: string;
  tasks?: RunTask[];
  input?: unknown;
  output?: unknown;
  reasonForIncompletion?: string;
  workflowName?: string;
  workflowVersion?: number;
  startTime?: number;
  endTime?: number;
  /** Dynamic forks' tallies, when the run came collapsed (executions/run_loops.py). */
  forks?: Record<string, Record<string, { success: number; pending: number; failed: number; total: number }>>;
}

const enc = encodeURIComponent;

export const api = {
  listDefinitions: () => request<WorkflowDef[]>("GET", "/metadata/workflow"),
  namesAndVersions: () => request<Record<string, VersionInfo[]>>("GET", "/metadata/workflow/names-and-versions"),
  getDefinition: (name: string, version?: number) =>
    request<WorkflowDef>("GET", `/metadata/workflow/${enc(name)}${version ? `?version=${version}` : ""}`),
  saveDefinition: (def: WorkflowDef, overwrite: boolean) =>
    request<unknown>("POST", `/metadata/workflow?overwrite=${overwrite ? "true" : "false"}`, def),
  deleteDefinition: (name: string, version: number) => request<unknown>("DELETE", `/metadata/workflow/${enc(name)}/${version}`),
  validate: (def: WorkflowDef) =>
    request<{ valid: boolean; warnings?: Problem[] }>("POST", "/metadata/workflow/validate", def),
  taskDefs: () => request<TaskDef[]>("GET", "/metadata/taskdefs"),
  schemas: () => request<SchemaDef[]>("GET", "/schema"),
  start: (name: string, version: number | undefined, input: unknown) =>
    request<string>("POST", "/workflow", { name, version, input }, { text: true }),
  task: (taskId: string) => request<RunTask>("GET", `/tasks/${enc(taskId)}`),
  taskLogs: (taskId: string) => request<{ log: string; taskId: string; createdTime: number }[]>("GET", `/tasks/${enc(taskId)}/log`),
  workflow: (id: string) => request<RunWorkflow>("GET", `/workflow/${enc(id)}?includeTasks=true`),
};

/** Fields the server adds on GET that are not part of what the user edits. */
export const SERVER_FIELDS = ["createTime", "updateTime", "createdBy", "updatedBy"];

export function stripServerFields(def: WorkflowDef): WorkflowDef {
  const out = { ...def };
  for (const k of SERVER_FIELDS) delete out[k];
  return out;
}

export function problemsOf(err: unknown): Problem[] | null {
  if (err instanceof ApiError && err.body && typeof err.body === "object") {
    const v = (err.body as { validationErrors?: Problem[] }).validationErrors;
    if (Array.isArray(v)) return v;
  }
  return null;
}

import { useEffect, useMemo, useRef, useState } from "react";
import { api, stripServerFields } from "../api";
import type { WorkflowDef } from "../model/types";
import { allTasks } from "../model/paths";
import { emptyDefinition } from "../store";
import { Modal, TopBar, downloadJson, linkClick, timeAgo } from "./common";
import { editorUrl, navigate } from "./router";
import type { Theme } from "./theme";

interface Row {
  name: string;
  description: string;
  versions: WorkflowDef[];
  latest: WorkflowDef;
  updated: number;
}

const NAME_RE = /^[A-Za-z0-9_.:-]+$/;

export function DefinitionsPage({ theme, toggleTheme }: { theme: Theme; toggleTheme: () => void }) {
  const [defs, setDefs] = useState<WorkflowDef[] | null>(null);
  const [error, setError] = useState("");
  const [query, setQuery] = useState("");
  const [creating, setCreating] = useState(false);
  const [importError, setImportError] = useState("");
  const fileRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = "Workflow definitions · Baton";
    api.listDefinitions().then(setDefs, (e) => setError(String(e.message || e)));
  }, []);

  const rows = useMemo<Row[]>(() => {
    const by = new Map<string, WorkflowDef[]>();
    for (const d of defs ?? []) by.set(String(d.name), [...(by.get(String(d.name)) ?? []), d]);
    const out: Row[] = [];
    for (const [name, versions] of by) {
      versions.sort((a, b) => (b.version ?? 0) - (a.version ?? 0));
      const updated = Math.max(...versions.map((v) => Number(v.updateTime || v.createTime || 0)));
      out.push({ name, description: String(versions[0].description ?? ""), versions, latest: versions[0], updated });
    }
    const q = query.trim().toLowerCase();
    return out
      .filter((r) => !q || r.name.toLowerCase().includes(q) || r.description.toLowerCase().includes(q))
      .sort((a, b) => b.updated - a.updated || a.name.localeCompare(b.name));
  }, [defs, query]);

  const importFile = async (file: File) => {
    setImportError("");
    try {
      const data = JSON.parse(await file.text());
      const def = Array.isArray(data) ? data[0] : data;
      if (!def || typeof def !== "object" || typeof def.name !== "string" || !Array.isArray(def.tasks)) throw new Error("The file is not a workflow definition (needs a name and a tasks list).");
      navigate(editorUrl(def.name), { draft: stripServerFields(def), imported: file.name });
    } catch (e) {
      setImportError(`Could not import ${file.name}: ${(e as Error).message}`);
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "/" && document.activeElement?.tagName !== "INPUT") {
        e.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <div className="page">
      <TopBar theme={theme} toggleTheme={toggleTheme}>
        <span className="crumb">Workflow definitions</span>
      </TopBar>
      <main className="defs">
        <div className="defs-head">
          <div>
            <h1>Workflow definitions</h1>
            <p className="muted">{defs ? `${rows.length} workflow${rows.length === 1 ? "" : "s"}` : "Loading…"}</p>
          </div>
          <div className="defs-actions">
            <input ref={searchRef} className="search" type="search" placeholder="Search by name or description  /" value={query} onChange={(e) => setQuery(e.target.value)} aria-label="Search definitions" />
            <button className="btn" onClick={() => fileRef.current?.click()}>Import JSON…</button>
            <input ref={fileRef} type="file" accept="application/json,.json" hidden data-testid="import-file" onChange={(e) => e.target.files?.[0] && importFile(e.target.files[0])} />
            <button className="btn primary" onClick={() => setCreating(true)}>New workflow</button>
          </div>
        </div>
        {error && <div className="banner error">{error}</div>}
        {importError && <div className="banner error">{importError}</div>}
        <table className="grid">
          <thead>
            <tr>
              <th>Name</th>
              <th>Versions</th>
              <th>Tasks</th>
              <th>Last change</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.name}>
                <td>
                  <a className="def-name" href={editorUrl(r.name)} onClick={linkClick(editorUrl(r.name))}>{r.name}</a>
                  {r.description && <div className="muted small">{r.description}</div>}
                </td>
                <td>
                  <div className="chips">
                    {r.versions.map((v) => (
                      <a key={v.version} className="chip" href={editorUrl(r.name, v.version)} onClick={linkClick(editorUrl(r.name, v.version))} title={`Open version ${v.version}`}>
                        v{v.version}
                      </a>
                    ))}
                  </div>
                </td>
                <td className="num">{allTasks(r.latest).length}</td>
                <td title={r.updated ? new Date(r.updated).toISOString() : ""}>
                  {timeAgo(r.updated)}
                  {r.latest.updatedBy ? <span className="muted"> · {String(r.latest.updatedBy)}</span> : null}
                </td>
                <td className="row-actions">
                  <a className="btn small" href={editorUrl(r.name)} onClick={linkClick(editorUrl(r.name))}>Open</a>
                  <button className="btn small ghost" onClick={() => downloadJson(`${r.name}.v${r.latest.version}.json`, stripServerFields(r.latest))}>Export</button>
                </td>
              </tr>
            ))}
            {defs && rows.length === 0 && (
              <tr>
                <td colSpan={5} className="empty">
                  {query ? "No definition matches your search." : "No workflow definitions yet. Create one, or import a JSON file."}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </main>
      {creating && <NewDialog existing={new Set(rows.map((r) => r.name))} onClose={() => setCreating(false)} />}
    </div>
  );
}

function NewDialog({ existing, onClose }: { existing: Set<string>; onClose: () => void }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const problem = !name ? "" : !NAME_RE.test(name) ? "Use letters, digits, '_', '-', '.' or ':' (no spaces)." : existing.has(name) ? "A workflow with this name exists; open it instead." : "";
  const create = () => {
    if (!name || problem) return;
    navigate(editorUrl(name), { draft: { ...emptyDefinition(name), description } });
  };
  return (
    <Modal
      title="New workflow"
      onClose={onClose}
      footer={
        <>
          <button className="btn ghost" onClick={onClose}>Cancel</button>
          <button className="btn primary" disabled={!name || !!problem} onClick={create}>Create</button>
        </>
      }
    >
      <form onSubmit={(e) => (e.preventDefault(), create())} className="form">
        <label>
          Name
          <input autoFocus value={name} onChange={(e) => setName(e.target.value)} placeholder="order_fulfilment" aria-label="Workflow name" />
        </label>
        {problem && <div className="field-error">{problem}</div>}
        <label>
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} placeholder="What this workflow does" />
        </label>
      </form>
    </Modal>
  );
}

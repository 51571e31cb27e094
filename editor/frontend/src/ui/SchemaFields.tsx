/** The inspector's view of a task's input schema: its fields (name, type, required) and which required inputs are not set. */
import type { SchemaDef, SchemaField, SchemaSettings } from "../model/schemas";
import { findSchema, schemaFields } from "../model/schemas";

const label = (ref: unknown) => {
  const r = (ref && typeof ref === "object" ? ref : {}) as { name?: unknown; version?: unknown };
  return `${String(r.name ?? "?")}${typeof r.version === "number" ? ` v${r.version}` : ""}`;
};

export function InputSchema({ settings, schemas, inputs, onAddMissing }: {
  settings: SchemaSettings;
  schemas: SchemaDef[];
  inputs: Record<string, unknown>;
  onAddMissing: (keys: string[]) => void;
}) {
  const ref = settings.inputSchema;
  if (!ref) return null;
  const enforced = settings.enforceSchema === true;
  const found = findSchema(schemas, ref);
  const title = (
    <div className="section-title">
      Input schema <span className="mono">{label(ref)}</span>
      {enforced ? <span className="pill ok">enforced</span> : <span className="pill">not enforced</span>}
    </div>
  );
  if (!found) return <div data-testid="input-schema">{title}<p className="muted small">This schema is not registered (POST /api/schema).</p></div>;
  const fields: SchemaField[] = schemaFields(found.data, 4, schemas);
  const missing = fields.filter((f) => f.depth === 0 && f.required && !(f.path in inputs)).map((f) => f.path);
  return (
    <div data-testid="input-schema">
      {title}
      {fields.length === 0 ? (
        <p className="muted small">The schema names no properties.</p>
      ) : (
        <table className="schema-table">
          <thead><tr><th>Field</th><th>Type</th><th>Required</th></tr></thead>
          <tbody>
            {fields.map((f) => (
              <tr key={f.path} title={f.description}>
                <td className="mono" style={{ paddingLeft: 4 + f.depth * 12 }}>{f.path.split(".").pop()}</td>
                <td className="muted">{f.type}</td>
                <td>
                  {f.required ? "required" : ""}
                  {missing.includes(f.path) && <span className="pill warn" data-testid="schema-missing"> not set</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {missing.length > 0 && (
        <button className="btn small ghost" onClick={() => onAddMissing(missing)}>+ Add required input{missing.length === 1 ? "" : "s"} ({missing.join(", ")})</button>
      )}
      {enforced && <p className="muted small">A task whose resolved input breaks this schema fails without retries.</p>}
    </div>
  );
}

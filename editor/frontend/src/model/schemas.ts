/**
 * Registered JSON Schemas (GET /api/schema) as the editor uses them: a task's input fields for the
 * inspector, and the fields of upstream output schemas and of the workflow's input schema for
 * `${...}` completion. Schemas are data from the server: nothing here evaluates them beyond reading
 * `properties`, `required`, `type`, `enum`, `format`, `items` and local `$ref`s.
 */
import type { Task, WorkflowDef } from "./types";

export interface SchemaDef {
  name: string;
  version: number;
  type?: string;
  data?: unknown;
}

export interface SchemaField {
  path: string; // dotted from the instance root: "order.total"
  type: string; // "number", "string (email)", "one of: a, b", "array of string", "object"
  required: boolean; // required in its parent object
  depth: number; // 0 for a top-level property
  description?: string;
}

/** What a TaskDef (or a task's inline taskDefinition) says about schemas. */
export interface SchemaSettings {
  inputSchema?: unknown;
  outputSchema?: unknown;
  enforceSchema?: unknown;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === "object" && !Array.isArray(v);

/** The schema a `{name, version}` reference names; without a version, its latest. */
export function findSchema(schemas: SchemaDef[], ref: unknown): SchemaDef | undefined {
  if (!isObj(ref) || typeof ref.name !== "string") return undefined;
  const same = schemas.filter((s) => s.name === ref.name);
  if (typeof ref.version === "number") return same.find((s) => s.version === ref.version);
  return same.reduce<SchemaDef | undefined>((best, s) => (!best || s.version > best.version ? s : best), undefined);
}

function resolve(root: Json, node: unknown, seen: Set<string>): Json | undefined {
  let cur = node;
  while (isObj(cur) && typeof cur.$ref === "string") {
    const ref = cur.$ref;
    if (!ref.startsWith("#/") || seen.has(ref)) return undefined; // remote or cyclic: not followed
    seen.add(ref);
    let target: unknown = root;
    for (const part of ref.slice(2).split("/")) target = isObj(target) ? target[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
    cur = target;
  }
  return isObj(cur) ? cur : undefined;
}

function typeOf(root: Json, node: Json): string {
  if (Array.isArray(node.enum)) return "one of: " + node.enum.map((v) => JSON.stringify(v)).join(", ");
  if ("const" in node) return "= " + JSON.stringify(node.const);
  const t = Array.isArray(node.type) ? node.type.join(" | ") : typeof node.type === "string" ? node.type : node.properties ? "object" : "any";
  if (t === "array") {
    const items = resolve(root, node.items, new Set());
    return items ? `array of ${typeOf(root, items)}` : "array";
  }
  return typeof node.format === "string" ? `${t} (${node.format})` : t;
}

/** The properties of a schema, depth first, nested objects to `maxDepth` levels. */
export function schemaFields(data: unknown, maxDepth = 4): SchemaField[] {
  if (!isObj(data)) return [];
  const out: SchemaField[] = [];
  const walk = (node: Json, prefix: string, depth: number, seen: Set<string>) => {
    const props = isObj(node.properties) ? node.properties : {};
    const required = new Set(Array.isArray(node.required) ? node.required.filter((r): r is string => typeof r === "string") : []);
    for (const [key, raw] of Object.entries(props)) {
      const branch = new Set(seen);
      const prop = resolve(data, raw, branch);
      if (!prop) continue;
      const path = prefix ? `${prefix}.${key}` : key;
      // a description beside a $ref describes this use of the referenced schema
      const description = isObj(raw) && typeof raw.description === "string" ? raw.description : prop.description;
      out.push({ path, type: typeOf(data, prop), required: required.has(key), depth,
        ...(typeof description === "string" ? { description } : {}) });
      if (depth + 1 < maxDepth && isObj(prop.properties)) walk(prop, path, depth + 1, branch);
    }
  };
  const root = resolve(data, data, new Set());
  if (root) walk(root, "", 0, new Set());
  return out;
}

/** A task's schema settings: its inline taskDefinition wins over the registered TaskDef, as on the server. */
export function settingsFor(task: Task, taskDefs: { name: string }[]): SchemaSettings {
  const inline = task.taskDefinition;
  if (isObj(inline) && (inline.inputSchema || inline.outputSchema)) return inline;
  return (taskDefs.find((d) => d.name === task.name) as SchemaSettings | undefined) ?? {};
}

export interface SchemaKeys {
  /** Task name → fields of its output schema. */
  outputs: Record<string, SchemaField[]>;
  /** Fields of the workflow's input schema. */
  workflowInput: SchemaField[];
}

/** What completion offers from schemas, for one definition. */
export function schemaKeys(def: WorkflowDef, tasks: Task[], taskDefs: { name: string }[], schemas: SchemaDef[]): SchemaKeys {
  const outputs: Record<string, SchemaField[]> = {};
  for (const t of tasks) {
    const name = t.name ?? "";
    if (name in outputs) continue;
    const found = findSchema(schemas, settingsFor(t, taskDefs).outputSchema);
    if (found) outputs[name] = schemaFields(found.data);
  }
  const wf = findSchema(schemas, def.inputSchema);
  return { outputs, workflowInput: wf ? schemaFields(wf.data) : [] };
}

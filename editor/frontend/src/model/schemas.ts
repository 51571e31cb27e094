/**
 * Registered JSON Schemas (GET /api/schema) as the editor uses them: a task's input fields for the
 * inspector, and the fields of upstream output schemas and of the workflow's input schema for
 * `${...}` completion. Schemas are data from the server: nothing here evaluates them beyond reading
 * `properties`, `required`, `type`, `enum`, `format`, `items`, local `$ref`s and `$ref`s to other
 * registered schemas (`baton:schema/<name>[/<version>]`).
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

const BATON_REF = /^baton:schema\/([A-Za-z0-9_.:-]+)(?:\/([1-9][0-9]*))?(?:#(.*))?$/;

/** A node reached through `$ref`s, with the schema document its own local refs point into. */
interface Resolved { node: Json; root: Json }

function pointer(root: unknown, path: string): unknown {
  let target = root;
  for (const part of path.split("/").slice(1)) target = isObj(target) ? target[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
  return target;
}

/** Follows local refs (`#/...`) and refs to registered schemas (`baton:schema/<name>[/<version>][#/...]`,
 * as the server resolves them); remote or cyclic ones are not followed. */
function resolve(root: Json, node: unknown, seen: Set<unknown>, schemas: SchemaDef[]): Resolved | undefined {
  let cur = node;
  let doc: unknown = root;
  while (isObj(cur) && typeof cur.$ref === "string") {
    const ref = cur.$ref;
    const registered = BATON_REF.exec(ref);
    if (registered) {
      const found = findSchema(schemas, { name: registered[1], ...(registered[2] ? { version: Number(registered[2]) } : {}) });
      doc = found?.data;
      cur = registered[3] ? pointer(doc, registered[3]) : doc;
    } else if (ref.startsWith("#/")) {
      cur = pointer(doc, ref.slice(1));
    } else return undefined;
    // the same target twice along one path is a cycle (a tree of itself, two schemas naming each other)
    if (cur === undefined || seen.has(cur)) return undefined;
    seen.add(cur);
  }
  return isObj(cur) && isObj(doc) ? { node: cur, root: doc } : undefined;
}

function typeOf(root: Json, node: Json, schemas: SchemaDef[]): string {
  if (Array.isArray(node.enum)) return "one of: " + node.enum.map((v) => JSON.stringify(v)).join(", ");
  if ("const" in node) return "= " + JSON.stringify(node.const);
  const t = Array.isArray(node.type) ? node.type.join(" | ") : typeof node.type === "string" ? node.type : node.properties ? "object" : "any";
  if (t === "array") {
    const items = resolve(root, node.items, new Set(), schemas);
    return items ? `array of ${typeOf(items.root, items.node, schemas)}` : "array";
  }
  return typeof node.format === "string" ? `${t} (${node.format})` : t;
}

/** The properties of a schema, depth first, nested objects to `maxDepth` levels; `schemas` are
 * the registered ones its `baton:schema/...` refs may name. */
export function schemaFields(data: unknown, maxDepth = 4, schemas: SchemaDef[] = []): SchemaField[] {
  if (!isObj(data)) return [];
  const out: SchemaField[] = [];
  const walk = (at: Resolved, prefix: string, depth: number, seen: Set<unknown>) => {
    const { node, root } = at;
    const props = isObj(node.properties) ? node.properties : {};
    const required = new Set(Array.isArray(node.required) ? node.required.filter((r): r is string => typeof r === "string") : []);
    for (const [key, raw] of Object.entries(props)) {
      const branch = new Set<unknown>(seen);
      const prop = resolve(root, raw, branch, schemas);
      if (!prop) continue;
      const path = prefix ? `${prefix}.${key}` : key;
      // a description beside a $ref describes this use of the referenced schema
      const description = isObj(raw) && typeof raw.description === "string" ? raw.description : prop.node.description;
      out.push({ path, type: typeOf(prop.root, prop.node, schemas), required: required.has(key), depth,
        ...(typeof description === "string" ? { description } : {}) });
      if (depth + 1 < maxDepth && isObj(prop.node.properties)) walk(prop, path, depth + 1, branch);
    }
  };
  const root = resolve(data, data, new Set(), schemas);
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
    if (found) outputs[name] = schemaFields(found.data, 4, schemas);
  }
  const wf = findSchema(schemas, def.inputSchema);
  return { outputs, workflowInput: wf ? schemaFields(wf.data, 4, schemas) : [] };
}

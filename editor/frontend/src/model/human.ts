/**
 * The HUMAN task's definition keys (in its inputParameters) as the inspector reads and writes them.
 * The keys are the ones agreed with the server side (orchestrator/systemtasks/human.py checks them
 * at registration): assignees, groups, form, dueIn | dueAt, priority, fourEyes,
 * reasonRequiredOnReject, approvals, escalation, onEscalationExhausted, contextParameters.
 *
 * Every writer here is pure: it takes the current inputParameters and returns new ones. An empty
 * field removes its key (and an object or list left empty removes its parent key) so a definition
 * never carries `"priority": ""` or `"approvals": {}`: the server would refuse some of those, and
 * the rest would only be noise in the JSON.
 */

export const HUMAN_KEYS = [
  "assignees", "groups", "form", "dueIn", "dueAt", "priority", "fourEyes", "reasonRequiredOnReject",
  "approvals", "escalation", "onEscalationExhausted", "contextParameters",
] as const;

type Json = Record<string, unknown>;
export type Parsed<T> = { value: T | undefined } | { error: string };

const isObj = (v: unknown): v is Json => !!v && typeof v === "object" && !Array.isArray(v);
const isEmpty = (v: unknown) =>
  v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0) || (isObj(v) && Object.keys(v).length === 0);

/** `obj` with `key` set to `value`, or without `key` when `value` is empty. */
export function withKey(obj: Json, key: string, value: unknown): Json {
  const out = { ...obj };
  if (isEmpty(value)) delete out[key];
  else out[key] = value;
  return out;
}

const EXPRESSION = /^\$\{[^}]+\}$/;

/** "ann, bob" → ["ann", "bob"]; "${workflow.input.approvers}" stays one expression; "" → nothing. */
export function parseNames(text: string): string[] | string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  if (EXPRESSION.test(t)) return t;
  const names = t.split(",").map((s) => s.trim()).filter(Boolean);
  return names.length ? names : undefined;
}

export function namesText(value: unknown): string {
  if (typeof value === "string") return value;
  return Array.isArray(value) ? value.map(String).join(", ") : "";
}

// ISO-8601 durations (PT4H, P1DT2H), short ones (2h, 30m, 1h30m, 45s, 1d) or plain seconds.
const ISO_DURATION = /^P(?=\d|T\d)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/i;
const SHORT_DURATION = /^(\d+\s*[dhms]\s*)+$/i;

/** A duration as the server accepts it: "PT4H" | "2h" | "30m" | seconds (a number) | "${...}". */
export function parseDuration(text: string): Parsed<string | number> {
  const t = text.trim();
  if (!t) return { value: undefined };
  if (/^\d+$/.test(t)) return { value: Number(t) };
  if (ISO_DURATION.test(t) || SHORT_DURATION.test(t) || EXPRESSION.test(t)) return { value: t };
  return { error: "Not a duration: use PT4H, 2h, 30m or a number of seconds." };
}

/** A stored scalar as field text. */
export const plainText = (value: unknown) => (value === undefined || value === null ? "" : String(value));

/** An integer in [min, max] (empty: no value). */
export function parseWhole(text: string, min: number, max: number, what: string): Parsed<number> {
  const t = text.trim();
  if (!t) return { value: undefined };
  const n = Number(t);
  if (!Number.isInteger(n) || n < min || n > max) return { error: `${what} is a whole number from ${min} to ${max}.` };
  return { value: n };
}

/** Inline JSON Schema text → the schema object, or why it is not one. */
export function parseInlineSchema(text: string): Parsed<Json> {
  if (!text.trim()) return { value: undefined };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { error: "Not valid JSON: " + (e as Error).message };
  }
  if (!isObj(v)) return { error: "A JSON Schema is an object, e.g. {\"type\": \"object\", \"properties\": {…}}." };
  return { value: v };
}

// ---- the form -----------------------------------------------------------------------------

export type FormMode = "none" | "registered" | "inline" | "expression";

export function formMode(form: unknown): FormMode {
  if (form === undefined || form === null) return "none";
  if (typeof form === "string") return "expression";
  if (isObj(form) && "schema" in form) return "inline";
  return "registered";
}

/** The form switched to another mode; its field order and labels are kept across the switch. */
export function switchForm(form: unknown, mode: FormMode, firstSchema?: { name: string; version?: number }): unknown {
  const keep = isObj(form) ? Object.fromEntries(Object.entries(form).filter(([k]) => k === "order" || k === "labels")) : {};
  if (mode === "none") return undefined;
  if (mode === "expression") return "${workflow.input.form}";
  if (mode === "inline") return { schema: { type: "object", properties: {} }, ...keep };
  return { ...(firstSchema ? { name: firstSchema.name, ...(firstSchema.version ? { version: firstSchema.version } : {}) } : {}), ...keep };
}

/** The form with one of its own keys (name, version, schema, order, labels) set or removed. */
export const withFormKey = (form: unknown, key: string, value: unknown) => withKey(isObj(form) ? form : {}, key, value);

// ---- escalation ---------------------------------------------------------------------------

export function escalationRows(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObj) : [];
}

export const NEW_ESCALATION_STEP = { after: "PT30M" };

/** The list of steps with step `i` replaced (or removed when `step` is undefined). */
export function withStep(steps: Json[], i: number, step: Json | undefined): Json[] {
  return step === undefined ? steps.filter((_, j) => j !== i) : steps.map((s, j) => (j === i ? step : s));
}

export const EXHAUSTED_ACTIONS = ["FAIL", "COMPLETE"] as const;

/** A HUMAN task's inputs with `escalation` set; without steps, `onEscalationExhausted` means nothing and goes too. */
export function withEscalation(inputs: Json, steps: Json[]): Json {
  const out = withKey(inputs, "escalation", steps);
  return steps.length ? out : withKey(out, "onEscalationExhausted", undefined);
}

// ---- due time -----------------------------------------------------------------------------

/** dueIn and dueAt exclude each other: setting one removes the other. */
export function withDue(inputs: Json, key: "dueIn" | "dueAt", value: unknown): Json {
  const out = withKey(inputs, key, value);
  return isEmpty(value) ? out : withKey(out, key === "dueIn" ? "dueAt" : "dueIn", undefined);
}

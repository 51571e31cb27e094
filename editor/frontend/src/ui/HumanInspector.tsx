/**
 * The inspector's form for a HUMAN task: who may decide, with which form, by when, how many
 * approvals, the escalation chain and the context the approver sees. It edits the task's
 * inputParameters only through the pure writers of model/human.ts (an empty field removes its key).
 */
import { useState } from "react";
import type { Candidate } from "../model/expressions";
import {
  EXHAUSTED_ACTIONS, NEW_ESCALATION_STEP, plainText, escalationRows, formMode, namesText, parseDuration,
  parseInlineSchema, parseNames, parseWhole, switchForm, withDue, withEscalation, withFormKey, withKey, withStep,
  type FormMode, type Parsed,
} from "../model/human";
import { schemaFields, type SchemaDef } from "../model/schemas";
import { Check, ExprInput, Field, JsonField, KVEditor, NumberInput, Select } from "./fields";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});

/**
 * A text field whose text is parsed before it is written: a value that does not parse shows its
 * error beside the field and is not written. The draft is kept while typing ("ann, " must not snap
 * back to "ann"); a value changed from outside (undo, the JSON tab) replaces it.
 */
function DraftInput<T>({ value, format, parse, onChange, candidates, ariaLabel, placeholder, inputMode }: {
  value: unknown;
  format: (v: unknown) => string;
  parse: (text: string) => Parsed<T>;
  onChange: (v: T | undefined) => void;
  candidates?: Candidate[];
  ariaLabel: string;
  placeholder?: string;
  inputMode?: "numeric";
}) {
  const seenNow = JSON.stringify(value ?? null);
  const [draft, setDraft] = useState(() => format(value));
  const [seen, setSeen] = useState(seenNow);
  const [error, setError] = useState("");
  if (seen !== seenNow) {
    setSeen(seenNow);
    setDraft(format(value));
    setError("");
  }
  const change = (text: string) => {
    setDraft(text);
    const parsed = parse(text);
    if ("error" in parsed) return setError(parsed.error);
    setError("");
    setSeen(JSON.stringify(parsed.value ?? null));
    onChange(parsed.value);
  };
  return (
    <>
      {candidates ? (
        <ExprInput value={draft} onChange={change} candidates={candidates} ariaLabel={ariaLabel} placeholder={placeholder} />
      ) : (
        <input className="input" value={draft} onChange={(e) => change(e.target.value)} aria-label={ariaLabel}
          aria-invalid={error ? true : undefined} placeholder={placeholder} inputMode={inputMode} spellCheck={false} />
      )}
      {error && <span className="field-error" role="alert">{error}</span>}
    </>
  );
}

const asNames = (t: string): Parsed<string[] | string> => ({ value: parseNames(t) });

export function HumanInspector({ inputs, onChange, candidates, schemas }: {
  inputs: Json;
  /** The new inputParameters; `field` names what changed (successive edits of one field coalesce in undo). */
  onChange: (next: Json, field: string) => void;
  candidates: Candidate[];
  schemas: SchemaDef[];
}) {
  const set = (key: string, value: unknown) => onChange(withKey(inputs, key, value), key);
  const approvals = obj(inputs.approvals);
  const steps = escalationRows(inputs.escalation);
  const exhausted = obj(inputs.onEscalationExhausted);
  return (
    <div className="human-insp" data-testid="human-inspector">
      <div className="section-title">Who decides</div>
      <Field label="Assignees" hint="Usernames, comma separated, or one ${…} expression resolving to a list.">
        <DraftInput value={inputs.assignees} format={namesText} parse={asNames} onChange={(v) => set("assignees", v)}
          candidates={candidates} ariaLabel="Assignees" placeholder="ann, bob" />
      </Field>
      <Field label="Groups" hint="Django groups whose members may claim and decide.">
        <DraftInput value={inputs.groups} format={namesText} parse={asNames} onChange={(v) => set("groups", v)}
          candidates={candidates} ariaLabel="Groups" placeholder="finance" />
      </Field>
      <div className="checks">
        <Check label="Four eyes (the requester and earlier deciders may not decide)" checked={inputs.fourEyes === true}
          onChange={(v) => set("fourEyes", v || undefined)} />
        <Check label="A rejection needs a reason" checked={inputs.reasonRequiredOnReject !== false}
          onChange={(v) => set("reasonRequiredOnReject", v ? undefined : false)} />
      </div>
      <div className="row2">
        <Field label="Approvals required" hint="N-of-M: distinct approvers; empty = 1">
          <DraftInput value={approvals.required} format={plainText} parse={(t) => parseWhole(t, 1, 100, "Approvals required")}
            onChange={(v) => set("approvals", withKey(approvals, "required", v))} ariaLabel="Approvals required" inputMode="numeric" />
        </Field>
        <Field label="Rejections to fail" hint="empty = 1">
          <DraftInput value={approvals.rejectionsToFail} format={plainText} parse={(t) => parseWhole(t, 1, 100, "Rejections to fail")}
            onChange={(v) => set("approvals", withKey(approvals, "rejectionsToFail", v))} ariaLabel="Rejections to fail" inputMode="numeric" />
        </Field>
      </div>

      <FormSection form={inputs.form} schemas={schemas} onChange={(v) => set("form", v)} />

      <div className="section-title">When</div>
      <div className="row2">
        <Field label="Due in" hint="PT4H, 2h, 30m or seconds">
          <DraftInput value={inputs.dueIn} format={plainText} parse={parseDuration}
            onChange={(v) => onChange(withDue(inputs, "dueIn", v), "dueIn")} ariaLabel="Due in" placeholder="PT4H" />
        </Field>
        <Field label="Priority" hint="0..10, higher is more urgent; empty = 5">
          <DraftInput value={inputs.priority} format={plainText} parse={(t) => parseWhole(t, 0, 10, "Priority")}
            onChange={(v) => set("priority", v)} ariaLabel="Priority" inputMode="numeric" placeholder="5" />
        </Field>
      </div>
      <Field label="Due at (instead of due in)" hint="An ISO-8601 timestamp or ${…}, e.g. ${workflow.input.deadline}">
        <DraftInput value={inputs.dueAt} format={plainText} parse={(t) => ({ value: t.trim() || undefined })}
          onChange={(v) => onChange(withDue(inputs, "dueAt", v), "dueAt")} candidates={candidates} ariaLabel="Due at" />
      </Field>

      <div className="section-title">Escalation</div>
      <p className="muted small">Each step: after that long undecided, the task is offered to the step’s people instead.</p>
      {steps.map((step, i) => {
        const put = (key: string, v: unknown) => onChange(withEscalation(inputs, withStep(steps, i, withKey(step, key, v))), `esc.${i}.${key}`);
        return (
          <fieldset className="esc-step" key={i} data-testid="escalation-step">
            <legend>Step {i + 1}</legend>
            <Field label="After">
              <DraftInput value={step.after} format={plainText} parse={parseDuration} onChange={(v) => put("after", v)}
                ariaLabel={`Step ${i + 1} after`} placeholder="PT30M" />
            </Field>
            <div className="row2">
              <Field label="Assignees">
                <DraftInput value={step.assignees} format={namesText} parse={asNames} onChange={(v) => put("assignees", v)}
                  candidates={candidates} ariaLabel={`Step ${i + 1} assignees`} />
              </Field>
              <Field label="Groups">
                <DraftInput value={step.groups} format={namesText} parse={asNames} onChange={(v) => put("groups", v)}
                  candidates={candidates} ariaLabel={`Step ${i + 1} groups`} />
              </Field>
            </div>
            <button className="btn small ghost" aria-label={`Remove escalation step ${i + 1}`}
              onClick={(e) => (e.preventDefault(), onChange(withEscalation(inputs, withStep(steps, i, undefined)), "escalation"))}>
              Remove step
            </button>
          </fieldset>
        );
      })}
      <button className="btn small ghost" onClick={(e) => (e.preventDefault(), onChange(withEscalation(inputs, [...steps, { ...NEW_ESCALATION_STEP }]), "escalation"))}>
        + Add escalation step
      </button>
      {steps.length > 0 && (
        <>
          <Field label="When the last step runs out">
            <Select value={typeof exhausted.action === "string" ? exhausted.action : "STAY"} options={["STAY", ...EXHAUSTED_ACTIONS]}
              onChange={(v) => set("onEscalationExhausted", v === "STAY" ? undefined : v === "FAIL" ? { action: v } : withKey(exhausted, "action", v))}
              ariaLabel="When escalation is exhausted" />
          </Field>
          {exhausted.action === "COMPLETE" && (
            <Field label="Default output (JSON)">
              <JsonField value={exhausted.output} onChange={(v) => set("onEscalationExhausted", withKey(exhausted, "output", v))} ariaLabel="Default output" />
            </Field>
          )}
        </>
      )}

      <div className="section-title">Context for the approver</div>
      <p className="muted small">Label → value shown read-only on the task page, e.g. Amount → ${"{workflow.input.amount}"}.</p>
      <KVEditor value={obj(inputs.contextParameters)} onChange={(v) => set("contextParameters", v)} candidates={candidates}
        keyLabel="Label" addLabel="Add context value" />
    </div>
  );
}

const MODES: Record<FormMode, string> = { none: "No form", registered: "Registered schema", inline: "Inline JSON Schema", expression: "Expression" };
const LABEL_TO_MODE = Object.fromEntries(Object.entries(MODES).map(([m, l]) => [l, m as FormMode]));

function FormSection({ form, schemas, onChange }: { form: unknown; schemas: SchemaDef[]; onChange: (v: unknown) => void }) {
  const mode = formMode(form);
  const f = obj(form);
  const names = [...new Set(schemas.map((s) => s.name))].sort();
  const latest = (name: string) => Math.max(...schemas.filter((s) => s.name === name).map((s) => s.version));
  const chosen = typeof f.name === "string" ? schemas.filter((s) => s.name === f.name) : [];
  const shown = typeof f.version === "number" ? chosen.find((s) => s.version === f.version) : chosen.sort((a, b) => b.version - a.version)[0];
  const labels = obj(f.labels) as Record<string, string>;
  const fields = schemaFields(mode === "inline" ? f.schema : shown?.data).filter((x) => x.depth === 0).map((x) => x.path);
  return (
    <>
      <div className="section-title">Form</div>
      <Field label="The approver fills in">
        <Select value={MODES[mode]} options={Object.values(MODES)} ariaLabel="Form source"
          onChange={(l) => onChange(switchForm(form, LABEL_TO_MODE[l], names[0] ? { name: names[0], version: latest(names[0]) } : undefined))} />
      </Field>
      {mode === "registered" && (
        <div className="row2">
          <Field label="Schema" hint={names.length ? undefined : "No schema is registered yet (POST /api/schema)."}>
            <Select value={typeof f.name === "string" ? f.name : ""} options={names} ariaLabel="Form schema"
              onChange={(n) => onChange({ ...withFormKey(form, "name", n), version: latest(n) })} />
          </Field>
          <Field label="Version" hint="Empty = the latest at start">
            <NumberInput value={typeof f.version === "number" ? f.version : undefined} min={1} ariaLabel="Form schema version"
              onChange={(v) => onChange(withFormKey(form, "version", v))} />
          </Field>
        </div>
      )}
      {mode === "inline" && (
        <Field label="JSON Schema">
          <DraftInputArea value={f.schema} onChange={(v) => onChange(withFormKey(form, "schema", v ?? { type: "object", properties: {} }))} />
        </Field>
      )}
      {mode === "expression" && (
        <Field label="Form expression"><input className="input mono" value={String(form)} onChange={(e) => onChange(e.target.value || undefined)} aria-label="Form expression" /></Field>
      )}
      {(mode === "registered" || mode === "inline") && (
        <Field label="Field order" hint={fields.length ? `Fields: ${fields.join(", ")}` : "Comma separated field names; empty = the schema's order"}>
          <DraftInput value={f.order} format={namesText} parse={(t) => ({ value: t.split(",").map((s) => s.trim()).filter(Boolean) })}
            onChange={(v) => onChange(withFormKey(form, "order", v))} ariaLabel="Field order" />
        </Field>
      )}
      {(mode === "registered" || mode === "inline") && fields.length > 0 && (
        <div className="field">
          <span className="field-label">Field labels</span>
          {fields.map((name) => (
            <div className="label-row" key={name}>
              <span className="mono small">{name}</span>
              <input className="input" value={labels[name] ?? ""} placeholder={name} aria-label={`Label for ${name}`}
                onChange={(e) => onChange(withFormKey(form, "labels", withKey(labels, name, e.target.value)))} />
            </div>
          ))}
          <span className="field-hint">Shown on the task page instead of the field name; empty = the schema’s title or the name.</span>
        </div>
      )}
    </>
  );
}

/** The inline schema's text: checked as JSON (an object) while typing, its error beside it; written only when it is one. */
function DraftInputArea({ value, onChange }: { value: unknown; onChange: (v: Json | undefined) => void }) {
  const seenNow = JSON.stringify(value ?? null);
  const [draft, setDraft] = useState(() => JSON.stringify(value ?? {}, null, 2));
  const [seen, setSeen] = useState(seenNow);
  const [error, setError] = useState("");
  if (seen !== seenNow) {
    setSeen(seenNow);
    setDraft(JSON.stringify(value ?? {}, null, 2));
    setError("");
  }
  return (
    <>
      <textarea className="input mono" rows={8} value={draft} aria-label="Inline form schema" aria-invalid={error ? true : undefined}
        spellCheck={false}
        onChange={(e) => {
          setDraft(e.target.value);
          const parsed = parseInlineSchema(e.target.value);
          if ("error" in parsed) return setError(parsed.error);
          setError("");
          setSeen(JSON.stringify(parsed.value ?? null));
          onChange(parsed.value);
        }} />
      {error && <span className="field-error" role="alert" data-testid="form-schema-error">{error}</span>}
    </>
  );
}

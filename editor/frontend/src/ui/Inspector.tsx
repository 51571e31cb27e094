import { useMemo } from "react";
import { candidates as exprCandidates } from "../model/expressions";
import { schemaKeys, settingsFor, type SchemaDef } from "../model/schemas";
import { typeInfo } from "../model/catalog";
import { addBranch, addCase, removeBranch, removeCase, renameCase, updateTask } from "../model/ops";
import { allTasks, asList, getIn, pathKey, typeOf } from "../model/paths";
import type { Path, Task, WorkflowDef } from "../model/types";
import { store, useStore } from "../store";
import type { TaskDef } from "../api";
import { Check, ExprInput, Field, JsonField, KVEditor, KeyInput, NumberInput, Select } from "./fields";
import { editorUrl } from "./router";
import { InputSchema } from "./SchemaFields";
import { HumanInspector } from "./HumanInspector";
import { HUMAN_KEYS } from "../model/human";

const without = (obj: Record<string, unknown>, key: string, value: unknown) => {
  const out = { ...obj };
  if (value === undefined || value === "") delete out[key];
  else out[key] = value;
  return out;
};

export function Inspector({ taskDefs, schemas = [], workflowNames }: { taskDefs: TaskDef[]; schemas?: SchemaDef[]; workflowNames: string[] }) {
  const def = useStore((s) => s.def);
  const selected = useStore((s) => s.selected);
  const task = selected ? (getIn(def, selected) as Task | undefined) : undefined;
  if (!selected || !task) return <WorkflowSettings def={def} taskDefs={taskDefs} schemas={schemas} workflowNames={workflowNames} />;
  return <TaskForm key={pathKey(selected)} def={def} path={selected} task={task} taskDefs={taskDefs} schemas={schemas} workflowNames={workflowNames} />;
}

function TaskForm({ def, path, task, taskDefs, schemas }: { def: WorkflowDef; path: Path; task: Task; taskDefs: TaskDef[]; schemas: SchemaDef[]; workflowNames: string[] }) {
  const type = typeOf(task);
  const info = typeInfo(type);
  const outputKeys = useMemo(() => Object.fromEntries(taskDefs.map((d) => [d.name, (d.outputKeys as string[]) ?? []])), [taskDefs]);
  const keys = useMemo(() => schemaKeys(def, allTasks(def).map((v) => v.task), taskDefs, schemas), [def, taskDefs, schemas]);
  const cands = useMemo(() => exprCandidates(def, path, outputKeys, keys), [def, path, outputKeys, keys]);
  const key = pathKey(path);
  const commit = (next: Task, field: string) => store.commit(updateTask(store.get().def, path, next), { coalesce: key + "|" + field });
  const set = (field: string, value: unknown) => commit((field === "name" ? { ...task, name: value } : without(task, field, value)) as Task, field);
  // inputParameters is free-form Conductor JSON; each form field below reads its own key as it expects
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const inputs: Record<string, any> = task.inputParameters && typeof task.inputParameters === "object" ? task.inputParameters : {};
  const setInput = (k: string, v: unknown) => commit({ ...task, inputParameters: without(inputs, k, v) }, "in." + k);
  const setInputs = (v: Record<string, unknown>) => commit({ ...task, inputParameters: v }, "inputs");
  const hidden: string[] = [];

  let specific: React.ReactNode = null;
  switch (type) {
    case "SWITCH":
    case "DECISION": {
      const cases = Object.keys(task.decisionCases ?? {});
      specific = (
        <>
          {type === "SWITCH" ? (
            <>
              <Field label="Evaluator">
                <Select value={task.evaluatorType ?? ""} options={["value-param", "javascript", "graaljs"]} onChange={(v) => set("evaluatorType", v)} ariaLabel="Evaluator type" />
              </Field>
              <Field label={task.evaluatorType === "value-param" ? "Expression (name of an input parameter)" : "Expression (script; its result picks the case)"} hint={task.evaluatorType === "value-param" ? "The value of this input parameter selects the case." : "$ is the task input, e.g. $.amount > 100 ? 'big' : 'small'"}>
                <ExprInput value={task.expression ?? ""} onChange={(v) => set("expression", v)} candidates={cands} multiline={task.evaluatorType !== "value-param"} mono ariaLabel="Switch expression" />
              </Field>
            </>
          ) : (
            <>
              <Field label="Case value parameter"><ExprInput value={task.caseValueParam ?? ""} onChange={(v) => set("caseValueParam", v)} candidates={cands} mono ariaLabel="caseValueParam" /></Field>
              <Field label="Case expression (JS)"><ExprInput value={task.caseExpression ?? ""} onChange={(v) => set("caseExpression", v)} candidates={cands} mono multiline ariaLabel="caseExpression" /></Field>
            </>
          )}
          <div className="section-title">Cases</div>
          <div className="list-edit">
            {cases.map((c) => (
              <div className="list-row" key={c}>
                <KeyInput value={c} label={`Case ${c}`} className="input" onCommit={(to) => store.commit(renameCase(store.get().def, path, c, to))} />
                <span className="muted small">{asList(task.decisionCases[c]).length} task{asList(task.decisionCases[c]).length === 1 ? "" : "s"}</span>
                <button className="icon-btn small" aria-label={`Remove case ${c}`} title="Remove case" onClick={() => store.commit(removeCase(store.get().def, path, c))}>✕</button>
              </div>
            ))}
            <div className="list-row"><span className="input ro">default</span><span className="muted small">{asList(task.defaultCase).length} task{asList(task.defaultCase).length === 1 ? "" : "s"}</span></div>
            <button className="btn small ghost" onClick={() => store.commit(addCase(store.get().def, path))}>+ Add case</button>
          </div>
        </>
      );
      break;
    }
    case "FORK_JOIN": {
      const branches: unknown[] = Array.isArray(task.forkTasks) ? task.forkTasks : [];
      specific = (
        <>
          <div className="section-title">Branches (run in parallel)</div>
          <div className="list-edit">
            {branches.map((b, i) => (
              <div className="list-row" key={i}>
                <span className="input ro">branch {i + 1}</span>
                <span className="muted small">{asList(b).length} task{asList(b).length === 1 ? "" : "s"}</span>
                <button className="icon-btn small" aria-label={`Remove branch ${i + 1}`} title="Remove branch" onClick={() => store.commit(removeBranch(store.get().def, path, i))}>✕</button>
              </div>
            ))}
            <button className="btn small ghost" onClick={() => store.commit(addBranch(store.get().def, path))}>+ Add branch</button>
          </div>
        </>
      );
      break;
    }
    case "JOIN":
    case "EXCLUSIVE_JOIN": {
      const list = path.slice(0, -1);
      const prev = getIn(def, [...list, (path[path.length - 1] as number) - 1]) as Task | undefined;
      const options: string[] = [];
      if (prev && typeOf(prev) === "FORK_JOIN") for (const b of prev.forkTasks ?? []) for (const t of asList(b)) options.push(String(t.taskReferenceName));
      const joinOn: string[] = Array.isArray(task.joinOn) ? task.joinOn : [];
      specific = (
        <>
          <Field label="Join on" hint={options.length ? "Kept in step with the last task of each branch unless you change it." : "Task reference names, one per line."}>
            {options.length ? (
              <div className="checks">
                {options.map((o) => (
                  <Check key={o} label={o} checked={joinOn.includes(o)} onChange={(c) => set("joinOn", c ? [...joinOn, o] : joinOn.filter((x) => x !== o))} />
                ))}
              </div>
            ) : (
              <textarea className="input mono" rows={3} value={joinOn.join("\n")} onChange={(e) => set("joinOn", e.target.value.split("\n").map((s) => s.trim()).filter(Boolean))} aria-label="joinOn" />
            )}
          </Field>
          {type === "EXCLUSIVE_JOIN" && (
            <Field label="Default exclusive join task">
              <input className="input mono" value={(task.defaultExclusiveJoinTask ?? []).join(", ")} onChange={(e) => set("defaultExclusiveJoinTask", e.target.value.split(",").map((s) => s.trim()).filter(Boolean))} />
            </Field>
          )}
        </>
      );
      break;
    }
    case "FORK_JOIN_DYNAMIC":
      specific = (
        <>
          <Field label="Tasks parameter" hint="Input parameter holding the list of tasks to fork">
            <Select value={task.dynamicForkTasksParam ?? ""} options={Object.keys(inputs)} onChange={(v) => set("dynamicForkTasksParam", v)} ariaLabel="dynamicForkTasksParam" />
          </Field>
          <Field label="Tasks input parameter" hint="Input parameter holding a map ref → input">
            <Select value={task.dynamicForkTasksInputParamName ?? ""} options={Object.keys(inputs)} onChange={(v) => set("dynamicForkTasksInputParamName", v)} ariaLabel="dynamicForkTasksInputParamName" />
          </Field>
        </>
      );
      break;
    case "DO_WHILE":
      hidden.push("keepLastN");
      specific = (
        <>
          <Field label="Loop condition" hint={<>JavaScript; <code>{`$.${task.taskReferenceName}['iteration']`}</code> is the iteration, <code>$.bodyRef</code> a body task's output. True → run again.</>}>
            <ExprInput value={task.loopCondition ?? ""} onChange={(v) => set("loopCondition", v)} candidates={cands} multiline mono ariaLabel="Loop condition" />
          </Field>
          <Field label="Items (for-each mode)" hint="An expression yielding a list; the body runs once per item.">
            <ExprInput value={typeof task.items === "string" ? task.items : task.items ? JSON.stringify(task.items) : ""} onChange={(v) => set("items", v)} candidates={cands} mono ariaLabel="Items" />
          </Field>
          <Field label="Keep last N iterations"><NumberInput value={inputs.keepLastN} onChange={(v) => setInput("keepLastN", v)} min={1} ariaLabel="keepLastN" /></Field>
        </>
      );
      break;
    case "SUB_WORKFLOW": {
      const p = task.subWorkflowParam ?? {};
      const setP = (k: string, v: unknown) => set("subWorkflowParam", without(p, k, v));
      specific = (
        <>
          <Field label="Workflow">
            <input className="input" list="wf-names" value={p.name ?? ""} onChange={(e) => setP("name", e.target.value)} aria-label="Sub workflow name" />
          </Field>
          <Field label="Version" hint="Empty = latest"><NumberInput value={p.version} onChange={(v) => setP("version", v)} min={1} ariaLabel="Sub workflow version" /></Field>
          {p.name && <a className="btn small ghost" href={editorUrl(p.name, p.version)} target="_blank" rel="noreferrer">Open {p.name} ↗</a>}
        </>
      );
      break;
    }
    case "START_WORKFLOW": {
      hidden.push("startWorkflow");
      const sw = inputs.startWorkflow && typeof inputs.startWorkflow === "object" ? inputs.startWorkflow : {};
      const setS = (k: string, v: unknown) => setInput("startWorkflow", without(sw, k, v));
      specific = (
        <>
          <Field label="Workflow"><input className="input" list="wf-names" value={sw.name ?? ""} onChange={(e) => setS("name", e.target.value)} aria-label="Workflow to start" /></Field>
          <Field label="Version"><NumberInput value={sw.version} onChange={(v) => setS("version", v)} min={1} /></Field>
          <Field label="Correlation id"><ExprInput value={sw.correlationId ?? ""} onChange={(v) => setS("correlationId", v)} candidates={cands} /></Field>
          <Field label="Input"><KVEditor value={sw.input} onChange={(v) => setS("input", v)} candidates={cands} /></Field>
        </>
      );
      break;
    }
    case "TERMINATE":
      hidden.push("terminationStatus", "terminationReason", "workflowOutput");
      specific = (
        <>
          <Field label="Status"><Select value={inputs.terminationStatus ?? ""} options={["COMPLETED", "FAILED", "TERMINATED"]} onChange={(v) => setInput("terminationStatus", v)} ariaLabel="Termination status" /></Field>
          <Field label="Reason"><ExprInput value={inputs.terminationReason ?? ""} onChange={(v) => setInput("terminationReason", v)} candidates={cands} /></Field>
          <Field label="Workflow output"><KVEditor value={inputs.workflowOutput} onChange={(v) => setInput("workflowOutput", v)} candidates={cands} /></Field>
        </>
      );
      break;
    case "DYNAMIC":
      specific = (
        <Field label="Task name parameter" hint="Input parameter holding the name of the task to run">
          <Select value={task.dynamicTaskNameParam ?? ""} options={Object.keys(inputs)} onChange={(v) => set("dynamicTaskNameParam", v)} ariaLabel="dynamicTaskNameParam" />
        </Field>
      );
      break;
    case "INLINE":
      hidden.push("evaluatorType", "expression");
      specific = (
        <>
          <Field label="Evaluator"><Select value={inputs.evaluatorType ?? ""} options={["graaljs", "javascript"]} onChange={(v) => setInput("evaluatorType", v)} ariaLabel="Inline evaluator" /></Field>
          <Field label="Script" hint="$ is the task input; the value of the script is output.result">
            <ExprInput value={inputs.expression ?? ""} onChange={(v) => setInput("expression", v)} candidates={cands} multiline mono rows={7} ariaLabel="Inline script" />
          </Field>
        </>
      );
      break;
    case "LAMBDA":
      hidden.push("scriptExpression");
      specific = (
        <Field label="Script"><ExprInput value={inputs.scriptExpression ?? ""} onChange={(v) => setInput("scriptExpression", v)} candidates={cands} multiline mono rows={6} ariaLabel="Lambda script" /></Field>
      );
      break;
    case "JSON_JQ_TRANSFORM":
      hidden.push("queryExpression");
      specific = (
        <Field label="jq program" hint="Runs over the whole task input; output.result holds the first value">
          <ExprInput value={inputs.queryExpression ?? ""} onChange={(v) => setInput("queryExpression", v)} candidates={cands} multiline mono ariaLabel="jq program" />
        </Field>
      );
      break;
    case "HTTP": {
      hidden.push("http_request");
      const r = inputs.http_request && typeof inputs.http_request === "object" ? inputs.http_request : {};
      const setR = (k: string, v: unknown) => setInput("http_request", without(r, k, v));
      specific = (
        <>
          <div className="row2">
            <Field label="Method"><Select value={r.method ?? ""} options={["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]} onChange={(v) => setR("method", v)} ariaLabel="HTTP method" /></Field>
            <Field label="URL"><ExprInput value={r.uri ?? ""} onChange={(v) => setR("uri", v)} candidates={cands} ariaLabel="HTTP URL" /></Field>
          </div>
          <Field label="Headers"><KVEditor value={r.headers} onChange={(v) => setR("headers", v)} candidates={cands} addLabel="Add header" /></Field>
          <Field label="Body (JSON)"><JsonField value={r.body} onChange={(v) => setR("body", v)} ariaLabel="HTTP body" /></Field>
          <div className="row2">
            <Field label="Accept"><input className="input" value={r.accept ?? ""} onChange={(e) => setR("accept", e.target.value)} placeholder="application/json" /></Field>
            <Field label="Content type"><input className="input" value={r.contentType ?? ""} onChange={(e) => setR("contentType", e.target.value)} placeholder="application/json" /></Field>
          </div>
          <div className="row2">
            <Field label="Connect timeout (ms)"><NumberInput value={r.connectionTimeOut} onChange={(v) => setR("connectionTimeOut", v)} /></Field>
            <Field label="Read timeout (ms)"><NumberInput value={r.readTimeOut} onChange={(v) => setR("readTimeOut", v)} /></Field>
          </div>
        </>
      );
      break;
    }
    case "WAIT": {
      hidden.push("duration", "until");
      const mode = inputs.duration !== undefined ? "duration" : inputs.until !== undefined ? "until" : "signal";
      specific = (
        <>
          <Field label="Wait for">
            <Select
              value={mode}
              options={["duration", "until", "signal"]}
              onChange={(m) => {
                const next = { ...inputs };
                delete next.duration;
                delete next.until;
                if (m === "duration") next.duration = "10s";
                if (m === "until") next.until = new Date(Date.now() + 3600e3).toISOString().slice(0, 16).replace("T", " ");
                commit({ ...task, inputParameters: next }, "waitmode");
              }}
              ariaLabel="Wait mode"
            />
          </Field>
          {mode === "duration" && <Field label="Duration" hint="e.g. 30s, 10m, 2 hours, 1d 2h"><ExprInput value={String(inputs.duration ?? "")} onChange={(v) => setInput("duration", v)} candidates={cands} /></Field>}
          {mode === "until" && <Field label="Until" hint="yyyy-MM-dd HH:mm[ z] or yyyy-MM-dd"><ExprInput value={String(inputs.until ?? "")} onChange={(v) => setInput("until", v)} candidates={cands} /></Field>}
          {mode === "signal" && <p className="muted small">Waits until completed by a task update or a signal.</p>}
        </>
      );
      break;
    }
    case "HUMAN":
      hidden.push(...HUMAN_KEYS);
      specific = <HumanInspector inputs={inputs} schemas={schemas} candidates={cands} onChange={(next, field) => commit({ ...task, inputParameters: next }, "human." + field)} />;
      break;
    case "EVENT":
      specific = (
        <Field label="Sink" hint="conductor, conductor:queue, sqs:name, kafka:topic…"><input className="input mono" value={task.sink ?? ""} onChange={(e) => set("sink", e.target.value)} aria-label="Event sink" /></Field>
      );
      break;
    default:
      break;
  }

  const isWorker = type === "SIMPLE";
  return (
    <div className="inspector" data-testid="inspector">
      <div className="insp-head">
        <span className={"insp-icon grp-" + info.group.toLowerCase()}>{info.icon}</span>
        <div>
          <div className="insp-type">{info.label}</div>
          <div className="muted small">{info.description}</div>
        </div>
      </div>
      <Field label={isWorker ? "Task name (worker queue)" : "Name"}>
        <input className="input" list={isWorker ? "taskdef-names" : undefined} value={task.name ?? ""} onChange={(e) => set("name", e.target.value)} aria-label="Task name" spellCheck={false} />
      </Field>
      <Field label="Reference name" hint="Unique in the workflow; used in expressions. Renaming updates references.">
        <KeyInput value={String(task.taskReferenceName ?? "")} label="Reference name" className="input" onCommit={(v) => commit({ ...task, taskReferenceName: v }, "ref")} />
      </Field>
      <Field label="Description"><input className="input" value={task.description ?? ""} onChange={(e) => set("description", e.target.value)} aria-label="Task description" /></Field>
      {specific}
      <InputSchema settings={settingsFor(task, taskDefs)} schemas={schemas} inputs={inputs}
        onAddMissing={(missing) => setInputs({ ...inputs, ...Object.fromEntries(missing.map((k) => [k, ""])) })} />
      {type !== "JOIN" && type !== "FORK_JOIN" && type !== "NOOP" && (
        <>
          <div className="section-title">{type === "SET_VARIABLE" ? "Variables to set" : "Input parameters"}</div>
          <KVEditor value={inputs} onChange={setInputs} candidates={cands} hide={hidden} addLabel={type === "SET_VARIABLE" ? "Add variable" : "Add parameter"} />
        </>
      )}
      <details className="advanced">
        <summary>Execution options</summary>
        <div className="checks">
          <Check label="Optional (a failure does not fail the workflow)" checked={!!task.optional} onChange={(v) => set("optional", v || undefined)} />
          {!isWorker && <Check label="Async complete (completed externally)" checked={!!task.asyncComplete} onChange={(v) => set("asyncComplete", v || undefined)} />}
          <Check label="Permissive" checked={!!task.permissive} onChange={(v) => set("permissive", v || undefined)} />
        </div>
        <div className="row2">
          <Field label="Retry count"><NumberInput value={task.retryCount} onChange={(v) => set("retryCount", v)} min={0} /></Field>
          <Field label="Start delay (s)"><NumberInput value={task.startDelay} onChange={(v) => set("startDelay", v)} min={0} /></Field>
        </div>
      </details>
    </div>
  );
}

function WorkflowSettings({ def, taskDefs, schemas }: { def: WorkflowDef; taskDefs: TaskDef[]; schemas: SchemaDef[]; workflowNames: string[] }) {
  const keys = useMemo(() => schemaKeys(def, allTasks(def).map((v) => v.task), taskDefs, schemas), [def, taskDefs, schemas]);
  const cands = useMemo(() => exprCandidates(def, null, {}, keys), [def, keys]);
  const set = (field: string, value: unknown) => store.commit(without(def, field, value) as WorkflowDef, { coalesce: "wf|" + field });
  return (
    <div className="inspector" data-testid="workflow-settings">
      <div className="insp-head">
        <span className="insp-icon grp-flow">⚑</span>
        <div>
          <div className="insp-type">Workflow settings</div>
          <div className="muted small">Select a task on the canvas to edit it.</div>
        </div>
      </div>
      <Field label="Name"><input className="input" value={def.name ?? ""} onChange={(e) => set("name", e.target.value)} aria-label="Workflow name" /></Field>
      <Field label="Description"><textarea className="input" rows={2} value={def.description ?? ""} onChange={(e) => set("description", e.target.value)} aria-label="Workflow description" /></Field>
      <Field label="Input parameters" hint="Names of the inputs this workflow expects, comma separated (documentation and completion).">
        <input className="input mono" value={(def.inputParameters ?? []).join(", ")} onChange={(e) => set("inputParameters", e.target.value.split(",").map((s) => s.trim()).filter(Boolean))} aria-label="Input parameters" />
      </Field>
      <WorkflowInputSchema def={def} schemas={schemas} set={set} />
      <div className="section-title">Output parameters</div>
      <KVEditor value={def.outputParameters} onChange={(v) => set("outputParameters", v)} candidates={cands} addLabel="Add output" />
      <Field label="Input template (defaults, JSON)"><JsonField value={def.inputTemplate} onChange={(v) => set("inputTemplate", v)} ariaLabel="Input template" /></Field>
      <Field label="Variables (initial, JSON)"><JsonField value={def.variables} onChange={(v) => set("variables", v)} ariaLabel="Variables" /></Field>
      <div className="row2">
        <Field label="Timeout (s)" hint="0 = none"><NumberInput value={def.timeoutSeconds} onChange={(v) => set("timeoutSeconds", v)} min={0} ariaLabel="Timeout seconds" /></Field>
        <Field label="Timeout policy"><Select value={def.timeoutPolicy ?? ""} options={["ALERT_ONLY", "TIME_OUT_WF"]} onChange={(v) => set("timeoutPolicy", v)} ariaLabel="Timeout policy" /></Field>
      </div>
      <Field label="Failure workflow" hint="Started when this one fails">
        <input className="input" list="wf-names" value={def.failureWorkflow ?? ""} onChange={(e) => set("failureWorkflow", e.target.value)} aria-label="Failure workflow" />
      </Field>
      <Field label="Owner email"><input className="input" type="email" value={def.ownerEmail ?? ""} onChange={(e) => set("ownerEmail", e.target.value)} aria-label="Owner email" /></Field>
      <Check label="Restartable (a completed run can be restarted)" checked={def.restartable !== false} onChange={(v) => set("restartable", v)} />
    </div>
  );
}

const NO_SCHEMA = "(none)";

/** The workflow's inputSchema (a registered schema by name and version) and whether starts are checked against it. */
function WorkflowInputSchema({ def, schemas, set }: { def: WorkflowDef; schemas: SchemaDef[]; set: (field: string, value: unknown) => void }) {
  const ref = def.inputSchema && typeof def.inputSchema === "object" ? (def.inputSchema as { name?: string; version?: number }) : undefined;
  const names = [...new Set(schemas.map((s) => s.name))].sort();
  const latest = (name: string) => Math.max(...schemas.filter((s) => s.name === name).map((s) => s.version));
  return (
    <>
      <div className="row2">
        <Field label="Input schema" hint="A registered JSON Schema for the workflow input; its fields are offered in ${…} completion.">
          <Select value={ref?.name ?? NO_SCHEMA} options={[NO_SCHEMA, ...names]} onChange={(v) => set("inputSchema", v === NO_SCHEMA ? undefined : { name: v, version: latest(v) })} ariaLabel="Workflow input schema" />
        </Field>
        {ref && <Field label="Version"><NumberInput value={ref.version} onChange={(v) => set("inputSchema", { ...ref, version: v })} min={1} ariaLabel="Input schema version" /></Field>}
      </div>
      {ref && <Check label="Enforce it (a start whose input breaks the schema is refused)" checked={def.enforceSchema === true} onChange={(v) => set("enforceSchema", v || undefined)} />}
    </>
  );
}

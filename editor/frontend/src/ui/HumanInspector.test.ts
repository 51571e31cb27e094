// The HUMAN inspector. Vitest runs in node without a DOM, so: (1) React's server renderer shows what
// an existing definition displays (every agreed key in its field); (2) the element tree the component
// returns is searched for a field by its accessible label and that field's own handlers are called
// with what a user would type, checking which keys the component writes or removes. (Real typing
// and clicking is tests/browser/human_inspector.mjs.)
import { createElement, isValidElement, type ReactElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { HumanInspector } from "./HumanInspector";

const SCHEMAS = [
  { name: "expense", version: 1, data: { type: "object", properties: { amount: { type: "number" } } } },
  { name: "expense", version: 2, data: { type: "object", properties: { amount: { type: "number" }, purpose: { type: "string" } } } },
];

const render = (inputs: Record<string, unknown>) =>
  renderToStaticMarkup(createElement(HumanInspector, { inputs, onChange: () => undefined, candidates: [], schemas: SCHEMAS }));

/** The value attribute of the control labelled `label` (inputs, selects show their selected option). */
function valueOf(html: string, label: string): string | undefined {
  const esc = label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const input = new RegExp(`<input[^>]*aria-label="${esc}"[^>]*>`).exec(html)?.[0];
  if (input) return /value="([^"]*)"/.exec(input)?.[1] ?? "";
  const textarea = new RegExp(`<textarea[^>]*aria-label="${esc}"[^>]*>([^<]*)</textarea>`).exec(html);
  if (textarea) return textarea[1];
  const select = new RegExp(`<select[^>]*aria-label="${esc}"[^>]*>(.*?)</select>`).exec(html)?.[1];
  return select ? /<option[^>]*selected=""[^>]*>([^<]*)</.exec(select)?.[1] : undefined;
}

const FULL = {
  assignees: ["ann", "bob"],
  groups: "${workflow.input.approvers}",
  form: { name: "expense", version: 2, order: ["purpose", "amount"], labels: { amount: "Amount (EUR)" } },
  dueIn: "PT4H",
  priority: 8,
  fourEyes: true,
  reasonRequiredOnReject: false,
  approvals: { required: 2, rejectionsToFail: 1 },
  escalation: [{ after: "PT30M", groups: ["leads"] }, { after: 3600, assignees: ["cfo"] }],
  onEscalationExhausted: { action: "COMPLETE", output: { approved: false } },
  contextParameters: { Amount: "${workflow.input.amount}" },
};

describe("HUMAN inspector", () => {
  it("shows every key of an existing definition in its field", () => {
    const html = render(FULL);
    expect(valueOf(html, "Assignees")).toBe("ann, bob");
    expect(valueOf(html, "Groups")).toBe("${workflow.input.approvers}");
    expect(valueOf(html, "Form source")).toBe("Registered schema");
    expect(valueOf(html, "Form schema")).toBe("expense");
    expect(valueOf(html, "Form schema version")).toBe("2");
    expect(valueOf(html, "Field order")).toBe("purpose, amount");
    expect(html).toContain("Fields: amount, purpose"); // of version 2, the one chosen
    expect(valueOf(html, "Label for amount")).toBe("Amount (EUR)");
    expect(valueOf(html, "Label for purpose")).toBe("");
    expect(valueOf(html, "Due in")).toBe("PT4H");
    expect(valueOf(html, "Due at")).toBe("");
    expect(valueOf(html, "Priority")).toBe("8");
    expect(valueOf(html, "Approvals required")).toBe("2");
    expect(valueOf(html, "Rejections to fail")).toBe("1");
    expect(html).toMatch(/<input type="checkbox" checked=""\/> Four eyes/);
    expect(html).toMatch(/<input type="checkbox"\/> A rejection needs a reason/);
    expect((html.match(/data-testid="escalation-step"/g) ?? []).length).toBe(2);
    expect(valueOf(html, "Step 1 after")).toBe("PT30M");
    expect(valueOf(html, "Step 1 groups")).toBe("leads");
    expect(valueOf(html, "Step 2 after")).toBe("3600");
    expect(valueOf(html, "Step 2 assignees")).toBe("cfo");
    expect(valueOf(html, "When escalation is exhausted")).toBe("COMPLETE");
    expect(valueOf(html, "Default output")).toContain("&quot;approved&quot;: false");
    expect(valueOf(html, "Label")).toBe("Amount");
    expect(valueOf(html, "Value of Amount")).toBe("${workflow.input.amount}");
  });

  it("an empty HUMAN task shows empty fields and the defaults, no escalation rows", () => {
    const html = render({});
    expect(valueOf(html, "Assignees")).toBe("");
    expect(valueOf(html, "Form source")).toBe("No form");
    expect(valueOf(html, "Form schema")).toBeUndefined();
    expect(html).toMatch(/<input type="checkbox"\/> Four eyes/);
    expect(html).toMatch(/<input type="checkbox" checked=""\/> A rejection needs a reason/); // server default: true
    expect(html).not.toContain("escalation-step");
    expect(html).not.toContain("When escalation is exhausted");
  });

  it("an inline form schema shows as JSON text; a hostile label is text", () => {
    const html = render({ form: { schema: { type: "object", properties: { "<b>x</b>": { type: "string" } } } } });
    expect(valueOf(html, "Form source")).toBe("Inline JSON Schema");
    expect(valueOf(html, "Inline form schema")).toContain("&quot;type&quot;: &quot;object&quot;");
    expect(html).not.toContain("<b>x</b>");
    expect(html).toContain("&lt;b&gt;x&lt;/b&gt;");
  });
});

// ---- writes: the component's own handlers, found by label ----------------------------------

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type El = ReactElement<Record<string, any>>;

/** All elements of the tree; the hook-free section components (FormSection) are expanded by calling them. */
function elements(node: ReactNode, out: El[] = []): El[] {
  if (Array.isArray(node)) node.forEach((n) => elements(n, out));
  else if (isValidElement(node)) {
    const el = node as El;
    out.push(el);
    if (typeof el.type === "function" && el.type.name === "FormSection") elements((el.type as (p: unknown) => ReactNode)(el.props), out);
    elements(el.props.children, out);
  }
  return out;
}

function inspector(inputs: Record<string, unknown>) {
  const writes: { next: Record<string, unknown>; field: string }[] = [];
  const tree = elements(HumanInspector({ inputs, onChange: (next, field) => writes.push({ next, field }), candidates: [], schemas: SCHEMAS }));
  const byLabel = (label: string) => {
    const el = tree.find((e) => e.props.ariaLabel === label || (typeof e.props.label === "string" && e.props.label.startsWith(label) && "checked" in e.props));
    if (!el) throw new Error("no field " + label);
    return el;
  };
  const last = () => writes[writes.length - 1]?.next;
  return {
    writes,
    last,
    /** Type `text` into a parsed field: its error, or what was written. */
    type(label: string, text: string): string | Record<string, unknown> | undefined {
      const el = byLabel(label);
      const parsed = el.props.parse(text);
      if ("error" in parsed) return parsed.error;
      el.props.onChange(parsed.value);
      return last();
    },
    pick(label: string, value: string | boolean) {
      byLabel(label).props.onChange(value);
      return last();
    },
    /** A plain input (no parsing): its change handler with `text`. */
    input(label: string, text: string) {
      const el = tree.find((e) => e.type === "input" && e.props["aria-label"] === label);
      if (!el) throw new Error("no input " + label);
      el.props.onChange({ target: { value: text } });
      return last();
    },
    kv(addLabel: string) {
      const el = tree.find((e) => e.props.addLabel === addLabel);
      if (!el) throw new Error("no rows " + addLabel);
      return el.props as { onChange: (v: Record<string, unknown>) => void };
    },
    press(text: string) {
      const button = tree.find((e) => e.type === "button" && [e.props.children].flat().join("").includes(text) || e.props["aria-label"] === text);
      if (!button) throw new Error("no button " + text);
      button.props.onClick({ preventDefault: () => undefined });
      return last();
    },
  };
}

describe("HUMAN inspector writes", () => {
  it("each field writes its agreed key, and an emptied field removes it", () => {
    const base = { groups: ["finance"], priority: 8, dueIn: "PT4H", approvals: { required: 2 }, fourEyes: true, note: "kept" };
    expect(inspector(base).type("Groups", "finance, risk")).toEqual({ ...base, groups: ["finance", "risk"] });
    expect(inspector(base).type("Assignees", "${workflow.input.approver}")).toEqual({ ...base, assignees: "${workflow.input.approver}" });
    expect(inspector(base).type("Priority", "")).not.toHaveProperty("priority");
    expect(inspector(base).type("Approvals required", "")).not.toHaveProperty("approvals");
    expect(inspector(base).type("Rejections to fail", "2")).toEqual({ ...base, approvals: { required: 2, rejectionsToFail: 2 } });
    const due = inspector(base).type("Due at", "${workflow.input.deadline}") as Record<string, unknown>;
    expect(due.dueAt).toBe("${workflow.input.deadline}");
    expect(due).not.toHaveProperty("dueIn");
    expect(inspector(base).type("Due in", "3600")).toEqual({ ...base, dueIn: 3600 });
    expect(inspector(base).pick("Four eyes", false)).not.toHaveProperty("fourEyes");
    expect(inspector(base).pick("A rejection needs a reason", false)).toEqual({ ...base, reasonRequiredOnReject: false });
    expect(inspector({ ...base, reasonRequiredOnReject: false }).pick("A rejection needs a reason", true)).toEqual(base);
  });

  it("a value that does not parse shows its error and writes nothing", () => {
    const h = inspector({ priority: 8 });
    expect(h.type("Priority", "11")).toBe("Priority is a whole number from 0 to 10.");
    expect(h.type("Due in", "soon")).toMatch(/^Not a duration/);
    expect(h.type("Approvals required", "0")).toMatch(/whole number from 1/);
    expect(h.writes).toEqual([]);
  });

  it("escalation steps: added with a default wait, edited, removed; the last removal drops onEscalationExhausted", () => {
    const start = { groups: ["l1"] };
    const one = inspector(start).press("+ Add escalation step") as Record<string, unknown>;
    expect(one).toEqual({ groups: ["l1"], escalation: [{ after: "PT30M" }] });
    const edited = inspector(one).type("Step 1 groups", "l2, l3") as Record<string, unknown>;
    expect(edited.escalation).toEqual([{ after: "PT30M", groups: ["l2", "l3"] }]);
    expect(inspector(edited).type("Step 1 after", "")).toEqual({ groups: ["l1"], escalation: [{ groups: ["l2", "l3"] }] });
    const failing = inspector(edited).pick("When escalation is exhausted", "FAIL") as Record<string, unknown>;
    expect(failing.onEscalationExhausted).toEqual({ action: "FAIL" });
    expect(inspector(failing).press("Remove escalation step 1")).toEqual({ groups: ["l1"] });
  });

  it("the form: registered schema with its latest version, inline schema, none", () => {
    const reg = inspector({}).pick("Form source", "Registered schema") as Record<string, unknown>;
    expect(reg).toEqual({ form: { name: "expense", version: 2 } });
    expect(inspector(reg).pick("Form schema version", undefined as never)).toEqual({ form: { name: "expense" } });
    const ordered = inspector(reg).type("Field order", "purpose, amount") as Record<string, unknown>;
    expect(ordered).toEqual({ form: { name: "expense", version: 2, order: ["purpose", "amount"] } });
    expect(inspector(ordered).pick("Form source", "Inline JSON Schema")).toEqual({ form: { schema: { type: "object", properties: {} }, order: ["purpose", "amount"] } });
    expect(inspector(ordered).pick("Form source", "No form")).toEqual({});
    // labels per schema field: typed, and emptied again (the last one removes `labels`)
    const label = (h: ReturnType<typeof inspector>, field: string, text: string) => h.input(`Label for ${field}`, text);
    const labelled = label(inspector(reg), "purpose", "What for?");
    expect(labelled).toEqual({ form: { name: "expense", version: 2, labels: { purpose: "What for?" } } });
    expect(label(inspector(labelled as Record<string, unknown>), "purpose", "")).toEqual(reg);
  });

  it("context parameters: label → expression, the last one removed removes the key", () => {
    const ctx = { groups: ["g"], contextParameters: { Amount: "${workflow.input.amount}" } };
    // the rows are the shared KVEditor (its own rows have their tests); here: what its changes write
    const rows = (h: ReturnType<typeof inspector>) => h.kv("Add context value");
    const h = inspector(ctx);
    rows(h).onChange({ Amount: "${workflow.input.amount}", Risk: "${score_ref.output.risk}" });
    expect(h.last()).toEqual({ groups: ["g"], contextParameters: { Amount: "${workflow.input.amount}", Risk: "${score_ref.output.risk}" } });
    rows(h).onChange({});
    expect(h.last()).toEqual({ groups: ["g"] });
  });
});

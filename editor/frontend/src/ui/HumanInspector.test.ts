// The HUMAN inspector rendered (React's server renderer: vitest runs in node, without a DOM) from
// existing definitions: every agreed key shows in its field, nothing is lost or invented.
import { createElement } from "react";
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
  form: { name: "expense", version: 2, order: ["purpose", "amount"] },
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

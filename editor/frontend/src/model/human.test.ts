import { describe, expect, it } from "vitest";
import {
  formMode, namesText, parseDuration, parseInlineSchema, parseNames, parseWhole, switchForm, withDue, withEscalation,
  withFormKey, withKey, withStep,
} from "./human";

describe("HUMAN keys: writers", () => {
  it("an empty value removes its key instead of writing it", () => {
    const inputs = { groups: ["finance"], priority: 7, approvals: { required: 2 } };
    expect(withKey(inputs, "priority", undefined)).toEqual({ groups: ["finance"], approvals: { required: 2 } });
    expect(withKey(inputs, "groups", [])).toEqual({ priority: 7, approvals: { required: 2 } });
    expect(withKey(inputs, "approvals", withKey(inputs.approvals, "required", undefined))).toEqual({ groups: ["finance"], priority: 7 });
    expect(withKey(inputs, "priority", "")).not.toHaveProperty("priority");
    expect(withKey({}, "priority", 0)).toEqual({ priority: 0 }); // 0 is a value, not empty
    expect(withKey({}, "fourEyes", false)).toEqual({ fourEyes: false });
  });

  it("reads assignees and groups as a comma list or one expression", () => {
    expect(parseNames(" ann, bob ,, ")).toEqual(["ann", "bob"]);
    expect(parseNames("${workflow.input.approvers}")).toBe("${workflow.input.approvers}");
    expect(parseNames("  ")).toBeUndefined();
    expect(namesText(["ann", "bob"])).toBe("ann, bob");
    expect(namesText("${workflow.input.approvers}")).toBe("${workflow.input.approvers}");
    expect(namesText(undefined)).toBe("");
  });

  it("accepts the agreed duration forms and refuses others", () => {
    expect(parseDuration("PT4H")).toEqual({ value: "PT4H" });
    expect(parseDuration("2h")).toEqual({ value: "2h" });
    expect(parseDuration("1h30m")).toEqual({ value: "1h30m" });
    expect(parseDuration("3600")).toEqual({ value: 3600 }); // seconds: a number
    expect(parseDuration("")).toEqual({ value: undefined });
    expect(parseDuration("P")).toHaveProperty("error");
    expect(parseDuration("soon")).toHaveProperty("error");
    expect(parseDuration("PT")).toHaveProperty("error");
  });

  it("priority is a whole number 0..10", () => {
    expect(parseWhole("0", 0, 10, "Priority")).toEqual({ value: 0 });
    expect(parseWhole("10", 0, 10, "Priority")).toEqual({ value: 10 });
    expect(parseWhole("11", 0, 10, "Priority")).toEqual({ error: "Priority is a whole number from 0 to 10." });
    expect(parseWhole("2.5", 0, 10, "Priority")).toHaveProperty("error");
    expect(parseWhole("", 0, 10, "Priority")).toEqual({ value: undefined });
  });

  it("dueIn and dueAt exclude each other", () => {
    const a = withDue({ dueAt: "${workflow.input.deadline}" }, "dueIn", "PT4H");
    expect(a).toEqual({ dueIn: "PT4H" });
    expect(withDue(a, "dueAt", "${workflow.input.deadline}")).toEqual({ dueAt: "${workflow.input.deadline}" });
    expect(withDue(a, "dueIn", undefined)).toEqual({});
  });

  it("escalation steps are added, edited and removed; with none left the exhausted action goes too", () => {
    const start = { groups: ["l1"], onEscalationExhausted: { action: "FAIL" } };
    let steps: Record<string, unknown>[] = [{ after: "PT30M", groups: ["l2"] }, { after: "1h", assignees: ["boss"] }];
    let inputs = withEscalation(start, steps);
    expect(inputs.escalation).toEqual(steps);
    steps = withStep(steps, 1, withKey(steps[1], "assignees", undefined));
    expect(steps[1]).toEqual({ after: "1h" });
    inputs = withEscalation(inputs, withStep(steps, 0, undefined));
    expect(inputs.escalation).toEqual([{ after: "1h" }]);
    inputs = withEscalation(inputs, withStep(inputs.escalation as Record<string, unknown>[], 0, undefined));
    expect(inputs).toEqual({ groups: ["l1"] });
  });

  it("the form: registered reference, inline schema, switching keeps order and labels", () => {
    expect(formMode(undefined)).toBe("none");
    expect(formMode({ name: "expense", version: 1 })).toBe("registered");
    expect(formMode({ schema: {} })).toBe("inline");
    expect(formMode("${workflow.input.form}")).toBe("expression");
    const reg = { name: "expense", version: 2, order: ["amount"], labels: { amount: "Amount" } };
    expect(switchForm(reg, "inline")).toEqual({ schema: { type: "object", properties: {} }, order: ["amount"], labels: { amount: "Amount" } });
    expect(switchForm({ schema: {} }, "registered", { name: "expense", version: 3 })).toEqual({ name: "expense", version: 3 });
    expect(switchForm(reg, "none")).toBeUndefined();
    expect(withFormKey(reg, "version", undefined)).toEqual({ name: "expense", order: ["amount"], labels: { amount: "Amount" } });
  });

  it("inline schema text must be a JSON object", () => {
    expect(parseInlineSchema('{"type": "object"}')).toEqual({ value: { type: "object" } });
    const bad = parseInlineSchema('{"type": ');
    expect("error" in bad && bad.error.startsWith("Not valid JSON")).toBe(true);
    expect(parseInlineSchema("[1]")).toHaveProperty("error");
    expect(parseInlineSchema("")).toEqual({ value: undefined });
  });
});

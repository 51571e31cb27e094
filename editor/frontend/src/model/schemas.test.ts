import { describe, expect, it } from "vitest";
import { candidates } from "./expressions";
import { findSchema, schemaFields, schemaKeys, settingsFor } from "./schemas";
import type { WorkflowDef } from "./types";

const ORDER = {
  type: "object",
  required: ["order"],
  $defs: { money: { type: "number", minimum: 0 } },
  properties: {
    order: {
      type: "object",
      required: ["total"],
      properties: {
        total: { $ref: "#/$defs/money", description: "gross" },
        currency: { enum: ["EUR", "USD"] },
        email: { type: "string", format: "email" },
        lines: { type: "array", items: { type: "string" } },
        self: { $ref: "#/properties/order" },
      },
    },
    note: { type: ["string", "null"] },
  },
};

describe("schema fields", () => {
  it("lists properties with their types and whether they are required", () => {
    const fields = schemaFields(ORDER).map((f) => [f.path, f.type, f.required]);
    expect(fields.slice(0, 5)).toEqual([
      ["order", "object", true],
      ["order.total", "number", true],
      ["order.currency", 'one of: "EUR", "USD"', false],
      ["order.email", "string (email)", false],
      ["order.lines", "array of string", false],
    ]);
    expect(fields).toContainEqual(["note", "string | null", false]);
    expect(schemaFields(ORDER).find((f) => f.path === "order.total")?.description).toBe("gross");
  });

  it("follows local refs without looping and never remote ones", () => {
    const paths = schemaFields(ORDER).map((f) => f.path);
    expect(paths.filter((p) => p.startsWith("order.self")).length).toBeLessThan(10);
    expect(schemaFields({ properties: { a: { $ref: "http://evil/x.json" } } })).toEqual([]);
    expect(schemaFields("not a schema")).toEqual([]);
  });

  it("follows refs to registered schemas (baton:schema/...) as the server does, cycles included", () => {
    const address = { $defs: { zip: { type: "string", pattern: "^[0-9]{5}$" } }, required: ["zip"],
      properties: { zip: { $ref: "#/$defs/zip" }, city: { type: "string" } } };
    const tree = { properties: { v: { type: "integer" }, kid: { $ref: "baton:schema/tree/1" } } };
    const registered = [{ name: "address", version: 1, data: address }, { name: "tree", version: 1, data: tree }];
    const order = { properties: { ship: { $ref: "baton:schema/address/1" }, zip: { $ref: "baton:schema/address#/$defs/zip" },
      lines: { type: "array", items: { $ref: "baton:schema/address" } }, gone: { $ref: "baton:schema/nope/1" } } };
    expect(schemaFields(order, 4, registered).map((f) => [f.path, f.type, f.required])).toEqual([
      ["ship", "object", false], ["ship.zip", "string", true], ["ship.city", "string", false],
      ["zip", "string", false], ["lines", "array of object", false],
    ]);
    expect(schemaFields(order).map((f) => f.path)).toEqual(["lines"]); // without the registry nothing resolves
    const paths = schemaFields(tree, 10, registered).map((f) => f.path);
    expect(paths).toEqual(["v", "kid", "kid.v"]);
  });

  it("finds a schema by name and version, or the latest", () => {
    const all = [{ name: "o", version: 1 }, { name: "o", version: 3 }, { name: "p", version: 2 }];
    expect(findSchema(all, { name: "o", version: 1 })?.version).toBe(1);
    expect(findSchema(all, { name: "o" })?.version).toBe(3);
    expect(findSchema(all, { name: "o", version: 2 })).toBeUndefined();
    expect(findSchema(all, "o")).toBeUndefined();
  });

  it("prefers a task's inline taskDefinition over the registered TaskDef", () => {
    const defs = [{ name: "tax", inputSchema: { name: "registered" } }];
    expect(settingsFor({ name: "tax" }, defs).inputSchema).toEqual({ name: "registered" });
    expect(settingsFor({ name: "tax", taskDefinition: { inputSchema: { name: "inline" } } }, defs).inputSchema).toEqual({ name: "inline" });
    expect(settingsFor({ name: "other" }, defs)).toEqual({});
  });

  it("offers output schema fields of upstream tasks and workflow input schema fields in completion", () => {
    const def: WorkflowDef = {
      name: "w",
      inputSchema: { name: "order", version: 1 },
      tasks: [
        { name: "tax", taskReferenceName: "calc", type: "SIMPLE" },
        { name: "ship", taskReferenceName: "ship", type: "SIMPLE" },
      ],
    };
    const schemas = [
      { name: "order", version: 1, data: ORDER },
      { name: "tax", version: 1, data: { type: "object", required: ["tax"], properties: { tax: { type: "number" } } } },
    ];
    const keys = schemaKeys(def, def.tasks, [{ name: "tax", outputSchema: { name: "tax", version: 1 } } as { name: string }], schemas);
    const c = candidates(def, ["tasks", 1], {}, keys);
    expect(c).toContainEqual({ expr: "calc.output.tax", detail: "output schema: number, required" });
    expect(c).toContainEqual({ expr: "workflow.input.order.total", detail: "input schema: number, required" });
    expect(candidates(def, ["tasks", 0], {}, keys).map((x) => x.expr)).not.toContain("calc.output.tax");
  });
});

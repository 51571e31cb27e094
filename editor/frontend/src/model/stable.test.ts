import { describe, expect, it } from "vitest";
import { keepUnchanged, sameItem, stableList } from "./stable";

const l = { id: "x" }; // a layout node: the same object across status changes
const node = (id: string, status?: string, x = 0) => ({ id, type: "task", position: { x, y: 0 }, data: { l, status, problems: 0 } });

describe("keepUnchanged", () => {
  it("keeps the objects of unchanged items and takes the changed ones", () => {
    const prev = [node("a", "SCHEDULED"), node("b", "SCHEDULED"), node("c")];
    const next = [node("a", "SCHEDULED"), node("b", "COMPLETED"), node("c")];
    const out = keepUnchanged(prev, next);
    expect(out[0]).toBe(prev[0]);
    expect(out[1]).toBe(next[1]);
    expect(out[1].data.status).toBe("COMPLETED");
    expect(out[2]).toBe(prev[2]);
  });

  it("returns the previous array itself when nothing changed", () => {
    const prev = [node("a", "SCHEDULED"), node("b")];
    expect(keepUnchanged(prev, [node("a", "SCHEDULED"), node("b")])).toBe(prev);
    expect(keepUnchanged(null, prev)).toBe(prev);
  });

  it("sees a moved node, a new field, a removed item and a reordering", () => {
    const prev = [node("a"), node("b")];
    expect(keepUnchanged(prev, [node("a", undefined, 5), node("b")])[0]).not.toBe(prev[0]);
    expect(sameItem(node("a"), { ...node("a"), draggable: true })).toBe(false);
    expect(keepUnchanged(prev, [node("a")])).toHaveLength(1);
    const swapped = keepUnchanged(prev, [node("b"), node("a")]);
    expect(swapped).not.toBe(prev);
    expect(swapped[0]).toBe(prev[1]);
  });

  it("compares nested objects by identity below the first level", () => {
    const a = { ...node("a"), data: { l: { id: "x" }, status: "COMPLETED", problems: 0 } };
    expect(sameItem(node("a", "COMPLETED"), a)).toBe(false); // another layout node object
  });
});

describe("stableList", () => {
  it("remembers what it returned last", () => {
    const keep = stableList<ReturnType<typeof node>>();
    const first = keep([node("a", "SCHEDULED"), node("b")]);
    const second = keep([node("a", "COMPLETED"), node("b")]);
    expect(second[1]).toBe(first[1]);
    expect(second[0]).not.toBe(first[0]);
    expect(keep([node("a", "COMPLETED"), node("b")])).toBe(second);
  });
});

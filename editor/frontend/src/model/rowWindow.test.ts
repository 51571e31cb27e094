import { describe, expect, it } from "vitest";
import { rowWindow, scrollToRow } from "./rowWindow";

describe("row window", () => {
  it("renders a short table whole", () => {
    expect(rowWindow({ count: 150, scrollTop: 900, viewHeight: 300, rowHeight: 30 })).toEqual({ start: 0, end: 150, padTop: 0, padBottom: 0 });
  });

  it("renders the view plus a margin of a long table, the rest as padding", () => {
    const w = rowWindow({ count: 1000, scrollTop: 0, viewHeight: 360, rowHeight: 30, margin: 10 });
    expect(w).toEqual({ start: 0, end: 22, padTop: 0, padBottom: 978 * 30 });
    const mid = rowWindow({ count: 1000, scrollTop: 3000, viewHeight: 360, rowHeight: 30, margin: 10 });
    expect(mid.start).toBe(90);
    expect(mid.end).toBe(122);
    // padding plus rendered rows always add up to the whole table's height
    expect(mid.padTop + (mid.end - mid.start) * 30 + mid.padBottom).toBe(1000 * 30);
  });

  it("keeps a full view at the bottom and clamps overscroll", () => {
    const w = rowWindow({ count: 1000, scrollTop: 1e9, viewHeight: 360, rowHeight: 30, margin: 10 });
    expect(w.end).toBe(1000);
    expect(w.end - w.start).toBeGreaterThanOrEqual(12);
    expect(w.padBottom).toBe(0);
    expect(rowWindow({ count: 1000, scrollTop: -50, viewHeight: 360, rowHeight: 30 }).start).toBe(0);
  });

  it("scrolls a row into view only when it is outside it", () => {
    expect(scrollToRow(500, 0, 360, 30)).toBe(500 * 30 + 30 - 360);
    expect(scrollToRow(5, 3000, 360, 30)).toBe(150);
    expect(scrollToRow(101, 3000, 360, 30)).toBe(3000);
  });
});

import { useEffect, useMemo, useRef, useState } from "react";
import { PALETTE_TYPES } from "../model/catalog";
import type { TaskDef } from "../api";

export interface PaletteChoice {
  type: string;
  taskDef?: string;
  paste?: boolean;
}

interface Item {
  key: string;
  icon: string;
  label: string;
  detail: string;
  group: string;
  choice: PaletteChoice;
}

export function Palette({ anchor, taskDefs, canPaste, onPick, onClose }: { anchor: { x: number; y: number }; taskDefs: TaskDef[]; canPaste: boolean; onPick: (c: PaletteChoice) => void; onClose: () => void }) {
  const [q, setQ] = useState("");
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  useEffect(() => input.current?.focus(), []);

  const items = useMemo<Item[]>(() => {
    const out: Item[] = [];
    if (canPaste) out.push({ key: "paste", icon: "⎘", label: "Paste from clipboard", detail: "tasks copied as JSON", group: "Clipboard", choice: { type: "", paste: true } });
    for (const t of PALETTE_TYPES) out.push({ key: "t:" + t.type, icon: t.icon, label: t.label, detail: t.type, group: t.group === "Worker" ? "Worker" : t.group, choice: { type: t.type } });
    for (const d of taskDefs) out.push({ key: "d:" + d.name, icon: "⚙", label: d.name, detail: d.description ? String(d.description) : "registered task definition", group: "Task definitions", choice: { type: "SIMPLE", taskDef: d.name } });
    const words = q.trim().toLowerCase().split(/\s+/).filter(Boolean);
    return out.filter((it) => words.every((w) => (it.label + " " + it.detail + " " + it.group).toLowerCase().includes(w)));
  }, [q, taskDefs, canPaste]);

  useEffect(() => {
    listRef.current?.querySelector(".pal-item.active")?.scrollIntoView({ block: "nearest" });
  }, [active]);

  const W = 320;
  const H = 380;
  const left = Math.max(8, Math.min(anchor.x, window.innerWidth - W - 8));
  const top = Math.max(8, Math.min(anchor.y, window.innerHeight - H - 8));
  let lastGroup = "";

  return (
    <div className="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="palette" style={{ left, top, width: W, maxHeight: H }} role="dialog" aria-label="Add a task">
        <input
          ref={input}
          className="pal-search"
          placeholder="Search task types and definitions…"
          value={q}
          aria-label="Search tasks"
          onChange={(e) => {
            // a new query is a new list: highlight its first item
            setQ(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") {
              e.preventDefault();
              setActive((a) => Math.min(items.length - 1, a + 1));
            } else if (e.key === "ArrowUp") {
              e.preventDefault();
              setActive((a) => Math.max(0, a - 1));
            } else if (e.key === "Enter" && items[active]) {
              e.preventDefault();
              onPick(items[active].choice);
            } else if (e.key === "Escape") {
              e.preventDefault();
              e.stopPropagation();
              onClose();
            }
          }}
        />
        <div className="pal-list" ref={listRef} role="listbox">
          {items.map((it, i) => {
            const head = it.group !== lastGroup ? <div className="pal-group" key={"g" + it.group}>{it.group}</div> : null;
            lastGroup = it.group;
            return [
              head,
              <button
                key={it.key}
                role="option"
                aria-selected={i === active}
                className={"pal-item" + (i === active ? " active" : "")}
                data-type={it.choice.taskDef ? "def:" + it.choice.taskDef : it.choice.paste ? "paste" : it.choice.type}
                onMouseEnter={() => setActive(i)}
                onClick={() => onPick(it.choice)}
              >
                <span className="pal-icon">{it.icon}</span>
                <span className="pal-label">{it.label}</span>
                <span className="pal-detail">{it.detail}</span>
              </button>,
            ];
          })}
          {items.length === 0 && <div className="pal-empty">Nothing matches “{q}”.</div>}
        </div>
      </div>
    </div>
  );
}

import { typeInfo } from "../model/catalog";
import { asList, childLists, getIn, pathKey, typeOf } from "../model/paths";
import type { Path, Task } from "../model/types";
import { useStore } from "../store";
import { STATUS_LABEL, statusClass } from "./Canvas";

/** The same workflow as an indented, keyboard-friendly list (an accessible alternative to the canvas). */
export function Outline({ problemsByPath, onPick }: { problemsByPath: Map<string, number>; onPick: (p: Path) => void }) {
  const def = useStore((s) => s.def);
  const selected = useStore((s) => s.selected);
  const run = useStore((s) => s.run);
  const sel = selected ? pathKey(selected) : "";
  const rows: React.ReactNode[] = [];
  const walkList = (list: Task[], listPath: Path, depth: number) => {
    list.forEach((task, i) => {
      const path = [...listPath, i];
      const type = typeOf(task);
      const info = typeInfo(type);
      const ref = String(task.taskReferenceName ?? "");
      const st = run?.byRef[ref]?.status;
      const probs = problemsByPath.get(pathKey(path)) ?? 0;
      rows.push(
        <li key={pathKey(path)} role="treeitem" aria-level={depth + 1} aria-selected={sel === pathKey(path)}>
          <button className={"ol-row" + (sel === pathKey(path) ? " selected" : "")} style={{ paddingLeft: 12 + depth * 22 }} onClick={() => onPick(path)} data-ref={ref}>
            <span className={"ol-icon grp-" + info.group.toLowerCase()}>{info.icon}</span>
            <span className="ol-name">{String(task.name ?? "")}</span>
            <code className="ol-ref">{ref}</code>
            <span className="ol-type">{type}</span>
            {st && <span className={"status-pill " + statusClass(st)}>{STATUS_LABEL[st] ?? st}</span>}
            {probs > 0 && <span className="err-badge static">{probs}</span>}
          </button>
        </li>,
      );
      for (const c of childLists(task)) {
        const items = asList(getIn(task, c.path));
        rows.push(
          <li key={pathKey([...path, ...c.path])} className="ol-branch" style={{ paddingLeft: 24 + depth * 22 }} aria-hidden={items.length > 0 ? undefined : true}>
            {c.kind === "case" ? `case “${c.label}”` : c.label}
            {items.length === 0 && <span className="muted"> — empty</span>}
          </li>,
        );
        walkList(items, [...path, ...c.path], depth + 1);
      }
    });
  };
  walkList(asList(def.tasks), ["tasks"], 0);
  return (
    <div className="outline" data-testid="outline">
      <ul role="tree" aria-label="Workflow outline">{rows}</ul>
      {rows.length === 0 && <p className="muted pad">No tasks yet. Switch to the diagram and click + to add one.</p>}
    </div>
  );
}

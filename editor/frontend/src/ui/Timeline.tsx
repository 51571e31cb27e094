/**
 * The run's timeline: one row per task, a faint bar while it waited (scheduled → started) and a
 * solid bar while it ran (started → ended, or now). Plain SVG (UX.md: no chart library for the
 * Gantt); collapsible, and whether it is open is remembered.
 */
import { useState } from "react";
import type { RunTask } from "../api";
import { statusClass } from "./Canvas";

const KEY = "baton.run.timeline";
const ROW = 18;
const LABEL = 170;

export function Timeline({ tasks, onPick }: { tasks: RunTask[]; onPick: (ref: string) => void }) {
  const [open, setOpen] = useState(() => {
    try {
      return localStorage.getItem(KEY) === "1";
    } catch {
      return false;
    }
  });
  const toggle = () => {
    setOpen(!open);
    try {
      localStorage.setItem(KEY, open ? "0" : "1");
    } catch {
      /* private mode */
    }
  };
  const timed = tasks.filter((t) => Number(t.scheduledTime) > 0);
  // a running task's bar reaches the newest time the run reported (rendering stays pure)
  const now = Math.max(0, ...timed.map((t) => Math.max(Number(t.endTime) || 0, Number(t.startTime) || 0, Number(t.updateTime) || 0)));
  const t0 = Math.min(...timed.map((t) => Number(t.scheduledTime)));
  const t1 = Math.max(...timed.map((t) => Number(t.endTime) || (t.startTime ? now : Number(t.scheduledTime))), t0 + 1);
  const width = 900;
  const x = (ms: number) => LABEL + ((ms - t0) / (t1 - t0)) * (width - LABEL - 10);
  return (
    <section className="timeline">
      <button className="timeline-toggle" onClick={toggle} aria-expanded={open} data-testid="timeline-toggle">
        {open ? "▾" : "▸"} Timeline <span className="muted small">{timed.length ? `${((t1 - t0) / 1000).toFixed(2)} s` : ""}</span>
      </button>
      {open && timed.length > 0 && (
        <svg className="timeline-svg" viewBox={`0 0 ${width} ${timed.length * ROW + 4}`} width="100%" role="img" aria-label="Task timeline" data-testid="timeline">
          {timed.map((t, i) => {
            const y = i * ROW + 2;
            const start = Number(t.startTime) || 0;
            const end = Number(t.endTime) || (start ? now : 0);
            return (
              <g key={t.taskId} className={statusClass(t.status)} onClick={() => onPick(t.referenceTaskName.replace(/__\d+$/, ""))}>
                <title>{`${t.referenceTaskName} · ${t.status}`}</title>
                <text x={4} y={y + 12} className="tl-label">{t.referenceTaskName.slice(0, 26)}</text>
                {start > 0 && <rect x={x(Number(t.scheduledTime))} y={y + 6} width={Math.max(1, x(start) - x(Number(t.scheduledTime)))} height={4} className="tl-wait" />}
                {start > 0 && <rect x={x(start)} y={y + 2} width={Math.max(2, x(end) - x(start))} height={12} rx={3} className="tl-run" />}
              </g>
            );
          })}
        </svg>
      )}
    </section>
  );
}

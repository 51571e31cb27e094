/** One control per DO_WHILE of the run: which iteration the diagram and the task table show. */
import { useState } from "react";
import type { LoopView } from "../model/runLoops";

export function IterationPicker({ view, onPick }: { view: LoopView; onPick: (n: number | null) => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  if (view.latest < 1) return null;
  const go = (n: number) => onPick(Math.min(view.latest, Math.max(1, n)));
  const commit = () => {
    if (draft !== null && /^\d+$/.test(draft)) go(Number(draft));
    setDraft(null);
  };
  return (
    <span className="iter-pick" data-testid={`iter-pick-${view.ref}`} data-shown={view.shown} data-latest={view.latest} role="group" aria-label={`Iteration of ${view.ref}`}>
      <span className="muted small">↻ {view.ref}</span>
      <button className="btn small" onClick={() => go(view.shown - 1)} disabled={view.shown <= 1} aria-label="Previous iteration">‹</button>
      <input
        className="iter-input"
        inputMode="numeric"
        aria-label={`Iteration of ${view.ref} shown`}
        data-testid={`iter-input-${view.ref}`}
        value={draft ?? String(view.shown)}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === "Enter" && commit()}
      />
      <span className="muted small">of {view.latest}</span>
      <button className="btn small" onClick={() => go(view.shown + 1)} disabled={view.shown >= view.latest} aria-label="Next iteration">›</button>
      {view.picked ? (
        <button className="btn small" onClick={() => onPick(null)} data-testid={`iter-latest-${view.ref}`} title="Follow the newest iteration">latest</button>
      ) : (
        <span className="muted small" data-testid={`iter-following-${view.ref}`}>following latest</span>
      )}
    </span>
  );
}

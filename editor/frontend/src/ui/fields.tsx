import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from "react";
import { openExpression, type Candidate } from "../model/expressions";

export function Field({ label, hint, children, error }: { label: string; hint?: ReactNode; children: ReactNode; error?: string }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      {children}
      {hint && <span className="field-hint">{hint}</span>}
      {error && <span className="field-error">{error}</span>}
    </label>
  );
}

/** A text input (or textarea) with `${...}` completion. */
export function ExprInput({
  value,
  onChange,
  candidates,
  multiline,
  placeholder,
  mono,
  ariaLabel,
  onBlur,
  rows,
}: {
  value: string;
  onChange: (v: string) => void;
  candidates: Candidate[];
  multiline?: boolean;
  placeholder?: string;
  mono?: boolean;
  ariaLabel?: string;
  onBlur?: () => void;
  rows?: number;
}) {
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const [open, setOpen] = useState<[number, string] | null>(null);
  const [active, setActive] = useState(0);
  const listId = useId();
  const matches = useMemo(() => {
    if (!open) return [];
    const q = open[1].toLowerCase();
    return candidates.filter((c) => c.expr.toLowerCase().includes(q)).slice(0, 40);
  }, [open, candidates]);

  const refresh = () => {
    const el = ref.current;
    if (!el) return;
    setOpen(openExpression(el.value, el.selectionStart ?? el.value.length));
    setActive(0);
  };
  const accept = (c: Candidate) => {
    const el = ref.current;
    if (!el || !open) return;
    const cursor = el.selectionStart ?? el.value.length;
    const after = el.value.slice(cursor);
    const closes = after.startsWith("}");
    const next = el.value.slice(0, open[0]) + c.expr + (closes ? "" : "}") + after;
    onChange(next);
    setOpen(null);
    const pos = open[0] + c.expr.length + 1;
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(pos, pos);
    });
  };
  const props = {
    ref,
    value,
    placeholder,
    "aria-label": ariaLabel,
    "aria-autocomplete": "list" as const,
    "aria-controls": open && matches.length ? listId : undefined,
    className: "input" + (mono ? " mono" : ""),
    spellCheck: false,
    onChange: (e: React.ChangeEvent<HTMLInputElement & HTMLTextAreaElement>) => {
      onChange(e.target.value);
      requestAnimationFrame(refresh);
    },
    onClick: refresh,
    onBlur: () => {
      setTimeout(() => setOpen(null), 150);
      onBlur?.();
    },
    onKeyDown: (e: React.KeyboardEvent) => {
      if (!open || !matches.length) return;
      if (e.key === "ArrowDown") {
        e.preventDefault();
        setActive((a) => (a + 1) % matches.length);
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        setActive((a) => (a - 1 + matches.length) % matches.length);
      } else if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        accept(matches[active]);
      } else if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        setOpen(null);
      }
    },
  };
  return (
    <div className="expr">
      {multiline ? <textarea {...props} rows={rows ?? 4} /> : <input {...props} />}
      {open && matches.length > 0 && (
        <ul className="completions" id={listId} role="listbox">
          {matches.map((c, i) => (
            <li key={c.expr} role="option" aria-selected={i === active} className={i === active ? "active" : ""} onMouseDown={(e) => (e.preventDefault(), accept(c))}>
              <code>{"${" + c.expr + "}"}</code>
              <span>{c.detail}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Edit any JSON value as text; commits when it parses. */
export function JsonField({ value, onChange, rows = 4, ariaLabel }: { value: unknown; onChange: (v: unknown) => void; rows?: number; ariaLabel?: string }) {
  const text = value === undefined ? "" : JSON.stringify(value, null, 2);
  const [draft, setDraft] = useState(text);
  const [error, setError] = useState("");
  const focused = useRef(false);
  useEffect(() => {
    if (!focused.current) {
      setDraft(text);
      setError("");
    }
  }, [text]);
  return (
    <>
      <textarea
        className="input mono"
        rows={rows}
        value={draft}
        aria-label={ariaLabel}
        spellCheck={false}
        onFocus={() => (focused.current = true)}
        onBlur={() => {
          focused.current = false;
          if (!error) setDraft(text);
        }}
        onChange={(e) => {
          setDraft(e.target.value);
          if (!e.target.value.trim()) {
            setError("");
            onChange(undefined);
            return;
          }
          try {
            const v = JSON.parse(e.target.value);
            setError("");
            onChange(v);
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      />
      {error && <span className="field-error">{error}</span>}
    </>
  );
}

/** A map of names to values (inputParameters, outputParameters, headers). Strings get `${}` completion. */
export function KVEditor({ value, onChange, candidates, hide = [], keyLabel = "Name", addLabel = "Add parameter" }: { value: Record<string, unknown> | undefined; onChange: (v: Record<string, unknown>) => void; candidates: Candidate[]; hide?: string[]; keyLabel?: string; addLabel?: string }) {
  const obj = value && typeof value === "object" && !Array.isArray(value) ? value : {};
  const entries = Object.entries(obj).filter(([k]) => !hide.includes(k));
  const rename = (from: string, to: string) => {
    if (!to || to === from || to in obj) return;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k === from ? to : k] = v;
    onChange(out);
  };
  const setVal = (k: string, v: unknown) => onChange({ ...obj, [k]: v });
  const remove = (k: string) => {
    const out = { ...obj };
    delete out[k];
    onChange(out);
  };
  const add = () => {
    let n = entries.length + 1;
    while (`param${n}` in obj) n++;
    onChange({ ...obj, [`param${n}`]: "" });
  };
  return (
    <div className="kv">
      {entries.map(([k, v]) => (
        <div className="kv-row" key={k}>
          <KeyInput value={k} onCommit={(to) => rename(k, to)} label={keyLabel} />
          {typeof v === "string" ? (
            <ExprInput value={v} onChange={(s) => setVal(k, s)} candidates={candidates} ariaLabel={`Value of ${k}`} placeholder="value or ${expression}" />
          ) : (
            <JsonField value={v} onChange={(x) => setVal(k, x)} rows={Math.min(6, JSON.stringify(v, null, 2).split("\n").length)} ariaLabel={`Value of ${k} (JSON)`} />
          )}
          <button
            className="icon-btn small"
            title={typeof v === "string" ? "Make this a JSON value (number, object, list…)" : "Make this a text value"}
            onClick={(e) => {
              e.preventDefault();
              if (typeof v === "string") {
                try {
                  setVal(k, JSON.parse(v));
                } catch {
                  setVal(k, v === "" ? {} : v);
                }
              } else setVal(k, JSON.stringify(v));
            }}
          >
            {typeof v === "string" ? "T" : "{}"}
          </button>
          <button className="icon-btn small" title={`Remove ${k}`} aria-label={`Remove ${k}`} onClick={(e) => (e.preventDefault(), remove(k))}>✕</button>
        </div>
      ))}
      <button className="btn small ghost" onClick={(e) => (e.preventDefault(), add())}>+ {addLabel}</button>
    </div>
  );
}

/** An input that commits on blur or Enter (for names whose intermediate values must not be applied). */
export function KeyInput({ value, onCommit, label, mono = true, className }: { value: string; onCommit: (v: string) => void; label: string; mono?: boolean; className?: string }) {
  const [draft, setDraft] = useState(value);
  // A new value from outside replaces the draft, adjusted while rendering rather than in an
  // effect, so the stale draft is never painted (react.dev "adjusting state when a prop changes").
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setDraft(value);
  }
  return (
    <input
      className={(className ?? "input kv-key") + (mono ? " mono" : "")}
      value={draft}
      aria-label={label}
      spellCheck={false}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => (draft.trim() && draft !== value ? onCommit(draft.trim()) : setDraft(value))}
      onKeyDown={(e) => {
        if (e.key === "Enter") {
          e.preventDefault();
          (e.target as HTMLInputElement).blur();
        }
        if (e.key === "Escape") {
          setDraft(value);
          (e.target as HTMLInputElement).blur();
        }
      }}
    />
  );
}

export function Select({ value, options, onChange, ariaLabel }: { value: string; options: string[]; onChange: (v: string) => void; ariaLabel?: string }) {
  const opts = options.includes(value) || !value ? options : [value, ...options];
  return (
    <select className="input" value={value} onChange={(e) => onChange(e.target.value)} aria-label={ariaLabel}>
      {!value && <option value="">—</option>}
      {opts.map((o) => (
        <option key={o} value={o}>{o}</option>
      ))}
    </select>
  );
}

export function NumberInput({ value, onChange, ariaLabel, min }: { value: number | undefined; onChange: (v: number | undefined) => void; ariaLabel?: string; min?: number }) {
  return (
    <input
      className="input"
      type="number"
      min={min}
      value={value ?? ""}
      aria-label={ariaLabel}
      onChange={(e) => onChange(e.target.value === "" ? undefined : Number(e.target.value))}
    />
  );
}

export function Check({ checked, onChange, label }: { checked: boolean; onChange: (v: boolean) => void; label: string }) {
  return (
    <label className="check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} /> {label}
    </label>
  );
}

/**
 * Keep the objects of a recomputed list that did not change, so memoised consumers (React Flow's
 * node and edge wrappers, our memo'd node components) skip them: a run's status event then
 * re-renders the one node it touched, not all 1,000.
 *
 * Two items are the same when every top-level field is identical (===), except the plain objects
 * among them (`data`, `position`, `style`), which are compared one level further down.
 */
type Item = { id: string } & Record<string, unknown>;

const isPlain = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype;

function sameShallow(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.is(a[k], b[k]));
}

export function sameItem(a: Item, b: Item): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    const x = a[k];
    const y = b[k];
    if (Object.is(x, y)) continue;
    if (!(k in b) || !isPlain(x) || !isPlain(y) || !sameShallow(x, y)) return false;
  }
  return true;
}

/** `next`, with each item equal to the previous list's item of the same id replaced by that one. */
export function keepUnchanged<T extends { id: string }>(prev: readonly T[] | null, next: T[]): T[] {
  if (!prev?.length) return next;
  const old = new Map(prev.map((p) => [p.id, p]));
  let changed = prev.length !== next.length;
  const out = next.map((n, i) => {
    const p = old.get(n.id);
    if (p && sameItem(p as unknown as Item, n as unknown as Item)) {
      if (prev[i] !== p) changed = true;
      return p;
    }
    changed = true;
    return n;
  });
  return changed ? out : (prev as T[]); // nothing changed: the very same array
}

/** A keepUnchanged that remembers the list it returned last (one per component, made once). */
export function stableList<T extends { id: string }>(): (next: T[]) => T[] {
  let last: T[] | null = null;
  return (next) => (last = keepUnchanged(last, next));
}

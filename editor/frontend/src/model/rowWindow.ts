/**
 * Which rows of a long table to render: the ones in the scrolled view plus a margin on each side,
 * with the heights of the rows left out above and below (spacer rows keep the scrollbar true).
 * A short table is rendered whole: below `threshold` rows windowing buys nothing.
 */
export interface RowWindow {
  start: number; // first rendered row (inclusive)
  end: number; // last rendered row (exclusive)
  padTop: number; // px of the rows before `start`
  padBottom: number; // px of the rows from `end` on
}

export interface WindowInput {
  count: number;
  scrollTop: number;
  viewHeight: number; // the scrolling box's height, px
  rowHeight: number; // one row, px (the table's rows are one line each)
  margin?: number; // rows rendered beyond each edge of the view
  threshold?: number;
}

export function rowWindow({ count, scrollTop, viewHeight, rowHeight, margin = 20, threshold = 200 }: WindowInput): RowWindow {
  if (count <= threshold || rowHeight <= 0) return { start: 0, end: count, padTop: 0, padBottom: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const shown = Math.ceil(Math.max(viewHeight, rowHeight) / rowHeight);
  const start = Math.max(0, Math.min(first - margin, count - shown - margin));
  const end = Math.min(count, first + shown + margin);
  return { start, end, padTop: start * rowHeight, padBottom: (count - end) * rowHeight };
}

/** The scrollTop that brings row `index` into a view of `viewHeight` (unchanged when it is in view). */
export function scrollToRow(index: number, scrollTop: number, viewHeight: number, rowHeight: number, header = 0): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewHeight - header) return top + rowHeight - viewHeight + header;
  return scrollTop;
}

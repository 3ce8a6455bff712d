/** One card's place in the grid, in px from the grid's top left. `mediaHeight` excludes the card's footer. */
export interface Slot { x: number; y: number; width: number; mediaHeight: number }
export interface LayoutRow { y: number; height: number; start: number; end: number }
export interface Layout { slots: Slot[]; rows: LayoutRow[]; height: number }

export interface LayoutOptions {
  width: number;
  /** The media height a row aims for; a row is scaled so its cards fill the width exactly. */
  targetHeight: number;
  gap: number;
  /** Fixed height under each card's media (status, prompt, actions). */
  footer: number;
}

/**
 * Width over height, held to a range where a card stays readable (a 1:10 strip would be a line,
 * and a card narrower than about 0.7 of its height has no room for its status and Retry). A
 * picture outside the range is shown whole inside its card (object-fit: contain), never cropped.
 */
export function aspectOf(width: number | null, height: number | null): number {
  if (!width || !height) return 1;
  return Math.min(2.4, Math.max(0.7, width / height));
}

/**
 * Justified rows (as photo sites lay them out): cards keep their media's aspect ratio, each row
 * fills the width, and the last, unfilled row keeps the target height. Linear in the number of
 * cards, so a board of 10,000 lays out in a few milliseconds.
 */
export function justify(aspects: number[], o: LayoutOptions): Layout {
  const slots: Slot[] = new Array(aspects.length);
  const rows: LayoutRow[] = [];
  const width = Math.max(1, o.width);
  let y = 0;
  let start = 0;
  while (start < aspects.length) {
    let end = start;
    let sum = 0;
    // add cards until the row at the target height would overflow the width
    while (end < aspects.length) {
      sum += aspects[end]!;
      end++;
      if (sum * o.targetHeight + (end - start - 1) * o.gap >= width) break;
    }
    const gaps = (end - start - 1) * o.gap;
    const full = sum * o.targetHeight + gaps >= width;
    const h = full ? (width - gaps) / sum : o.targetHeight;
    let x = 0;
    for (let i = start; i < end; i++) {
      const w = full && i === end - 1 ? width - x : aspects[i]! * h;
      slots[i] = { x, y, width: w, mediaHeight: h };
      x += w + o.gap;
    }
    rows.push({ y, height: h + o.footer, start, end });
    y += h + o.footer + o.gap;
    start = end;
  }
  return { slots, rows, height: Math.max(0, y - o.gap) };
}

/** The rows that meet the band [top, bottom] (px within the grid); binary search, rows are sorted by y. */
export function rowsIn(rows: LayoutRow[], top: number, bottom: number): { first: number; last: number } {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]!.y + rows[mid]!.height < top) lo = mid + 1;
    else hi = mid;
  }
  let last = lo;
  while (last < rows.length && rows[last]!.y <= bottom) last++;
  return { first: lo, last };
}

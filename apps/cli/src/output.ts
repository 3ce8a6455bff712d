/** Where a command writes: human lines, or one JSON document with --json. */
export interface Output {
  json: boolean;
  /** A line for people (suppressed under --json). */
  line(text: string): void;
  /** The command's result: printed as JSON under --json, else by `human`. */
  result(value: unknown, human: () => void): void;
  table(rows: Record<string, unknown>[], columns: string[]): void;
}

export function createOutput(json: boolean, write: (s: string) => void = (s) => process.stdout.write(s)): Output {
  return {
    json,
    line(text) {
      if (!json) write(`${text}\n`);
    },
    result(value, human) {
      if (json) write(`${JSON.stringify(value, null, 2)}\n`);
      else human();
    },
    table(rows, columns) {
      if (!rows.length) return write('(none)\n');
      const cell = (v: unknown) => (v === null || v === undefined ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v));
      const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
      const fmt = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
      write(`${fmt(columns.map((c) => c.toUpperCase()))}\n`);
      for (const r of rows) write(`${fmt(columns.map((c) => cell(r[c])))}\n`);
    },
  };
}

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {}

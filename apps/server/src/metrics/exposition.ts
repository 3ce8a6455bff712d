/** One sample of a metric family: labels, value, and the suffix (`_sum`, `_count`) when it has one. */
export interface Sample {
  labels?: Record<string, string>;
  value: number;
  suffix?: string;
}

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

const num = (v: number) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v));

/** A metric family in the Prometheus text exposition format (version 0.0.4). */
export function exposition(name: string, type: 'counter' | 'gauge' | 'summary', help: string, samples: Sample[]): string {
  const lines = [`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`];
  for (const s of samples) {
    const labels = Object.entries(s.labels ?? {}).map(([k, v]) => `${k}="${escape(v)}"`);
    lines.push(`${name}${s.suffix ?? ''}${labels.length ? `{${labels.join(',')}}` : ''} ${num(s.value)}`);
  }
  return `${lines.join('\n')}\n`;
}

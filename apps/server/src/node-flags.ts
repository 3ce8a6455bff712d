/**
 * The V8 settings Genbox's processes start with: the Docker image's CMD and `npm start` pass them
 * (a test keeps both equal to this list), and the big-file bench starts its processes with them.
 * NODE_OPTIONS cannot carry the first, so they go on the command line.
 *
 * - `--initial-old-space-size=128`: the old generation may reach 128 MB before a full collection.
 *   Every network read of a big file is a fresh 64 KB buffer, and V8 counts those external bytes
 *   against the old generation's headroom; a process whose limit sits just above its ~50 MB of
 *   live objects therefore ran a full mark-compact every 10–15 MB streamed, about 80 per GB, and
 *   spent twice the CPU per gigabyte on it (4.3–5.3 s instead of 2.3–2.6 s, ingest into S3 at 0.78×
 *   instead of 0.96× the raw upload). The cost is garbage held up to that floor, under 80 MB.
 * - `--max-semi-space-size=16`: Node 20's young generation (16 MB per semi-space). Node 24
 *   lets it grow to 64 MB, resident once touched, for no gain in these workloads.
 */
export const NODE_FLAGS = ['--initial-old-space-size=128', '--max-semi-space-size=16'] as const;

/** The NODE_FLAGS this process was started without (by flag name; another value counts as set). */
export function missingNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  const name = (flag: string) => flag.split('=')[0]!.replaceAll('_', '-');
  const given = new Set(execArgv.map(name));
  return NODE_FLAGS.filter((flag) => !given.has(name(flag)));
}

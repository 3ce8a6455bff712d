import { createHash } from 'node:crypto';

/**
 * A repeatable random stream: the same parts always give the same numbers, so a prompt and seed
 * always render the same picture. mulberry32, seeded from a SHA-256 of the parts.
 */
export function seededRandom(...parts: Array<string | number>): () => number {
  let state = createHash('sha256').update(parts.join('\u0000')).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

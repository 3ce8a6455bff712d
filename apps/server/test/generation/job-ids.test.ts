import { describe, expect, it } from 'vitest';
import { attemptOfJob } from '../../src/generation/generation.processor.js';
import { finishJobId, pollJobId, resumeChainId, submitChainId, submitJobId } from '../../src/generation/generation.queue.js';

const asset = '6f1f9a52-3c0e-4c55-9d1b-0b7d3c2a9e11';

describe('which attempt of an asset a job works for, read from its id', () => {
  it.each([1, 2, 7])('attempt %i: every job kind says so', (attempt) => {
    const chain = submitChainId(asset, attempt);
    const ids = [chain, submitJobId(chain, 3), resumeChainId(asset, attempt, 42), submitJobId(resumeChainId(asset, attempt, 42), 1), pollJobId(asset, attempt, 5), `${pollJobId(asset, attempt, 0)}:hook-ev1`, finishJobId(asset, attempt)];
    for (const id of ids) expect(attemptOfJob(id), id).toBe(attempt);
  });
});

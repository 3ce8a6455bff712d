import { describe, expect, it } from 'vitest';
import { ASSET_STATUSES, ASSET_TRANSITIONS, type AssetStatus, TERMINAL_STATUSES, canMove, movesInto } from './status.js';
describe('statuses', () => {
  it('every terminal status is a status', () => {
    for (const s of TERMINAL_STATUSES) expect(ASSET_STATUSES).toContain(s);
  });
});

/** The whole table, read as a person would check it: every pair of statuses, allowed or not, and why. */
const MOVES: [AssetStatus, AssetStatus, boolean, string][] = [
  ['PENDING', 'PENDING', false, 'no move to itself'],
  ['PENDING', 'PROCESSING', true, 'a submit job sends it to the provider'],
  ['PENDING', 'COMPLETED', false, 'a result needs a provider task first'],
  ['PENDING', 'FAILED', true, 'the request failed before the provider took it'],
  ['PENDING', 'CANCELED', true, 'a person cancels it while it waits'],
  ['PROCESSING', 'PENDING', false, 'a task at the provider is never sent back to the queue'],
  ['PROCESSING', 'PROCESSING', false, 'no move to itself'],
  ['PROCESSING', 'COMPLETED', true, 'the result is stored'],
  ['PROCESSING', 'FAILED', true, 'the provider failed or timed out'],
  ['PROCESSING', 'CANCELED', true, 'a person (or the provider) cancels it'],
  ['COMPLETED', 'PENDING', false, 'a finished asset is never retried'],
  ['COMPLETED', 'PROCESSING', false, 'a finished asset never moves'],
  ['COMPLETED', 'COMPLETED', false, 'finished once, not twice'],
  ['COMPLETED', 'FAILED', false, 'a late failure cannot undo a result'],
  ['COMPLETED', 'CANCELED', false, 'too late to cancel'],
  ['FAILED', 'PENDING', true, 'a retry'],
  ['FAILED', 'PROCESSING', false, 'a retry waits in the queue first'],
  ['FAILED', 'COMPLETED', false, 'a late result of a failed attempt is dropped'],
  ['FAILED', 'FAILED', false, 'failed once, not twice'],
  ['FAILED', 'CANCELED', false, 'nothing left to cancel'],
  ['CANCELED', 'PENDING', true, 'a retry'],
  ['CANCELED', 'PROCESSING', false, 'a retry waits in the queue first'],
  ['CANCELED', 'COMPLETED', false, 'a late result of a canceled attempt is dropped'],
  ['CANCELED', 'FAILED', false, 'a late failure changes nothing'],
  ['CANCELED', 'CANCELED', false, 'canceled once, not twice'],
];

describe('the transition table', () => {
  it('covers every pair of statuses exactly once', () => {
    expect(MOVES.map(([f, t]) => `${f}>${t}`).sort()).toEqual(ASSET_STATUSES.flatMap((f) => ASSET_STATUSES.map((t) => `${f}>${t}`)).sort());
  });

  it.each(MOVES)('%s → %s: %s (%s)', (from, to, allowed) => {
    expect(canMove(from, to)).toBe(allowed);
  });

  it('names, for each status, where a move into it may start', () => {
    expect(movesInto('PROCESSING')).toEqual(['PENDING']);
    expect(movesInto('COMPLETED')).toEqual(['PROCESSING']);
    expect(movesInto('FAILED')).toEqual(['PENDING', 'PROCESSING']);
    expect(movesInto('CANCELED')).toEqual(['PENDING', 'PROCESSING']);
    expect(movesInto('PENDING')).toEqual(['FAILED', 'CANCELED']);
  });

  it('lets terminal statuses leave only by a retry', () => {
    for (const s of TERMINAL_STATUSES) expect(ASSET_TRANSITIONS[s].filter((t) => t !== 'PENDING')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { assetAttemptOfLegacyJobId, chainOfMarker, currentJobData, jobIds, stagingKey, submittingMarker } from '../../src/generation/job-identity.js';
import { publicProviderState } from '../../src/assets/provider-state.js';

const asset = '6f1f9a52-3c0e-4c55-9d1b-0b7d3c2a9e11';

describe('which attempt of an asset a job works for, read from its id', () => {
  it.each([1, 2, 7])('attempt %i: every job kind says so', (attempt) => {
    const chain = jobIds.submitChain(asset, attempt);
    const resumed = jobIds.resumeChain(asset, attempt, 42);
    const ids = [
      chain, jobIds.submitStep(chain, 3), resumed, jobIds.submitStep(resumed, 1), jobIds.poll(asset, attempt, 5), jobIds.extraPoll(asset, attempt, 'hook-ev1'), jobIds.finish(asset, attempt),
      jobIds.reconcileChain(asset, attempt, 1700000000000), jobIds.reconcileResend(chain, 1700000000000), jobIds.reconcilePoll(asset, attempt, 1700000000000), jobIds.handedBack(jobIds.poll(asset, attempt, 2), 1700000000000),
    ];
    for (const id of ids) expect(assetAttemptOfLegacyJobId(id), id).toBe(attempt);
    // no two kinds of job collide (the reconciler's re-send of a first chain shares the id of its
    // fresh chain for a PENDING asset: one asset is never both, and either starts the same submit)
    const distinct = ids.filter((id) => id !== jobIds.reconcileResend(chain, 1700000000000));
    expect(new Set(distinct).size).toBe(distinct.length);
  });
});

describe('job data: the attempt rides in the job, and older jobs still run', () => {
  it('a job of this version is taken as it is', () => {
    const poll = { assetId: asset, assetAttempt: 3, pollNo: 4 };
    expect(currentJobData('poll', poll, 'whatever')).toEqual(poll);
  });

  it('an older poll (attempt = the poll number) gets its asset attempt from its id', () => {
    expect(currentJobData('poll', { assetId: asset, attempt: 4 }, jobIds.poll(asset, 2, 4))).toEqual({ assetId: asset, assetAttempt: 2, pollNo: 4 });
  });

  it('an older finish (attempt = the asset attempt) keeps it', () => {
    const old = { assetId: asset, attempt: 5, source: { url: 'https://x.test/a.png' }, providerName: 'p', allowPrivateNetwork: false };
    expect(currentJobData('finish', old, jobIds.finish(asset, 5))).toEqual({ assetId: asset, assetAttempt: 5, source: old.source, providerName: 'p', allowPrivateNetwork: false });
  });

  it('an older submit gets its attempt from its chain id', () => {
    expect(currentJobData('submit', { assetId: asset, try: 1, chain: asset }, jobIds.submitStep(asset, 2))).toMatchObject({ assetAttempt: 1, try: 1, chain: asset });
    expect(currentJobData('submit', { assetId: asset, try: 0, chain: jobIds.submitChain(asset, 3) }, jobIds.submitChain(asset, 3))).toMatchObject({ assetAttempt: 3 });
  });
});

describe('markers and keys', () => {
  it('the submitting marker names its chain, and clients see only the word', () => {
    const chain = jobIds.resumeChain(asset, 2, 9);
    expect(chainOfMarker(submittingMarker(chain))).toBe(chain);
    expect(chainOfMarker('running')).toBeNull();
    expect(chainOfMarker(null)).toBeNull();
    expect(publicProviderState(submittingMarker(chain))).toBe('submitting');
    expect(publicProviderState('IN_QUEUE')).toBe('IN_QUEUE');
  });

  it('each attempt stages its result under its own key', () => {
    expect(stagingKey(asset, 1)).not.toBe(stagingKey(asset, 2));
  });
});

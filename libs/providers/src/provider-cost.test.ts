import { describe, expect, it } from 'vitest';
import { readKieRecord } from './kie/index.js';
import { readPrediction } from './replicate/index.js';
import { readRunwareTask } from './runware/index.js';

/** What each provider says a finished run cost, read where its answer carries it (PROTOCOLS.md). */
describe('provider-reported cost of a finished run', () => {
  const urls = JSON.stringify({ resultUrls: ['https://cdn.example.com/a.png'] });
  it.each([
    ['Kie callback consumeCredits', readKieRecord({ taskId: 't', state: 'success', resultJson: urls, consumeCredits: 100 }), { amount: 100, unit: 'kie_credits' }],
    ['Kie record creditsConsumed', readKieRecord({ taskId: 't', state: 'success', resultJson: urls, creditsConsumed: 12 }), { amount: 12, unit: 'kie_credits' }],
    ['Kie recordInfo without credits', readKieRecord({ taskId: 't', state: 'success', resultJson: urls }), undefined],
    ['Runware cost (includeCost)', readRunwareTask({ data: [{ taskType: 'imageInference', taskUUID: 'u', imageURL: 'https://im.runware.ai/a.png', cost: 0.0013 }] }, 'u'), { amount: 0.0013, unit: 'usd' }],
    ['Runware without cost', readRunwareTask({ data: [{ taskType: 'imageInference', taskUUID: 'u', imageURL: 'https://im.runware.ai/a.png' }] }, 'u'), undefined],
    ['Replicate metrics.predict_time', readPrediction({ id: 'p', status: 'succeeded', output: 'https://replicate.delivery/a.png', error: null, metrics: { predict_time: 2.5 } }), { amount: 2.5, unit: 'replicate_predict_seconds' }],
    ['Replicate without metrics', readPrediction({ id: 'p', status: 'succeeded', output: 'https://replicate.delivery/a.png', error: null }), undefined],
  ])('%s', (_name, result, cost) => {
    expect(result.status).toBe('COMPLETED');
    expect(result.providerCost).toEqual(cost);
  });

  it('a failed run reports no cost', () => {
    expect(readKieRecord({ taskId: 't', state: 'fail', failMsg: 'nope', consumeCredits: 0 }).providerCost).toBeUndefined();
  });
});

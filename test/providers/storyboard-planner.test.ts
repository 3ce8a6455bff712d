import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdapterContext, type ChatPlanner, ProviderError, continuityLocally, continuityWithChat, planLocally, planWithChat } from '@genbox/providers';
import { type OpenAISimulator, startOpenAISimulator } from '../simulators/openai.sim.js';
import type { ChatRequest } from '../simulators/openai-chat.js';
import { sceneWriter } from '../support/scene-writer.js';

const KEY = 'sk-storyboard-planner';
const ctx: AdapterContext = { fetch: globalThis.fetch, signal: new AbortController().signal, now: Date.now, log: () => {} };

describe('OpenAI chat completions on the simulator, through the official client', () => {
  let sim: OpenAISimulator;
  beforeAll(async () => (sim = await startOpenAISimulator({ apiKey: KEY })));
  afterAll(() => sim.close());

  it('answers a strict json_schema request with a chat.completion the client reads', async () => {
    const client = new OpenAI({ apiKey: KEY, baseURL: sim.apiUrl, maxRetries: 0 });
    sim.queueChat(() => ({ content: { title: 'Fox' } }));
    const res = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Name it' }],
      response_format: { type: 'json_schema', json_schema: { name: 't', strict: true, schema: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'], additionalProperties: false } } },
    });
    expect(res.object).toBe('chat.completion');
    expect(JSON.parse(res.choices[0]!.message.content!)).toEqual({ title: 'Fox' });
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect(res.usage!.total_tokens).toBeGreaterThan(0);
  });

  it('refuses what OpenAI refuses: a strict schema with open objects, json_object without the word json', async () => {
    const client = new OpenAI({ apiKey: KEY, baseURL: sim.apiUrl, maxRetries: 0 });
    const open = client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'o', strict: true, schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } } } });
    await expect(open).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(open).rejects.toThrow(/additionalProperties/);
    const noJson = client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } });
    await expect(noJson).rejects.toThrow(/must contain the word 'json'/);
    await expect(new OpenAI({ apiKey: 'sk-wrong', baseURL: sim.apiUrl, maxRetries: 0 }).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('plans and makes the scenes consistent in two chat calls, with our strict schema', async () => {
    const planner: ChatPlanner = { provider: { id: 'p', name: 'OpenAI', kind: 'openai', baseUrl: sim.apiUrl, apiKey: KEY, extraHeaders: {}, webhookSecret: null, uploadBaseUrl: null, allowPrivateNetwork: true }, model: 'gpt-4o-mini' };
    sim.queueChat(sceneWriter, sceneWriter);
    const draft = await planWithChat(ctx, planner, 'A fox in the snow', 3);
    expect(draft).toEqual(['shot 1 of the idea', 'shot 2 of the idea', 'shot 3 of the idea']);
    expect(await continuityWithChat(ctx, planner, 'A fox in the snow', draft)).toEqual(draft.map((d) => `Consistent: ${d}`));
    const calls = sim.log.filter((r) => r.path === '/v1/chat/completions').slice(-2).map((r) => r.json as ChatRequest);
    expect(calls.map((c) => c.response_format?.type)).toEqual(['json_schema', 'json_schema']);
    expect(calls[1]!.messages[1]!.content).toContain('1. shot 1 of the idea');
  });

  it('an answer with the wrong number of scenes, a refusal or a cut-off answer is an error a person can act on', async () => {
    const planner: ChatPlanner = { provider: { id: 'p', name: 'OpenAI', kind: 'openai', baseUrl: sim.apiUrl, apiKey: KEY, extraHeaders: {}, webhookSecret: null, uploadBaseUrl: null, allowPrivateNetwork: true }, model: 'gpt-4o-mini' };
    sim.queueChat(() => ({ content: { scenes: [{ prompt: 'only one' }] } }), () => ({ refusal: 'I cannot help with that.' }), () => ({ truncated: '{"scenes": [{"prompt": "a' }));
    await expect(planWithChat(ctx, planner, 'idea', 3)).rejects.toThrow(/answered 1 scenes, 3 were asked for/);
    await expect(planWithChat(ctx, planner, 'idea', 3)).rejects.toMatchObject({ code: 'provider_content_filtered' });
    const cut = await planWithChat(ctx, planner, 'idea', 3).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(ProviderError);
    expect((cut as Error).message).toMatch(/cut off/);
  });
});

describe('the local planner', () => {
  it('spreads the idea over the scenes the same way every time, and the continuity pass names what carries over', () => {
    const idea = 'A lighthouse keeper finds a bottle. She reads the letter inside. She rows out to sea. She finds an island.';
    const plan = planLocally(idea, 3);
    expect(plan).toEqual(planLocally(idea, 3));
    expect(plan).toHaveLength(3);
    expect(plan[0]).toMatch(/^Opening shot.*lighthouse keeper finds a bottle/);
    expect(plan[2]).toMatch(/^Closing shot.*She finds an island/);
    expect(planLocally('One sentence only', 4)).toHaveLength(4);
    const consistent = continuityLocally(idea, plan);
    expect(consistent.slice(1).every((s) => s.includes('Same characters, setting, light and style') && s.includes('A lighthouse keeper finds a bottle'))).toBe(true);
  });
});

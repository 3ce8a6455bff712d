import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdapterContext, type ChatPlanner, ProviderError, type ProviderConfig, continuityLocally, continuityWithChat, parseJsonAnswer, planLocally, planWithChat } from '@genbox/providers';
import { ANTHROPIC_CHAT_TEMPLATE, type AnthropicSim, type MessagesRequest, startAnthropicSim } from '../simulators/anthropic.sim.js';
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

describe("a chat model through a template provider's chat template: Anthropic Messages on the simulator", () => {
  let sim: AnthropicSim;
  beforeAll(async () => (sim = await startAnthropicSim()));
  afterAll(() => sim.close());

  const provider = (over: Partial<ProviderConfig> = {}): ProviderConfig => ({
    id: 'p', name: 'Claude', kind: 'template', baseUrl: sim.apiUrl, apiKey: sim.apiKey, extraHeaders: { 'anthropic-version': '2023-06-01' },
    webhookSecret: null, uploadBaseUrl: null, allowPrivateNetwork: true, ...over,
  });
  /** A model that answers as chat models do without a schema: the JSON in a fence, after a sentence. */
  const fencedScenes = (req: MessagesRequest) => {
    const user = String(req.messages[0]!.content);
    const n = Number(/Number of scenes: (\d+)/.exec(user)?.[1] ?? /Scenes \((\d+)\)/.exec(user)?.[1]);
    const tag = /Scenes \(/.test(user) ? 'Consistent: ' : '';
    return { text: `Here is the storyboard.\n\n\`\`\`json\n${JSON.stringify({ scenes: Array.from({ length: n }, (_, i) => ({ prompt: `${tag}shot ${i + 1}` })) })}\n\`\`\`` };
  };

  it('plans and makes the scenes consistent with the template: system at the top level, key in x-api-key, the answer read from content[0].text', async () => {
    const planner: ChatPlanner = { provider: provider(), model: 'claude-sonnet-4-5', template: ANTHROPIC_CHAT_TEMPLATE };
    sim.queueMessage(fencedScenes, fencedScenes);
    const draft = await planWithChat(ctx, planner, 'A fox in the snow', 3);
    expect(draft).toEqual(['shot 1', 'shot 2', 'shot 3']);
    expect(await continuityWithChat(ctx, planner, 'A fox in the snow', draft)).toEqual(['Consistent: shot 1', 'Consistent: shot 2', 'Consistent: shot 3']);
    const [plan, continuity] = sim.log.slice(-2);
    const body = plan!.json as MessagesRequest;
    expect(body.model).toBe('claude-sonnet-4-5');
    expect(body.system).toMatch(/Answer only with JSON of the form \{"scenes"/);
    expect(body.messages).toEqual([{ role: 'user', content: 'Idea: A fox in the snow\nNumber of scenes: 3' }]);
    expect(plan!.headers['x-api-key']).toBe(sim.apiKey);
    expect(plan!.headers.authorization).toBeUndefined();
    expect(String((continuity!.json as MessagesRequest).messages[0]!.content)).toContain('1. shot 1');
  });

  it("refuses what the Messages API refuses: OpenAI's chat completions shape, a missing version header, a wrong key", async () => {
    // a template provider without a chat template speaks OpenAI's chat completions (a Bearer key): the Messages API says what is wrong
    const noTemplate = await planWithChat(ctx, { provider: provider(), model: 'claude-sonnet-4-5' }, 'idea', 2).catch((e: unknown) => e);
    expect(noTemplate).toMatchObject({ code: 'provider_auth', message: expect.stringMatching(/x-api-key header is required/) });
    const openAiBody = { ...ANTHROPIC_CHAT_TEMPLATE, request_schema: { ...ANTHROPIC_CHAT_TEMPLATE.request_schema, response_format: { type: 'json_schema', json_schema: '{{json_schema}}' } } };
    await expect(planWithChat(ctx, { provider: provider(), model: 'm', template: openAiBody }, 'idea', 2)).rejects.toThrow(/response_format: Extra inputs are not permitted/);
    const systemRole = { ...ANTHROPIC_CHAT_TEMPLATE, request_schema: { model: '{{model}}', max_tokens: 100, messages: '{{messages}}' } };
    await expect(planWithChat(ctx, { provider: provider(), model: 'm', template: systemRole }, 'idea', 2)).rejects.toThrow(/Unexpected role "system"/);
    await expect(planWithChat(ctx, { provider: provider({ extraHeaders: {} }), model: 'm', template: ANTHROPIC_CHAT_TEMPLATE }, 'idea', 2)).rejects.toThrow(/anthropic-version: header is required/);
    const wrongKey = await planWithChat(ctx, { provider: provider({ apiKey: 'sk-ant-wrong' }), model: 'm', template: ANTHROPIC_CHAT_TEMPLATE }, 'idea', 2).catch((e: unknown) => e);
    expect(wrongKey).toMatchObject({ code: 'provider_auth' });
    expect((wrongKey as Error).message).not.toContain('sk-ant-wrong');
  });

  it('a refusal, a cut-off answer, prose with no JSON and a template without a text path are errors a person can act on', async () => {
    const planner: ChatPlanner = { provider: provider(), model: 'm', template: ANTHROPIC_CHAT_TEMPLATE };
    sim.queueMessage(() => ({ refusal: true }), () => ({ truncated: '{"scenes": [{"prompt": "a' }), () => ({ text: 'I would open on a fox.' }));
    await expect(planWithChat(ctx, planner, 'idea', 2)).rejects.toMatchObject({ code: 'provider_content_filtered', message: expect.stringMatching(/refused to plan the storyboard/) });
    await expect(planWithChat(ctx, planner, 'idea', 2)).rejects.toThrow(/cut off at the token limit/);
    await expect(planWithChat(ctx, planner, 'idea', 2)).rejects.toThrow(/did not plan the storyboard: its answer is not JSON/);
    const noText = { ...ANTHROPIC_CHAT_TEMPLATE, response_mapping: { auth: ANTHROPIC_CHAT_TEMPLATE.response_mapping.auth } };
    await expect(planWithChat(ctx, { ...planner, template: noText as never }, 'idea', 2)).rejects.toMatchObject({ code: 'template_invalid' });
  });

  it('reads JSON the way chat models write it: bare, fenced, or inside a sentence', () => {
    expect(parseJsonAnswer('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonAnswer('Sure:\n```json\n{"a":2}\n```')).toEqual({ a: 2 });
    expect(parseJsonAnswer('The plan is {"a":3}. Enjoy!')).toEqual({ a: 3 });
    expect(parseJsonAnswer('no json here')).toBeUndefined();
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

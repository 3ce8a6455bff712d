import type { ProviderKind } from '@genbox/contracts';
import type { AdapterContext, ProviderConfig } from './adapter.js';
import { ProviderError } from './errors.js';
import { FAL_DEFAULT_QUEUE_URL } from './fal/index.js';
import { requestJson, request } from './http.js';
import { KIE_DEFAULT_BASE_URL, type KieEnvelope, checkKieEnvelope } from './kie/index.js';
import { OPENAI_DEFAULT_BASE_URL } from './openai/index.js';
import { REPLICATE_DEFAULT_BASE_URL } from './replicate/index.js';
import { RUNWARE_DEFAULT_BASE_URL } from './runware/index.js';
import { STABILITY_DEFAULT_BASE_URL } from './stability/index.js';

/** What "Test connection" found: whether the provider answered and took the key, in a sentence. */
export interface ProbeResult {
  ok: boolean;
  message: string;
}

/** How long one probe call may take: an admin waits for it. */
const PROBE_TIMEOUT_MS = 15_000;

const base = (p: ProviderConfig, fallback: string) => (p.baseUrl ?? fallback).replace(/\/+$/, '');
const bearer = (p: ProviderConfig) => ({ ...p.extraHeaders, authorization: `Bearer ${p.apiKey ?? ''}` });
const callOf = (p: ProviderConfig, url: string, body?: unknown) => ({ provider: p.name, url, headers: bearer(p), body, secrets: [p.apiKey], timeoutMs: PROBE_TIMEOUT_MS });

/**
 * One cheap authenticated call per kind, the one its documentation offers for the purpose
 * (PROTOCOLS.md): the account, the balance, or the model list. Nothing is generated or paid for.
 */
const PROBES: Record<ProviderKind, (p: ProviderConfig, ctx: AdapterContext) => Promise<string>> = {
  local: async () => 'Built in: renders on this machine, nothing to reach and no key needed.',
  kie: async (p, ctx) => {
    const { body } = await requestJson<KieEnvelope<number>>(ctx, callOf(p, `${base(p, KIE_DEFAULT_BASE_URL)}/api/v1/chat/credit`));
    return `Connected: the key works, ${checkKieEnvelope(body, 'reading the balance')} Kie credits left.`;
  },
  replicate: async (p, ctx) => {
    const { body } = await requestJson<{ username?: string; type?: string }>(ctx, callOf(p, `${base(p, REPLICATE_DEFAULT_BASE_URL)}/account`));
    return `Connected: the key belongs to ${body?.type ?? 'account'} "${body?.username ?? '?'}".`;
  },
  runware: async (p, ctx) => {
    const task = [{ taskType: 'authentication', apiKey: p.apiKey ?? '', taskUUID: crypto.randomUUID() }];
    // a refused key is a 401; a 200 without errors is an accepted one (the WebSocket also echoes the task, HTTP need not)
    const { body } = await requestJson<{ errors?: { message?: string }[] }>(ctx, callOf(p, base(p, RUNWARE_DEFAULT_BASE_URL), task));
    if (body?.errors?.length) throw new ProviderError('provider_auth', `${p.name} refused: ${body.errors[0]?.message ?? 'no reason given'}`);
    return 'Connected: Runware accepted the key.';
  },
  openai: async (p, ctx) => {
    const { body } = await requestJson<{ data?: { id: string }[] }>(ctx, callOf(p, `${base(p, OPENAI_DEFAULT_BASE_URL)}/models`));
    const ids = (body?.data ?? []).map((m) => m.id);
    return `Connected: the key works, ${ids.length} models available${ids.length ? ` (${ids.slice(0, 4).join(', ')}${ids.length > 4 ? ', …' : ''})` : ''}.`;
  },
  stability: async (p, ctx) => {
    const { body } = await requestJson<{ credits?: number }>(ctx, callOf(p, `${base(p, STABILITY_DEFAULT_BASE_URL)}/v1/user/balance`));
    return `Connected: the key works, ${body?.credits ?? '?'} Stability credits left.`;
  },
  // fal's queue and a template API have no call that checks a key alone: reach the host and say so
  fal: (p, ctx) => reach(p, ctx, FAL_DEFAULT_QUEUE_URL, { ...p.extraHeaders, authorization: `Key ${p.apiKey ?? ''}` }),
  template: (p, ctx) => reach(p, ctx, null, bearer(p)),
};

async function reach(p: ProviderConfig, ctx: AdapterContext, fallback: string | null, headers: Record<string, string>): Promise<string> {
  const url = p.baseUrl ?? fallback;
  if (!url) throw new ProviderError('template_invalid', `${p.name} has no base URL to reach: set one.`);
  const res = await request(ctx, { provider: p.name, url, headers, secrets: [p.apiKey], timeoutMs: PROBE_TIMEOUT_MS, acceptStatus: () => true });
  await res.body?.cancel();
  if (res.status === 401 || res.status === 403) throw new ProviderError('provider_auth', `${p.name} answered HTTP ${res.status}: it refused the key.`);
  return `Reached ${url} (HTTP ${res.status}). This kind has no call that checks a key by itself: run "Test generation" on one of its models to be sure.`;
}

/** Runs the kind's probe; a failure is an answer too (its message says what went wrong), never a throw. */
export async function probeProvider(provider: ProviderConfig, ctx: AdapterContext): Promise<ProbeResult> {
  try {
    return { ok: true, message: await PROBES[provider.kind](provider, ctx) };
  } catch (err) {
    // an admin is waiting for this answer: no promise of another try
    if (err instanceof ProviderError) return { ok: false, message: err.message.replace(/[;,]?\s*Genbox will (try again|retry)[^.]*\.?$/, '.') };
    throw err;
  }
}

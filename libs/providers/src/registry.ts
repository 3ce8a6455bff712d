import type { ProviderKind } from '@genbox/contracts';
import type { ProviderAdapter } from './adapter.js';
import { FalAdapter } from './fal/index.js';
import { KieAdapter } from './kie/index.js';
import { LocalAdapter, type LocalAdapterOptions } from './local/index.js';
import { OpenAIAdapter } from './openai/index.js';
import { ReplicateAdapter, type ReplicateAdapterOptions } from './replicate/index.js';
import { RunwareAdapter } from './runware/index.js';
import { StabilityAdapter } from './stability/index.js';
import { TemplateAdapter } from './template/index.js';

/** Per-kind settings the server passes from its config (e.g. LOCAL_PROVIDER_DELAY_MS). */
export interface AdapterOptions {
  local?: LocalAdapterOptions;
  replicate?: ReplicateAdapterOptions;
  kie?: { requestTimeoutMs?: number };
}

/** One adapter per kind. Adapters hold no per-provider state: a row's config travels in each request. */
const FACTORIES: { [K in ProviderKind]: (o: AdapterOptions) => ProviderAdapter } = {
  template: () => new TemplateAdapter(),
  kie: (o) => new KieAdapter(o.kie),
  replicate: (o) => new ReplicateAdapter(o.replicate),
  runware: () => new RunwareAdapter(),
  stability: () => new StabilityAdapter(),
  openai: () => new OpenAIAdapter(),
  fal: () => new FalAdapter(),
  local: (o) => new LocalAdapter(o.local),
};

export function createAdapter(kind: ProviderKind, options: AdapterOptions = {}): ProviderAdapter {
  const factory = FACTORIES[kind];
  if (!factory) throw new Error(`No provider adapter for kind "${kind}"`);
  return factory(options);
}

/** Every kind's adapter built once, for a server to look up by a provider row's kind. */
export function createAdapterRegistry(options: AdapterOptions = {}): ReadonlyMap<ProviderKind, ProviderAdapter> {
  return new Map((Object.keys(FACTORIES) as ProviderKind[]).map((kind) => [kind, createAdapter(kind, options)]));
}

import type { ParametersSchema, ProviderKind } from '@genbox/contracts';
import { createAdapter, loadCatalog, validateParameters, type CatalogModel, type ProviderConfig, type PollResult } from '@genbox/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFalSimulator } from '../simulators/fal.sim.js';
import { startKieSim } from '../simulators/kie.sim.js';
import { startOpenAISimulator } from '../simulators/openai.sim.js';
import { startReplicateSim } from '../simulators/replicate.sim.js';
import { startRunwareSimulator } from '../simulators/runware.sim.js';
import { startStabilitySimulator } from '../simulators/stability.sim.js';
import { testContext } from '../simulators/shared/index.js';
import { modelRow, parentImage, providerRow, submitRequest } from './native.fixtures.js';

/**
 * "Offer only what the model accepts": every option a catalog row offers (each select option, each
 * boolean both ways, one at a time over the defaults) is sent by its adapter to its provider's strict
 * simulator, which must accept it and finish the task.
 */
const catalog = loadCatalog();
const ctx = testContext();
const providers = new Map<string, ProviderConfig>();
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const kie = await startKieSim({ rateLimit: { max: 10_000, windowMs: 10_000 } });
  const replicate = await startReplicateSim({ secondMs: 20 });
  const runware = await startRunwareSimulator();
  const fal = await startFalSimulator();
  const stability = await startStabilitySimulator({ rateLimit: { max: 10_000, windowMs: 10_000 } });
  const openai = await startOpenAISimulator();
  closers.push(() => kie.close(), () => replicate.close(), () => runware.close(), () => fal.close(), () => stability.close(), () => openai.close());
  providers.set('kie', providerRow('kie', kie.url, kie.apiKey, { uploadBaseUrl: kie.url }));
  providers.set('replicate', providerRow('replicate', `${replicate.url}/v1`, replicate.apiKey));
  providers.set('runware', providerRow('runware', runware.apiUrl, runware.apiKey));
  providers.set('fal', providerRow('fal', fal.url, fal.apiKey, { uploadBaseUrl: fal.url }));
  providers.set('stability', providerRow('stability', stability.url, stability.apiKey));
  providers.set('openai', providerRow('openai', `${openai.url}/v1`, openai.apiKey));
});
afterAll(async () => Promise.all(closers.map((close) => close())));

/** Defaults, then each offered value of each parameter one at a time (skipping what the form itself refuses). */
function variants(schema: ParametersSchema): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [{}];
  for (const [name, spec] of Object.entries(schema)) {
    if (spec.fixed) continue;
    const values = spec.type === 'select' ? (spec.options ?? []) : spec.type === 'boolean' ? [true, false] : [];
    for (const value of values) out.push({ [name]: value });
  }
  return out.filter((v) => validateParameters(schema, v).ok);
}

const native = catalog.models.filter((m) => !m.provider.endsWith('-template'));

describe('every option the catalog offers is accepted by the provider (simulated strictly)', () => {
  it.each(native.map((m) => [m.slug, m] as const))('%s', async (_slug, m: CatalogModel) => {
    const kind = catalog.providers.find((p) => p.key === m.provider)!.kind as ProviderKind;
    const adapter = createAdapter(kind);
    const model = modelRow(m.api_endpoint ?? '', { name: m.name, slug: m.slug, modelType: m.model_type, inputType: m.input_type, requestSchema: m.request_schema, parametersSchema: m.parameters_schema });
    for (const variant of variants(m.parameters_schema)) {
      const checked = validateParameters(m.parameters_schema, variant);
      if (!checked.ok) continue;
      const req = submitRequest(providers.get(m.provider)!, model, { params: checked.params, input: m.input_type === 'IMAGE' ? parentImage('https://cdn.example/parent.png') : null });
      const outcome = await run(adapter, req).catch((e: Error) => ({ status: 'REFUSED', error: { code: 'thrown', message: e.message } }) as unknown as PollResult);
      expect({ variant, status: outcome.status, error: outcome.error?.message }).toEqual({ variant, status: 'COMPLETED', error: undefined });
    }
  });
});

async function run(adapter: ReturnType<typeof createAdapter>, req: ReturnType<typeof submitRequest>): Promise<PollResult> {
  const submitted = await adapter.submit(req, ctx);
  if (submitted.kind === 'finished') return submitted.result;
  for (let i = 0; i < 10; i++) {
    const r = await adapter.poll(submitted.taskId, req, ctx);
    if (r.status !== 'PROCESSING') return r;
  }
  throw new Error('still processing');
}

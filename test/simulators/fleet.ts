/**
 * The simulator fleet behind `npm run sim` (and the catalog end-to-end test): starts every provider simulator on a fixed loopback port, then registers them (and the
 * catalog's models for them) in a running Genbox through its admin API. Existing providers (by name) get
 * this run's keys; existing models (by slug) are skipped, so it can run again. `--no-register` only starts the simulators. Ctrl-C stops them.
 *
 * Env: GENBOX_URL (http://localhost:3000), GENBOX_ADMIN_EMAIL / GENBOX_ADMIN_PASSWORD (the embedded
 * demo user by default, which is an admin only when Genbox started with DEMO_ADMIN=true). API keys are generated per run and never printed.
 */
// From src, so `npm run sim` works without a build of libs/providers.
import { loadCatalog, type CatalogModel } from '../../libs/providers/src/catalog.js';

export interface RunningSim {
  /** catalog.json provider keys this simulator stands in for. */
  keys: string[];
  baseUrl: string;
  uploadBaseUrl: string | null;
  apiKey: string;
  webhookSecret: string | null;
  close(): Promise<void>;
}

type Starter = (port: number) => Promise<RunningSim>;

/** Each simulator is imported on demand, so one that does not exist yet is skipped, not fatal. */
const SIMULATORS: { name: string; port: number; start: () => Promise<Starter> }[] = [
  { name: 'kie', port: 4101, start: async () => { const { startKieSim } = await import('./kie.sim.js'); return async (port) => { const s = await startKieSim({ port }); return { keys: ['kie', 'kie-template'], baseUrl: s.url, uploadBaseUrl: s.url, apiKey: s.apiKey, webhookSecret: s.webhookHmacKey, close: s.close }; }; } },
  { name: 'replicate', port: 4102, start: async () => { const { startReplicateSim } = await import('./replicate.sim.js'); return async (port) => { const s = await startReplicateSim({ port }); return { keys: ['replicate', 'replicate-template'], baseUrl: `${s.url}/v1`, uploadBaseUrl: null, apiKey: s.apiKey, webhookSecret: s.webhookSecret, close: s.close }; }; } },
  { name: 'runware', port: 4103, start: async () => { const { startRunwareSimulator } = await import('./runware.sim.js'); return async (port) => { const s = await startRunwareSimulator({ port }); return { keys: ['runware'], baseUrl: s.apiUrl, uploadBaseUrl: null, apiKey: s.apiKey, webhookSecret: null, close: s.close }; }; } },
  { name: 'stability', port: 4104, start: async () => { const { startStabilitySimulator } = await import('./stability.sim.js'); return async (port) => { const s = await startStabilitySimulator({ port }); return { keys: ['stability', 'stability-template'], baseUrl: s.url, uploadBaseUrl: null, apiKey: s.apiKey, webhookSecret: null, close: s.close }; }; } },
  { name: 'openai', port: 4105, start: async () => { const { startOpenAISimulator } = await import('./openai.sim.js'); return async (port) => { const s = await startOpenAISimulator({ port }); return { keys: ['openai'], baseUrl: s.apiUrl, uploadBaseUrl: null, apiKey: s.apiKey, webhookSecret: null, close: s.close }; }; } },
  { name: 'fal', port: 4106, start: async () => { const { startFalSimulator } = await import('./fal.sim.js'); return async (port) => { const s = await startFalSimulator({ port }); return { keys: ['fal'], baseUrl: s.url, uploadBaseUrl: s.url, apiKey: s.apiKey, webhookSecret: s.jwksText(), close: s.close }; }; } },
];

/** Starts every simulator; `ephemeral` puts each on a free port instead of its fixed one (for tests). */
export async function startAll(opts: { ephemeral?: boolean; quiet?: boolean } = {}): Promise<RunningSim[]> {
  const running: RunningSim[] = [];
  for (const sim of SIMULATORS) {
    try {
      const start = await sim.start();
      const r = await start(opts.ephemeral ? 0 : sim.port);
      running.push(r);
      if (!opts.quiet) console.log(`  ${sim.name.padEnd(10)} ${r.baseUrl}`);
    } catch (err) {
      console.warn(`  ${sim.name.padEnd(10)} not started: ${(err as Error).message}`);
    }
  }
  return running;
}

/** A tiny client for the admin API (snake_case JSON, Bearer token). */
function adminApi(base: string, token: string | null) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
    return (text ? JSON.parse(text) : null) as T;
  };
}

const itemsOf = <T>(page: T[] | { items?: T[] } | null): T[] => (Array.isArray(page) ? page : (page?.items ?? []));

/** Registers the running simulators and their catalog models in a Genbox through its admin API. */
export async function register(running: RunningSim[], target: { url?: string; email?: string; password?: string; log?: (line: string) => void } = {}): Promise<void> {
  const base = (target.url ?? process.env.GENBOX_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
  const email = target.email ?? process.env.GENBOX_ADMIN_EMAIL ?? 'demo@genbox.local';
  const password = target.password ?? process.env.GENBOX_ADMIN_PASSWORD ?? 'genbox-demo';
  const log = target.log ?? ((line: string) => console.log(line));
  const { token } = await adminApi(base, null)<{ token: string }>('POST', '/api/auth/login', { email, password });
  const api = adminApi(base, token);
  const catalog = loadCatalog();
  const providers = itemsOf(await api<{ id: string; name: string }[]>('GET', '/api/providers'));
  const models = itemsOf(await api<{ slug: string }[]>('GET', '/api/models?all=1'));
  const haveSlugs = new Set(models.map((m) => m.slug));

  for (const sim of running) {
    for (const key of sim.keys) {
      const entry = catalog.providers.find((p) => p.key === key);
      if (!entry) continue;
      const name = `${entry.name} (simulator)`;
      // simulators listen on 127.0.0.1: without allow_private_network the network guard refuses every call to them
      const connection = { base_url: sim.baseUrl, upload_base_url: entry.upload_base_url ? sim.uploadBaseUrl : null, api_key: sim.apiKey, webhook_secret: sim.webhookSecret, allow_private_network: true };
      let provider = providers.find((p) => p.name === name);
      if (provider) {
        // Keys are new on every start: the existing row gets this run's keys and URLs.
        await api('PATCH', `/api/providers/${provider.id}`, connection);
        log(`  provider ${name}: already registered, keys refreshed`);
      } else {
        provider = await api<{ id: string; name: string }>('POST', '/api/providers', { name, kind: entry.kind, ...connection, max_concurrency: 4 });
        log(`  provider ${name}: registered`);
      }
      for (const model of catalog.models.filter((m) => m.provider === key)) await registerModel(api, provider.id, model, haveSlugs, log);
    }
  }
}

/**
 * A simulator's copy of a catalog model has its own slug and name: the catalog import upserts by
 * slug, so the two would otherwise take each other's rows (and the simulator's key with them).
 */
export const simSlug = (slug: string) => `${slug}-sim`;

async function registerModel(api: ReturnType<typeof adminApi>, providerId: string, m: CatalogModel, haveSlugs: Set<string>, log: (line: string) => void) {
  const slug = simSlug(m.slug);
  if (haveSlugs.has(slug)) return log(`    model ${slug}: already there`);
  try {
    await api('POST', '/api/models', {
      provider_id: providerId, name: `${m.name} (sim)`, slug, model_type: m.model_type, input_type: m.input_type, api_endpoint: m.api_endpoint,
      request_schema: m.request_schema, response_mapping: m.response_mapping, parameters_schema: m.parameters_schema, cost: m.cost,
    });
    haveSlugs.add(slug);
    log(`    model ${slug}: registered`);
  } catch (err) {
    log(`    model ${slug}: not registered (${(err as Error).message})`);
  }
}


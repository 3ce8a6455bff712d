import type { InputImage, ModelConfig, ProviderConfig, SubmitRequest } from '@genbox/providers';
import { SAMPLE_PNG } from '../simulators/shared/index.js';

export function providerRow(overrides: Partial<ProviderConfig>): ProviderConfig {
  return { id: 'p1', name: 'Sim', kind: 'template', baseUrl: null, apiKey: null, extraHeaders: {}, webhookSecret: null, uploadBaseUrl: null, allowPrivateNetwork: true, ...overrides };
}

export function modelRow(overrides: Partial<ModelConfig>): ModelConfig {
  return { id: 'm1', name: 'Model', slug: 'model', modelType: 'IMAGE', inputType: 'TEXT', apiEndpoint: null, requestSchema: null, responseMapping: null, parametersSchema: {}, ...overrides };
}

/** The parent image: a real PNG, reachable by URL or (url null) only through read(). */
export function inputImage(url: string | null): InputImage {
  return { url, mimeType: 'image/png', filename: 'parent.png', sizeBytes: SAMPLE_PNG.length, read: async () => SAMPLE_PNG };
}

export function submitRequest(provider: ProviderConfig, model: ModelConfig, overrides: Partial<SubmitRequest> = {}): SubmitRequest {
  return { assetId: 'asset-1', provider, model, prompt: 'a red fox in the snow', params: {}, input: null, webhookUrl: null, ...overrides };
}

/** Downloads a result URL as the ingest step would. */
export async function download(url: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

/** Polls until the task leaves PROCESSING (the simulators count polls, so no real waiting). */
export async function pollToEnd<T extends { status: string }>(poll: () => Promise<T>, max = 20): Promise<T[]> {
  const seen: T[] = [];
  for (let i = 0; i < max; i++) {
    const r = await poll();
    seen.push(r);
    if (r.status !== 'PROCESSING') return seen;
  }
  throw new Error(`still processing after ${max} polls`);
}

import type { InputImage, ModelConfig, ProviderConfig, SubmitRequest } from '@genbox/providers';
import type { ProviderKind } from '@genbox/contracts';
import { SAMPLE_PNG } from '../simulators/shared/index.js';

/** A provider row pointed at a simulator; private addresses allowed, as for local simulators. */
export function providerRow(kind: ProviderKind, baseUrl: string, apiKey: string, extra: Partial<ProviderConfig> = {}): ProviderConfig {
  return { id: `${kind}-1`, name: kind, kind, baseUrl, apiKey, extraHeaders: {}, webhookSecret: null, uploadBaseUrl: null, allowPrivateNetwork: true, ...extra };
}

export function modelRow(apiEndpoint: string, extra: Partial<ModelConfig> = {}): ModelConfig {
  return { id: 'model-1', name: 'Test model', slug: 'test-model', modelType: 'IMAGE', inputType: 'TEXT', apiEndpoint, requestSchema: null, responseMapping: null, parametersSchema: {}, ...extra };
}

/** The sample PNG as a parent image; `url: null` means the provider cannot reach it (local storage). */
export function parentImage(url: string | null = null): InputImage {
  return { url, mimeType: 'image/png', filename: 'parent.png', sizeBytes: SAMPLE_PNG.length, read: async () => SAMPLE_PNG };
}

export function submitRequest(provider: ProviderConfig, model: ModelConfig, extra: Partial<SubmitRequest> = {}): SubmitRequest {
  return { assetId: '00000000-0000-4000-8000-000000000001', provider, model, prompt: 'a lighthouse at dusk', params: {}, input: null, webhookUrl: null, ...extra };
}

/** Reads the bytes behind a URL output, as ingest would. */
export async function download(url: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

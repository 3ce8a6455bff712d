import type { AdapterContext, InputImage, ModelConfig, ProviderConfig, SubmitRequest } from '../adapter.js';
import { LOCAL_MODELS, LOCAL_PROVIDER } from './models.js';

const provider: ProviderConfig = {
  id: 'p-local',
  name: LOCAL_PROVIDER.name,
  kind: 'local',
  baseUrl: null,
  apiKey: null,
  extraHeaders: {},
  webhookSecret: null,
  uploadBaseUrl: null,
  allowPrivateNetwork: false,
};

export function localModel(slug: 'local-image' | 'local-video' | 'local-animate'): ModelConfig {
  const seed = LOCAL_MODELS.find((m) => m.slug === slug)!;
  return {
    id: `m-${slug}`,
    name: seed.name,
    slug,
    modelType: seed.model_type,
    inputType: seed.input_type,
    apiEndpoint: null,
    requestSchema: null,
    responseMapping: null,
    parametersSchema: seed.parameters_schema,
  };
}

export function inputImage(bytes: Buffer, filename = 'parent.png'): InputImage {
  return { url: null, mimeType: 'application/octet-stream', filename, sizeBytes: bytes.length, read: async () => bytes };
}

export function submitRequest(slug: Parameters<typeof localModel>[0], over: Partial<SubmitRequest> = {}): SubmitRequest {
  return { assetId: 'asset-1', provider, model: localModel(slug), prompt: 'A lighthouse in fog', params: {}, input: null, webhookUrl: null, ...over };
}

export function adapterContext(over: Partial<AdapterContext> = {}): AdapterContext & { seen: number[] } {
  const seen: number[] = [];
  return { fetch, signal: new AbortController().signal, now: Date.now, log: () => undefined, progress: (p) => seen.push(p), seen, ...over };
}

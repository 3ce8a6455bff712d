import type { ProviderKind } from '@genbox/contracts';
import { ProviderError } from './errors.js';
import { falAppPath } from './fal/index.js';
import { kieFamilyOf } from './kie/index.js';
import { replicateRoute } from './replicate/index.js';

/**
 * What a model's api_endpoint must look like for its provider's kind, checked with the same
 * functions the adapters route by, so a row that passes here is one the adapter can send.
 * Kinds missing here need nothing (openai and stability have defaults, local renders by slug).
 */
const ENDPOINT_RULES: Partial<Record<ProviderKind, (endpoint: string) => string | null>> = {
  template: (e) => (e ? null : 'a template model needs the URL (or path under the base URL) to send its request to, e.g. /v1/images/generations'),
  replicate: (e) => (replicateRoute(e) ? null : `Replicate needs the model as "owner/name" or "owner/name:<version id>", e.g. black-forest-labs/flux-schnell (got "${e}")`),
  fal: (e) => {
    const id = e.replace(/^\/+|\/+$/g, '');
    if (id.split('/').length < 2) return `fal needs the model id, e.g. fal-ai/flux/dev (got "${e}")`;
    return reasonOf(() => falAppPath(id));
  },
  kie: (e) => (e ? reasonOf(() => kieFamilyOf(e)) : 'Kie.ai needs a model name (e.g. bytedance/seedance-1.5-pro) or an API path (e.g. /api/v1/jobs/createTask)'),
  runware: (e) => (e ? null : 'Runware needs the model\'s AIR id, e.g. runware:101@1'),
};

/** Why `apiEndpoint` cannot work for a model of this kind, or null when it can. */
export function apiEndpointProblem(kind: ProviderKind, apiEndpoint: string | null | undefined): string | null {
  return ENDPOINT_RULES[kind]?.((apiEndpoint ?? '').trim()) ?? null;
}

function reasonOf(check: () => unknown): string | null {
  try {
    check();
    return null;
  } catch (err) {
    if (err instanceof ProviderError) return err.message;
    throw err;
  }
}

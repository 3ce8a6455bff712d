import type { ProviderDto } from '@genbox/contracts';
import type { CatalogImportReport } from '../../api/http';

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The sentence an admin reads after importing the catalog. */
export function describeImport(r: CatalogImportReport): string {
  const part = (c: { created: number; updated: number }, one: string) => `${plural(c.created + c.updated, one)} (${c.created} new, ${c.updated} updated)`;
  const tail = r.providers.created > 0 ? ' New providers stay inactive until you enter their API key.' : '';
  return `Catalog imported: ${part(r.providers, 'provider')}, ${part(r.models, 'model')}.${tail}`;
}

/** Whether a provider's API key is set, missing, or not needed at all (the built-in local provider). */
export function keyState(p: Pick<ProviderDto, 'kind' | 'has_api_key'>): 'set' | 'missing' | 'not-needed' {
  if (p.has_api_key) return 'set';
  return p.kind === 'local' ? 'not-needed' : 'missing';
}

/** An inactive provider with no key, as the catalog import leaves them: entering the key is what makes it live. */
export function waitsForKey(p: Pick<ProviderDto, 'kind' | 'has_api_key' | 'is_active'>): boolean {
  return !p.is_active && keyState(p) === 'missing';
}

/** What each provider kind is, where its base URL points, and what a model's "API endpoint" means for it (with an example). */
export const KIND_HELP: Record<ProviderDto['kind'], { what: string; baseUrl: string; endpoint: string }> = {
  template: { what: 'Any REST API, described by each model\'s request template and response mapping.', baseUrl: 'The API\'s root, e.g. https://api.example.com', endpoint: 'The path each model posts to, e.g. /v1/images/generations' },
  kie: { what: 'Kie.ai: one key for many hosted models (Veo, Seedance, Flux…), answered by webhook or poll.', baseUrl: 'https://api.kie.ai (uploads go to Upload base URL, https://kieai.redpandaai.co)', endpoint: 'Kie\'s model name, e.g. bytedance/seedance-1-pro' },
  replicate: { what: 'Replicate: runs a public model version by name.', baseUrl: 'https://api.replicate.com', endpoint: 'The model as owner/name, e.g. black-forest-labs/flux-schnell' },
  runware: { what: 'Runware: fast image and video inference by model AIR id.', baseUrl: 'https://api.runware.ai/v1', endpoint: 'The model\'s AIR id, e.g. runware:100@1' },
  stability: { what: 'Stability AI\'s hosted image API.', baseUrl: 'https://api.stability.ai', endpoint: 'The generation path, e.g. /v2beta/stable-image/generate/core' },
  openai: { what: 'OpenAI images (and compatible servers).', baseUrl: 'https://api.openai.com/v1', endpoint: 'The model name, e.g. gpt-image-1' },
  fal: { what: 'fal.ai queue API.', baseUrl: 'https://queue.fal.run', endpoint: 'The app id, e.g. fal-ai/flux/dev' },
  local: { what: 'Built in: renders real PNG and MP4 on this machine, no key needed.', baseUrl: 'None', endpoint: 'None (the model\'s slug picks what it renders)' },
};

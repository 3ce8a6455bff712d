import { ProviderError, type ProviderFailure } from '@genbox/providers';

/** What an asset records when a step fails: the provider's own classification, or an unexpected error named as such. */
export function toFailure(err: unknown, providerName: string): ProviderFailure {
  if (err instanceof ProviderError) return { code: err.code, message: err.message };
  return { code: 'internal_error', message: `${providerName || 'Generation'} failed unexpectedly: ${(err as Error)?.message ?? String(err)}` };
}

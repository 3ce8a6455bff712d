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

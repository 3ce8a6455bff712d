import type { GenboxClient } from '@genbox/client';
import type { ModelDto, ProviderDto } from '@genbox/contracts';
import { UsageError } from '../output.js';

/** A provider named by id or by name (any case). */
export async function findProvider(client: GenboxClient, ref: string | undefined): Promise<ProviderDto> {
  if (!ref) throw new UsageError('name the provider (its id or name)');
  const { items } = await client.call('listProviders');
  const hit = items.find((p) => p.id === ref) ?? items.find((p) => p.name.toLowerCase() === ref.toLowerCase());
  if (!hit) throw new UsageError(`no provider "${ref}"; \`genbox providers list\` shows them`);
  return hit;
}

/** A model named by id or slug, among the active ones (or every one, for admins, with `all`). */
export async function findModel(client: GenboxClient, ref: string | undefined, all = false): Promise<ModelDto> {
  if (!ref) throw new UsageError('name the model (its slug or id)');
  const { items } = await client.call('listModels', all ? { query: { all: '1' } } : {});
  const hit = items.find((m) => m.id === ref) ?? items.find((m) => m.slug === ref);
  if (!hit) throw new UsageError(`no active model "${ref}"; \`genbox models list\` shows them`);
  return hit;
}

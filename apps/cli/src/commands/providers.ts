import { PROVIDER_KINDS, type ProviderKind } from '@genbox/contracts';
import type { Ctx } from '../context.js';
import { UsageError } from '../output.js';
import { findProvider } from './lookup.js';
import { runTestGeneration } from './provider-test.js';

export async function providers(ctx: Ctx, sub: string | undefined) {
  const { client, out, flags, args } = ctx;
  if (sub === 'list') {
    const { items } = await client.call('listProviders');
    return out.result(items, () => out.table(items, ['id', 'name', 'kind', 'is_active', 'has_api_key', 'base_url']));
  }
  if (sub === 'add') {
    const kind = flags.kind as ProviderKind | undefined;
    if (!flags.name || !kind) throw new UsageError(`genbox providers add --name NAME --kind ${PROVIDER_KINDS.join('|')} [--base-url URL] [--key KEY] [--inactive] [--allow-private-network]`);
    const p = await client.call('createProvider', {
      body: {
        name: flags.name,
        kind,
        base_url: flags['base-url'] ?? null,
        ...(flags.key ? { api_key: flags.key } : {}),
        ...(flags['allow-private-network'] ? { allow_private_network: true } : {}),
        is_active: !flags.inactive,
      },
    });
    return out.result(p, () => out.line(`Added provider "${p.name}" (${p.kind}, ${p.id})${p.has_api_key ? ' with its key' : ''}${p.is_active ? '' : ', inactive'}.`));
  }
  if (sub === 'set-key') {
    const [ref, keyArg] = args;
    const key = keyArg ?? flags.key;
    if (!key) throw new UsageError('genbox providers set-key PROVIDER KEY');
    const found = await findProvider(client, ref);
    // a catalog provider waits inactive for its key: setting the key puts it to work
    const p = await client.call('updateProvider', { params: { id: found.id }, body: { api_key: key, is_active: true } });
    return out.result(p, () => out.line(`Key set for "${p.name}"; it is active.`));
  }
  if (sub === 'test') return runTestGeneration(ctx);
  throw new UsageError('genbox providers list|add|set-key|test');
}

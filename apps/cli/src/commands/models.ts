import type { Ctx } from '../context.js';
import { UsageError } from '../output.js';
import { findModel, findProvider } from './lookup.js';

export async function models(ctx: Ctx, sub: string | undefined) {
  const { client, out, flags, args } = ctx;
  if (sub === 'list') {
    const { items } = await client.call('listModels', flags.all ? { query: { all: '1' } } : {});
    return out.result(items, () => out.table(items, ['slug', 'name', 'model_type', 'input_type', 'cost', 'provider_name', 'is_active']));
  }
  if (sub === 'show') {
    const m = await findModel(client, args[0], flags.all);
    return out.result(m, () => {
      out.line(`${m.name} (${m.slug}, ${m.id})`);
      out.line(`${m.model_type} from ${m.input_type} on ${m.provider_name} (${m.provider_kind}); ${m.cost} credits a run`);
      for (const [name, p] of Object.entries(m.parameters_schema)) {
        const range = p.options ? `one of ${p.options.join(', ')}` : p.min !== undefined || p.max !== undefined ? `${p.min ?? ''}…${p.max ?? ''}` : p.type;
        out.line(`  --param ${name}=…  ${p.label ?? name}: ${range}${p.default !== undefined ? ` (default ${p.default})` : ''}${p.fixed ? ' [fixed]' : ''}`);
      }
    });
  }
  if (sub === 'import') {
    const name = args[0];
    if (!name || !flags.provider) throw new UsageError('genbox models import --provider PROVIDER NAME (e.g. google/veo-3.1-fast)');
    const provider = await findProvider(client, flags.provider);
    const m = await client.call('importModel', { body: { provider_id: provider.id, name } });
    return out.result(m, () => {
      out.line(`Imported ${m.name} as ${m.slug} (${m.id}) with ${Object.keys(m.parameters_schema).length} parameters.`);
      if (m.skipped.length) out.line(`Not offered as form fields: ${m.skipped.join(', ')}`);
    });
  }
  throw new UsageError('genbox models list|show|import');
}

/** `genbox catalog import`: the built-in catalog's providers (inactive until their key is set) and models. */
export async function catalog({ client, out }: Ctx, sub: string | undefined) {
  if (sub !== 'import') throw new UsageError('genbox catalog import');
  const r = await client.call('importCatalog');
  out.result(r, () => out.line(`Catalog imported: providers ${r.providers.created} new, ${r.providers.updated} updated; models ${r.models.created} new, ${r.models.updated} updated. Set a provider's key with \`genbox providers set-key\`.`));
}

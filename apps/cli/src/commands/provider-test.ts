import { TERMINAL_STATUSES } from '@genbox/contracts';
import type { Ctx } from '../context.js';
import { UsageError } from '../output.js';
import { findProvider } from './lookup.js';

/**
 * `genbox providers test PROVIDER --box BOX [--model SLUG]`: one real generation on one of the
 * provider's active text models, waited for; exit code 1 unless it completes.
 */
export async function runTestGeneration({ client, out, flags, args }: Ctx) {
  const provider = await findProvider(client, args[0]);
  if (!flags.box) throw new UsageError('genbox providers test PROVIDER --box BOX_ID [--model SLUG] (the test generation lands in that box)');
  const { items } = await client.call('listModels');
  const model = items.find((m) => m.provider_id === provider.id && m.input_type === 'TEXT' && (!flags.model || m.slug === flags.model));
  if (!model) throw new UsageError(`"${provider.name}" has no active text model${flags.model ? ` with slug ${flags.model}` : ''} to test with`);
  out.line(`Testing "${provider.name}" with ${model.slug}…`);
  const started = Date.now();
  const res = await client.call('generate', { params: { id: flags.box }, body: { prompt: 'Genbox provider test: a red circle on white', ai_model_id: model.id } });
  let asset = 'items' in res ? res.items[0]! : res;
  const deadline = started + Number(flags.timeout ?? 300) * 1000;
  while (!TERMINAL_STATUSES.includes(asset.status) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    asset = await client.call('getAsset', { params: { id: asset.id } });
  }
  const seconds = (Date.now() - started) / 1000;
  const ok = asset.status === 'COMPLETED';
  out.result({ ok, provider: provider.name, model: model.slug, seconds, asset }, () =>
    out.line(ok ? `OK: ${asset.mime_type} ${asset.width ?? '?'}×${asset.height ?? '?'} in ${seconds.toFixed(1)} s (asset ${asset.id})` : `FAILED: ${asset.status} ${asset.error_code ?? ''} ${asset.error_message ?? ''}`.trim()),
  );
  if (!ok) process.exitCode = 1;
}

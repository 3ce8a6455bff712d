import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { ModelTestRequest, ModelTestResult } from '@genbox/contracts';
import { type InputImage, type ProviderOutput, guardedFetch, networkPolicy, renderPromptImage, runTrial, validateParameters } from '@genbox/providers';
import { SNIFF_BYTES, sniffMedia } from '@genbox/media';
import type { z } from 'zod';
import { AppError } from '../common/app-error.js';
import { isUuid } from '../common/is-uuid.js';
import { guardedGet } from './guarded-get.js';
import { AdapterRegistry } from './adapter.registry.js';
import { CatalogCache } from './catalog.cache.js';

/** How long a test run may take before the admin gets the answer "still running". */
const TRIAL_DEADLINE_MS = 60_000;
/** Files up to this size come back inline for the admin to see; larger ones are described. */
const PREVIEW_MAX_BYTES = 4 * 1024 * 1024;
const DEFAULT_PROMPT = 'A red bicycle leaning against a white wall, morning light';

/**
 * "Test generation": one real run of a model through its adapter, as a worker would send it
 * (decrypted key, network guard, the model's poll plan), but with no asset, no queue and no
 * credits. A model that starts from an image gets a rendered test picture, staged by the
 * adapter as it would stage any input it cannot pass by URL.
 */
@Injectable()
export class ModelTrialService {
  private readonly logger = new Logger('ModelTrial');

  constructor(private readonly catalog: CatalogCache, private readonly adapters: AdapterRegistry) {}

  async test(modelId: string, body: z.output<typeof ModelTestRequest>): Promise<ModelTestResult> {
    const entry = isUuid(modelId) ? await this.catalog.get(modelId) : null;
    if (!entry) throw new AppError('not_found', 'Model not found');
    const checked = validateParameters(entry.modelConfig.parametersSchema, body.generation_config as Record<string, unknown> | undefined);
    if (!checked.ok) throw new AppError('invalid_parameters', checked.errors.map((e) => `generation_config.${e.field}: ${e.message}`).join('; '));
    const prompt = body.prompt ?? DEFAULT_PROMPT;
    const { provider, modelConfig } = entry;
    const started = Date.now();
    const trial = await runTrial(this.adapters.get(provider.kind), {
      assetId: randomUUID(), provider, model: modelConfig, prompt, params: checked.params,
      input: modelConfig.inputType === 'IMAGE' ? testImage() : null,
      webhookUrl: null, // no asset to call back about: the trial polls
    }, {
      fetch: guardedFetch(provider.allowPrivateNetwork),
      signal: AbortSignal.timeout(TRIAL_DEADLINE_MS + 30_000),
      now: Date.now,
      log: (msg) => this.logger.debug(`${modelConfig.slug}: ${msg}`),
    }, TRIAL_DEADLINE_MS);
    const outputs = await Promise.all(trial.outputs.map((o) => describe(o, provider.allowPrivateNetwork)));
    return { ok: trial.ok, status: trial.status, provider_state: trial.providerState, task_id: trial.taskId, message: trial.message, duration_ms: Date.now() - started, outputs };
  }
}

function testImage(): InputImage {
  let bytes: Promise<Buffer> | null = null;
  return { url: null, mimeType: 'image/png', filename: 'genbox-test.png', sizeBytes: 0, read: () => (bytes ??= renderPromptImage('Genbox test image', 7, 768, 512)) };
}

/** An output as the admin sees it: its type and size, and the file itself when it is small enough to show. */
async function describe(output: ProviderOutput, allowPrivateNetwork: boolean): Promise<ModelTestResult['outputs'][number]> {
  const bytes = 'bytes' in output ? output.bytes : await fetchCapped(output.url, allowPrivateNetwork).catch(() => null);
  if (!bytes) return { mime_type: 'mimeType' in output ? output.mimeType ?? null : null, size_bytes: null, preview: null };
  const sniffed = sniffMedia(bytes.subarray(0, SNIFF_BYTES));
  const mime = sniffed?.mimeType ?? ('mimeType' in output ? output.mimeType ?? null : null);
  return { mime_type: mime, size_bytes: bytes.length, preview: sniffed && bytes.length <= PREVIEW_MAX_BYTES ? `data:${sniffed.mimeType};base64,${bytes.toString('base64')}` : null };
}

/** The result file through the same guard as a generation's download; null past the preview cap. */
async function fetchCapped(url: string, allowPrivateNetwork: boolean): Promise<Buffer | null> {
  const { res } = await guardedGet(url, { policy: networkPolicy(allowPrivateNetwork), signal: AbortSignal.timeout(30_000) });
  if ((res.statusCode ?? 0) >= 400) return void res.destroy(), null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > PREVIEW_MAX_BYTES) return void res.destroy(), null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

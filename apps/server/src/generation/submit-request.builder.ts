import { Inject, Injectable } from '@nestjs/common';
import type { InputImage, ProviderConfig, SubmitRequest } from '@genbox/providers';
import { ProviderError } from '@genbox/providers';
import type { AssetRow } from '../assets/asset.row.js';
import { AssetsRepository } from '../assets/assets.repository.js';
import { FileUrls } from '../assets/file-urls.js';
import type { AppConfig } from '../config/env.js';
import { CONFIG, STORAGE } from '../common/tokens.js';
import type { StorageDriver } from '../storage/storage.port.js';
import { CatalogCache } from './catalog.cache.js';

export interface ProviderJob { provider: ProviderConfig; request: SubmitRequest }

/** How long a provider may take to fetch the parent image from its signed URL. */
const INPUT_URL_TTL_S = 3600;

/** Everything an adapter needs for one asset: decrypted provider, model, parameters, parent image, webhook URL. */
@Injectable()
export class SubmitRequestBuilder {
  constructor(
    private readonly catalog: CatalogCache,
    private readonly assets: AssetsRepository,
    private readonly urls: FileUrls,
    @Inject(STORAGE) private readonly storage: StorageDriver,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  /** `catalog_stamp` (from AssetsRepository.findForWork) lets the model and provider come from the cache. */
  async build(asset: AssetRow & { catalog_stamp?: string | null }): Promise<ProviderJob> {
    const entry = asset.model_id ? await this.catalog.get(asset.model_id, asset.catalog_stamp) : null;
    if (!entry) throw new ProviderError('provider_bad_request', 'The model of this asset no longer exists');
    const provider = entry.provider;
    const request: SubmitRequest = {
      assetId: asset.id,
      provider,
      model: entry.modelConfig,
      prompt: asset.prompt ?? '',
      params: asset.generation_config ?? {},
      input: asset.parent_asset_id ? await this.inputImage(asset.parent_asset_id, provider) : null,
      webhookUrl: provider.kind === 'local' ? null : `${this.config.publicUrl}/api/webhooks/${provider.kind}/${asset.id}?token=${asset.webhook_token}`,
    };
    return { provider, request };
  }

  /**
   * Whether a provider can fetch URLs under PUBLIC_URL. A laptop's localhost is out of reach of
   * a cloud provider: the URL is then null and native adapters stage the file through the
   * provider's own upload API instead.
   */
  private reachable(provider: ProviderConfig): boolean {
    if (provider.allowPrivateNetwork) return true;
    const host = new URL(this.config.publicUrl).hostname;
    return !/^(localhost|127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|\[?::1\]?$|0\.0\.0\.0)/.test(host);
  }

  /**
   * A presigned storage URL only helps when the store is reachable from outside: AWS S3 itself.
   * A custom S3_ENDPOINT (MinIO in docker-compose) is usually an internal host name.
   */
  private publicBucket(): boolean {
    return this.config.storage.storage === 's3' && !this.config.storage.s3.endpoint;
  }

  private async inputImage(parentId: string, provider: ProviderConfig): Promise<InputImage> {
    const parent = await this.assets.find(parentId);
    if (!parent?.storage_key || parent.status !== 'COMPLETED') throw new ProviderError('missing_input_image', 'The parent image is gone or not finished: pick another one and retry');
    const key = parent.storage_key;
    return {
      // a presigned S3 URL when there is one; with local storage, a signed URL under PUBLIC_URL
      url: (this.publicBucket() ? await this.storage.signedUrl(key, INPUT_URL_TTL_S) : null) ?? (this.reachable(provider) ? this.urls.url(parent.id, 'file', INPUT_URL_TTL_S * 1000) : null),
      mimeType: parent.mime_type ?? 'application/octet-stream',
      filename: `${parent.id}.${(parent.mime_type ?? 'image/png').split('/')[1]}`,
      sizeBytes: Number(parent.size_bytes ?? 0),
      read: async () => {
        const { stream } = await this.storage.get(key);
        const chunks: Buffer[] = [];
        for await (const c of stream) chunks.push(c as Buffer);
        return Buffer.concat(chunks);
      },
    };
  }
}

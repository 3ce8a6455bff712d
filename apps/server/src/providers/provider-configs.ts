import { Inject, Injectable } from '@nestjs/common';
import type { ModelConfig, ProviderConfig } from '@genbox/providers';
import { CatalogRepository, type ModelRow, type ProviderRow } from './catalog.repository.js';
import { SECRET_BOX, type SecretBox } from './secret-box.js';

/** A model with its provider, as the adapters take them: the provider's secrets decrypted. */
export interface ModelWithProvider {
  model: ModelRow;
  modelConfig: ModelConfig;
  providerRow: ProviderRow;
  provider: ProviderConfig;
}

/**
 * The one look-up of catalog rows with their keys opened: generation (through its cache), the
 * incoming webhooks, the storyboard planner and the model import all read here, so a provider's
 * secrets are decrypted in one place and never on the way to a DTO.
 */
@Injectable()
export class ProviderConfigs {
  constructor(private readonly catalog: CatalogRepository, @Inject(SECRET_BOX) private readonly secrets: SecretBox) {}

  /** A provider's row and its config; null when there is no such provider. */
  async provider(id: string): Promise<{ row: ProviderRow; config: ProviderConfig } | null> {
    const row = await this.catalog.findProvider(id);
    return row ? { row, config: this.toProviderConfig(row) } : null;
  }

  /** A model with its provider; null when the model (or its provider) no longer exists. */
  async model(modelId: string): Promise<ModelWithProvider | null> {
    const model = await this.catalog.findModel(modelId);
    const providerRow = model ? await this.catalog.findProvider(model.provider_id) : null;
    if (!model || !providerRow) return null;
    return { model, modelConfig: toModelConfig(model), providerRow, provider: this.toProviderConfig(providerRow) };
  }

  private toProviderConfig(p: ProviderRow): ProviderConfig {
    return {
      id: p.id, name: p.name, kind: p.kind, baseUrl: p.base_url, uploadBaseUrl: p.upload_base_url, extraHeaders: p.extra_headers,
      apiKey: p.api_key_encrypted ? this.secrets.open(p.api_key_encrypted) : null,
      webhookSecret: p.webhook_secret_encrypted ? this.secrets.open(p.webhook_secret_encrypted) : null,
      allowPrivateNetwork: p.allow_private_network,
    };
  }
}

const toModelConfig = (m: ModelRow): ModelConfig => ({
  id: m.id, name: m.name, slug: m.slug, modelType: m.model_type, inputType: m.input_type, apiEndpoint: m.api_endpoint,
  requestSchema: m.request_schema, responseMapping: m.response_mapping, parametersSchema: m.parameters_schema,
});

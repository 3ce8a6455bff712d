import { Inject, Injectable } from '@nestjs/common';
import type { ProviderKind } from '@genbox/contracts';
import { type ProviderAdapter, createAdapter } from '@genbox/providers';
import type { AppConfig } from '../config/env.js';
import { CONFIG } from '../common/tokens.js';

/** One adapter instance per provider kind; adapters hold no per-provider state. */
@Injectable()
export class AdapterRegistry {
  private readonly adapters = new Map<ProviderKind, ProviderAdapter>();

  constructor(@Inject(CONFIG) private readonly config: AppConfig) {}

  get(kind: ProviderKind): ProviderAdapter {
    let adapter = this.adapters.get(kind);
    if (!adapter) {
      const requestTimeoutMs = this.config.providerRequestTimeoutMs;
      adapter = createAdapter(kind, { local: { delayMs: this.config.localProviderDelayMs }, kie: { requestTimeoutMs }, replicate: { requestTimeoutMs } });
      this.adapters.set(kind, adapter);
    }
    return adapter;
  }
}

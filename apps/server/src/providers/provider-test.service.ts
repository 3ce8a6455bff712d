import { Injectable, Logger } from '@nestjs/common';
import type { ProviderTestResult } from '@genbox/contracts';
import { guardedFetch, probeProvider } from '@genbox/providers';
import { AppError } from '../common/app-error.js';
import { isUuid } from '../common/is-uuid.js';
import { ProviderConfigs } from './provider-configs.js';

/** "Test connection": one cheap authenticated call to a provider, through the same network guard as every generation. */
@Injectable()
export class ProviderTestService {
  private readonly logger = new Logger('ProviderTest');

  constructor(private readonly configs: ProviderConfigs) {}

  async test(id: string): Promise<ProviderTestResult> {
    const found = isUuid(id) ? await this.configs.provider(id) : null;
    if (!found) throw new AppError('not_found', 'Provider not found');
    const provider = found.config;
    const started = Date.now();
    const result = await probeProvider(provider, {
      // private and loopback addresses only where the provider allows them, as for its generations
      fetch: guardedFetch(provider.allowPrivateNetwork),
      signal: AbortSignal.timeout(30_000),
      now: Date.now,
      log: (msg) => this.logger.debug(`${provider.name}: ${msg}`),
    });
    return { ...result, duration_ms: Date.now() - started };
  }
}

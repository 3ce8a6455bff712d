import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ProviderTestResult } from '@genbox/contracts';
import { guardedFetch, probeProvider } from '@genbox/providers';
import { AppError } from '../common/app-error.js';
import { isUuid } from '../common/is-uuid.js';
import { CatalogRepository, toProviderConfig } from './catalog.repository.js';
import { SECRET_BOX, type SecretBox } from './secret-box.js';

/** "Test connection": one cheap authenticated call to a provider, through the same network guard as every generation. */
@Injectable()
export class ProviderTestService {
  private readonly logger = new Logger('ProviderTest');

  constructor(private readonly repo: CatalogRepository, @Inject(SECRET_BOX) private readonly secrets: SecretBox) {}

  async test(id: string): Promise<ProviderTestResult> {
    const row = isUuid(id) ? await this.repo.findProvider(id) : null;
    if (!row) throw new AppError('not_found', 'Provider not found');
    const provider = toProviderConfig(row, this.secrets);
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

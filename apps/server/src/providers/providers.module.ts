import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/env.js';
import { CONFIG } from '../common/tokens.js';
import { CatalogImportService } from './catalog-import.service.js';
import { CatalogController } from './catalog.controller.js';
import { CatalogRepository } from './catalog.repository.js';
import { CatalogService } from './catalog.service.js';
import { ModelImportController } from './model-import.controller.js';
import { ModelImportService } from './model-import.service.js';
import { ProviderConfigs } from './provider-configs.js';
import { ProviderTestService } from './provider-test.service.js';
import { SECRET_BOX, SecretBox } from './secret-box.js';

/** AI providers and their models (what admins manage, what the generate form lists), and the catalog import. */
@Module({
  providers: [
    CatalogRepository, CatalogService, CatalogImportService, ModelImportService, ProviderConfigs, ProviderTestService,
    { provide: SECRET_BOX, inject: [CONFIG], useFactory: (config: AppConfig & { appSecret: string }) => new SecretBox(config.appSecret) },
  ],
  exports: [CatalogRepository, CatalogService, CatalogImportService, ModelImportService, ProviderConfigs, ProviderTestService, SECRET_BOX],
})
export class ProvidersModule {}

/** Routes under /api/providers, /api/models (with /api/models/import) and /api/catalog (ROLE=api|all). */
@Module({
  imports: [ProvidersModule],
  controllers: [CatalogController, ModelImportController],
})
export class ProvidersApiModule {}

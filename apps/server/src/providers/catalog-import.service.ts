import { Injectable } from '@nestjs/common';
import { loadCatalog } from '@genbox/providers';
import { CatalogRepository, type ImportReport } from './catalog.repository.js';

/**
 * Imports libs/providers/catalog/catalog.json: providers by name, models by slug. Keys are never
 * in the catalog, so a provider it creates starts inactive (its models are then not offered)
 * until an admin enters its key; what an admin already set (key, URLs, activity) is kept.
 */
@Injectable()
export class CatalogImportService {
  constructor(private readonly catalog: CatalogRepository) {}

  importCatalog(): Promise<ImportReport> {
    return this.catalog.upsertCatalog(loadCatalog());
  }
}

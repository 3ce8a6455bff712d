import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import type { UserRow } from '../auth/users.repository.js';
import { CurrentUser, requireAdmin } from '../auth/auth.guard.js';
import { parseInput } from '../common/validate.js';
import { CreateModelRequest, CreateProviderRequest, UpdateModelRequest, UpdateProviderRequest } from '@genbox/contracts';
import { CatalogImportService } from './catalog-import.service.js';
import { CatalogService } from './catalog.service.js';
import { ProviderTestService } from './provider-test.service.js';

@Controller()
export class CatalogController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly importer: CatalogImportService,
    private readonly tester: ProviderTestService,
  ) {}

  /** Upserts the catalog file's providers and models (admins). */
  @Post('catalog/import') @HttpCode(200)
  importCatalog(@CurrentUser() u: UserRow) {
    requireAdmin(u);
    return this.importer.importCatalog();
  }

  /** Active models for the generate form; `?all=1` (admins) includes inactive ones and their wiring. */
  @Get('models')
  async models(@CurrentUser() u: UserRow, @Query('all') all?: string) {
    if (all === '1' || all === 'true') {
      requireAdmin(u);
      return { items: await this.catalog.allModels() };
    }
    return { items: await this.catalog.activeModels() };
  }

  @Post('models')
  createModel(@CurrentUser() u: UserRow, @Body() body: unknown) {
    requireAdmin(u);
    return this.catalog.createModel(parseInput(CreateModelRequest, body));
  }

  @Patch('models/:id')
  updateModel(@CurrentUser() u: UserRow, @Param('id') id: string, @Body() body: unknown) {
    requireAdmin(u);
    return this.catalog.updateModel(id, parseInput(UpdateModelRequest, body));
  }

  @Get('providers')
  async providers(@CurrentUser() u: UserRow) {
    requireAdmin(u);
    return { items: await this.catalog.providers() };
  }

  @Post('providers')
  createProvider(@CurrentUser() u: UserRow, @Body() body: unknown) {
    requireAdmin(u);
    return this.catalog.createProvider(parseInput(CreateProviderRequest, body));
  }

  @Patch('providers/:id')
  updateProvider(@CurrentUser() u: UserRow, @Param('id') id: string, @Body() body: unknown) {
    requireAdmin(u);
    return this.catalog.updateProvider(id, parseInput(UpdateProviderRequest, body));
  }

  /** Test connection: what the provider answers to one cheap authenticated call. */
  @Post('providers/:id/test') @HttpCode(200)
  testProvider(@CurrentUser() u: UserRow, @Param('id') id: string) {
    requireAdmin(u);
    return this.tester.test(id);
  }
}

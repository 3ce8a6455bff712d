import { type DynamicModule, Module } from '@nestjs/common';
import { CreditsController } from './credits.controller.js';
import { CreditsRepository } from './credits.repository.js';
import { CreditsService } from './credits.service.js';

/**
 * Credits: balances, the ledger, grants, the 402 of a short balance. The hold, capture and
 * release are triggers on `assets` (credits migration); CreditsService is what others use.
 */
@Module({})
export class CreditsModule {
  static register(opts: { api: boolean }): DynamicModule {
    return {
      module: CreditsModule,
      controllers: opts.api ? [CreditsController] : [],
      providers: [CreditsRepository, CreditsService],
      exports: [CreditsService],
    };
  }
}
export { CreditHoldEntity, CreditLedgerEntity, ProviderCostEntity } from './credit.entity.js';

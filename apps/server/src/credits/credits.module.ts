import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { CreditsController } from './credits.controller.js';
import { CreditsRepository } from './credits.repository.js';
import { CreditsService } from './credits.service.js';

/**
 * Credits: balances, the ledger, grants, the 402 of a short balance. The hold, capture and
 * release are triggers on `assets` (credits migration); CreditsService is what others use.
 */
@Module({
  imports: [AuthModule, RealtimeModule],
  providers: [CreditsRepository, CreditsService],
  exports: [CreditsService],
})
export class CreditsModule {}

/** Routes under /api/credits and /api/admin/credits (ROLE=api|all). */
@Module({
  imports: [CreditsModule],
  controllers: [CreditsController],
})
export class CreditsApiModule {}

export { CreditHoldEntity, CreditLedgerEntity, ProviderCostEntity } from './credit.entity.js';

import { AssetEntity, AssetEventEntity } from './assets/asset.entity.js';
import { ResumableUploadEntity } from './assets/resumable-upload.entity.js';
import { ApiTokenEntity, UserEntity } from './auth/user.entity.js';
import { BoxEntity, BoxInvitationEntity, BoxMemberEntity } from './boxes/box.entity.js';
import { CreditHoldEntity, CreditLedgerEntity, ProviderCostEntity } from './credits/credit.entity.js';
import { WebhookDeliveryEntity, WebhookEndpointEntity } from './outgoing-webhooks/webhook.entity.js';
import { AiModelEntity, AiProviderEntity } from './providers/catalog.entity.js';
import { StoryboardEntity, StoryboardSceneEntity } from './storyboards/storyboard.entity.js';

/**
 * Every table of the schema as a TypeORM entity, each beside the repository that queries it. The
 * migrations (database/migrations/) stay hand-written and are what changes the database;
 * test/database/schema.test.ts fails when these and the migrated database disagree. Queries do
 * not go through the entities: the repositories write SQL (guarded moves need RETURNING and
 * conditions an entity manager does not express).
 */
export const ENTITIES = [
  UserEntity, ApiTokenEntity, BoxEntity, BoxMemberEntity, BoxInvitationEntity, AiProviderEntity, AiModelEntity, AssetEntity, AssetEventEntity,
  CreditHoldEntity, CreditLedgerEntity, ProviderCostEntity, StoryboardEntity, StoryboardSceneEntity, WebhookEndpointEntity, WebhookDeliveryEntity,
  ResumableUploadEntity,
];

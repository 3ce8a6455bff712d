import { DataSource } from 'typeorm';
import { InitialSchema1732400000000 } from './migrations/1732400000000-initial-schema.js';
import { AnalyticsIndexes1732500000000 } from './migrations/1732500000000-analytics-indexes.js';
import { PipelineLimits1732600000000 } from './migrations/1732600000000-pipeline-limits.js';
import { Storyboards1796180825158 } from './migrations/1796180825158-storyboards.js';
import { AssetSearch1796180924250 } from './migrations/1796180924250-asset-search.js';
import { Credits1796181011193 } from './migrations/1796181011193-credits.js';
import { AssetLineage1796181572609 } from './migrations/1796181572609-asset-lineage.js';
import { OutgoingWebhooks1796181618687 } from './migrations/1796181618687-outgoing-webhooks.js';
import { ProviderCosts1796182999392 } from './migrations/1796182999392-provider-costs.js';
import { CreditsLockOrder1796183569429 } from './migrations/1796183569429-credits-lock-order.js';
import { TokenAccess1796183698668 } from './migrations/1796183698668-token-access.js';
import { MemberJoinedSeq1796190000000 } from './migrations/1796190000000-member-joined-seq.js';
import { BoxInvitations1796190100000 } from './migrations/1796190100000-box-invitations.js';
import { StoryboardPlanning1796191000000 } from './migrations/1796191000000-storyboard-planning.js';
import { ResumableUploads1796191100000 } from './migrations/1796191100000-resumable-uploads.js';
import { AssetBatches1796191500000 } from './migrations/1796191500000-asset-batches.js';
import { AnalyticsCaptureIndex1796191600000 } from './migrations/1796191600000-analytics-capture-index.js';
import { StoryboardFailuresEstimates1796191800000 } from './migrations/1796191800000-storyboard-failures-estimates.js';

/** Migrations in order; the schema changes only through them. */
export const MIGRATIONS = [InitialSchema1732400000000, AnalyticsIndexes1732500000000, PipelineLimits1732600000000, Storyboards1796180825158, AssetSearch1796180924250, Credits1796181011193, AssetLineage1796181572609, OutgoingWebhooks1796181618687, ProviderCosts1796182999392, CreditsLockOrder1796183569429, TokenAccess1796183698668, MemberJoinedSeq1796190000000, BoxInvitations1796190100000, StoryboardPlanning1796191000000, ResumableUploads1796191100000, AssetBatches1796191500000, AnalyticsCaptureIndex1796191600000, StoryboardFailuresEstimates1796191800000];

export function createDataSource(url: string, opts: { poolSize?: number } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    extra: { max: opts.poolSize ?? 10 },
    logging: false,
  });
}

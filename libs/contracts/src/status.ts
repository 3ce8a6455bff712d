/** Lifecycle of an asset. Terminal states never change again except through an explicit retry. */
export const ASSET_STATUSES = ['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELED'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

export const TERMINAL_STATUSES: readonly AssetStatus[] = ['COMPLETED', 'FAILED', 'CANCELED'];

export const ASSET_TYPES = ['IMAGE', 'VIDEO'] as const;
export type AssetType = (typeof ASSET_TYPES)[number];

export const SOURCE_TYPES = ['UPLOADED', 'GENERATED', 'IMG2VID'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export const BOX_ROLES = ['owner', 'editor', 'viewer'] as const;
export type BoxRole = (typeof BOX_ROLES)[number];

export const PROVIDER_KINDS = ['template', 'kie', 'replicate', 'runware', 'stability', 'openai', 'fal', 'local'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const MODEL_INPUT_TYPES = ['TEXT', 'IMAGE'] as const;
export type ModelInputType = (typeof MODEL_INPUT_TYPES)[number];

/** Lifecycle of an asset. Terminal states never change again except through an explicit retry. */
export const ASSET_STATUSES = ['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELED'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

export const TERMINAL_STATUSES: readonly AssetStatus[] = ['COMPLETED', 'FAILED', 'CANCELED'];

/**
 * Every move an asset's status can make, declared once. An asset is born PENDING (a generation)
 * or COMPLETED (an upload) and may be deleted in any status; besides that it moves only along
 * these edges. The server's one status writer refuses any other move, and its guarded UPDATE
 * moves an asset only while it is in one of the sources, so racing callers cannot move it twice.
 */
export const ASSET_TRANSITIONS: Readonly<Record<AssetStatus, readonly AssetStatus[]>> = {
  // sent to the provider; failed before it got there (a lost model, a rejected request); canceled
  PENDING: ['PROCESSING', 'FAILED', 'CANCELED'],
  // the result is stored; the provider failed, timed out or canceled it; canceled by a person
  PROCESSING: ['COMPLETED', 'FAILED', 'CANCELED'],
  COMPLETED: [],
  // a retry starts the asset's next attempt
  FAILED: ['PENDING'],
  CANCELED: ['PENDING'],
};

/** Whether the table has the move from → to. */
export const canMove = (from: AssetStatus, to: AssetStatus): boolean => ASSET_TRANSITIONS[from].includes(to);

/** The statuses an asset may be in for a move to `to`. */
export const movesInto = (to: AssetStatus): AssetStatus[] => ASSET_STATUSES.filter((from) => canMove(from, to));

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

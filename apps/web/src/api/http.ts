import { ApiError, GenboxClient, NETWORK_ERROR, pathFor, toErrorBody } from '@genbox/client';
import type {
  AddMemberRequest,
  AnalyticsDto,
  AnalyticsQuery,
  AssetDto,
  BoxDto,
  BoxRole,
  CatalogImportReport,
  CreateModelRequest,
  CreateProviderRequest,
  GenerateRequest,
  ListAssetsQuery,
  LoginRequest,
  ModelAdminDto,
  ModelDto,
  ProviderDto,
  RegisterRequest,
  CreateStoryboardRequest,
  RetrySceneRequest,
  UpdateStoryboardRequest,
  CreditsQuery,
  ImportModelRequest,
  GrantCreditsRequest,
  CreateWebhookRequest,
  UpdateWebhookRequest,
} from '@genbox/contracts';
import { ROUTES } from '@genbox/contracts';

export { ApiError, toErrorBody };

/** What a caller shows for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}

interface HttpConfig {
  fetch: typeof fetch;
  createXhr: () => XMLHttpRequest;
  getToken: () => string | null;
  /** Called on any 401 so the session can end. */
  onUnauthorized: () => void;
}

const config: HttpConfig = {
  fetch: (...args) => globalThis.fetch(...args),
  createXhr: () => new XMLHttpRequest(),
  getToken: () => null,
  onUnauthorized: () => {},
};

/** An XMLHttpRequest from the configured factory (tests give a fake). */
export const newXhr = (): XMLHttpRequest => config.createXhr();
/** Tells the session a 401 came back. */
export const unauthorized = (): void => config.onUnauthorized();

export function configureHttp(patch: Partial<HttpConfig>) {
  Object.assign(config, patch);
}

/** The typed client of @genbox/client, on the page's own origin, reading the session's token at each call. */
const api = new GenboxClient({
  fetch: (...args) => config.fetch(...args),
  token: () => config.getToken(),
  onUnauthorized: () => config.onUnauthorized(),
});

function parseJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return undefined; }
}

export function authHeaders(): Record<string, string> {
  const token = config.getToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

// Auth
export const register = (body: RegisterRequest) => api.call('register', { body });
export const login = (body: LoginRequest) => api.call('login', { body });
export const me = () => api.call('me');

// Boxes and members
export const listBoxes = () => api.call('listBoxes');
export const createBox = (name: string) => api.call('createBox', { body: { name } });
export const getBox = (boxId: string) => api.call('getBox', { params: { id: boxId } });
export const updateBox = (boxId: string, patch: { name: string }) => api.call('updateBox', { params: { id: boxId }, body: patch });
export const deleteBox = (boxId: string) => api.call('deleteBox', { params: { id: boxId } });
/** While paused, the box's new and waiting generations stay PENDING; resume sends them in priority order. */
export const setBoxPaused = (boxId: string, paused: boolean): Promise<BoxDto> => api.call(paused ? 'pauseBox' : 'resumeBox', { params: { id: boxId } });
export const listMembers = (boxId: string) => api.call('listMembers', { params: { id: boxId } });
export const addMember = (boxId: string, body: AddMemberRequest) => api.call('addMember', { params: { id: boxId }, body });
export const updateMember = (boxId: string, userId: string, role: BoxRole) => api.call('updateMember', { params: { id: boxId, userId }, body: { role } });
export const removeMember = (boxId: string, userId: string) => api.call('removeMember', { params: { id: boxId, userId } });
/** Pending invitations of emails without an account (owners). */
export const listInvitations = (boxId: string) => api.call('listInvitations', { params: { id: boxId } });
export const cancelInvitation = (boxId: string, invitationId: string) => api.call('cancelInvitation', { params: { id: boxId, invitationId } });

// Assets
export const listAssets = (boxId: string, query: ListAssetsQuery = {}) => api.call('listAssets', { params: { id: boxId }, query });
export const getAsset = (assetId: string) => api.call('getAsset', { params: { id: assetId } });
export const getAnalytics = (query: AnalyticsQuery): Promise<AnalyticsDto> => api.call('analytics', { query });
export const getAssetHistory = (assetId: string) => api.call('assetHistory', { params: { id: assetId } });
export const getAssetChildren = (assetId: string) => api.call('assetChildren', { params: { id: assetId } });
export const deleteAsset = (assetId: string) => api.call('deleteAsset', { params: { id: assetId } });
export const cancelAsset = (assetId: string) => api.call('cancelAsset', { params: { id: assetId } });
export const retryAsset = (assetId: string) => api.call('retryAsset', { params: { id: assetId } });
/** A batch's counts and queue position (members); cancel all (editors). */
export const getBatch = (boxId: string, batchId: string) => api.call('getBatch', { params: { id: boxId, batchId } });
export const cancelBatch = (boxId: string, batchId: string) => api.call('cancelBatch', { params: { id: boxId, batchId } });

/** Starts one or more generations; the server answers one asset, or `{items}` when count > 1. */
export async function generate(boxId: string, body: GenerateRequest): Promise<AssetDto[]> {
  const res = await api.call('generate', { params: { id: boxId }, body });
  return 'items' in res ? res.items : [res];
}


// Models (everyone) and the admin catalog
export const listModels = () => api.call('listModels') as Promise<{ items: ModelDto[] }>;
export const listAdminModels = () => api.call('listModels', { query: { all: '1' } }) as Promise<{ items: ModelAdminDto[] }>;
export type ModelInput = CreateModelRequest;
export const createModel = (body: ModelInput) => api.call('createModel', { body });
export const updateModel = (modelId: string, body: Partial<ModelInput>) => api.call('updateModel', { params: { id: modelId }, body });

export const listProviders = () => api.call('listProviders');
/** `api_key` and `webhook_secret` are write-only: omitted keeps the stored value. */
export type ProviderInput = CreateProviderRequest;
export const createProvider = (body: ProviderInput) => api.call('createProvider', { body });
export const updateProvider = (providerId: string, body: Partial<ProviderInput>) => api.call('updateProvider', { params: { id: providerId }, body });

export type { CatalogImportReport };
/** Lets this browser open the queue dashboard for a while (admins; a page cannot send the token header): answers its address. */
export const openQueueBoardSession = () => api.call('queueBoardSession');

/** Upserts the built-in catalog; providers it creates wait, inactive, for their API key. */
export const importCatalog = () => api.call('importCatalog');
/** Creates a model from the schema Replicate or fal publishes for `name`; `skipped` lists fields that became no form field. */
export const importModel = (body: ImportModelRequest) => api.call('importModel', { body });
/** Test connection: the provider's answer to one cheap authenticated call. */
export const testProvider = (providerId: string) => api.call('testProvider', { params: { id: providerId } });
/** Test generation: one real run of the model, with its output as a preview. */
export const testModel = (modelId: string, body: { prompt?: string } = {}) => api.call('testModel', { params: { id: modelId }, body });

// Storyboards
export const listStoryboards = (boxId: string) => api.call('listStoryboards', { params: { id: boxId } });
export const createStoryboard = (boxId: string, body: CreateStoryboardRequest) => api.call('createStoryboard', { params: { id: boxId }, body });
export const getStoryboard = (storyboardId: string) => api.call('getStoryboard', { params: { id: storyboardId } });
export const updateStoryboard = (storyboardId: string, body: UpdateStoryboardRequest) => api.call('updateStoryboard', { params: { id: storyboardId }, body });
export const runStoryboard = (storyboardId: string) => api.call('runStoryboard', { params: { id: storyboardId } });
export const retryStoryboardScene = (storyboardId: string, index: number, body: RetrySceneRequest = {}) =>
  api.call('retryStoryboardScene', { params: { id: storyboardId, index: String(index) }, body });
export const cancelStoryboard = (storyboardId: string) => api.call('cancelStoryboard', { params: { id: storyboardId } });

// Credits
export const getCredits = (query: CreditsQuery = {}) => api.call('credits', { query });
export const grantCredits = (body: GrantCreditsRequest) => api.call('grantCredits', { body });

// Outgoing webhooks of a box (owners)
export const listWebhooks = (boxId: string) => api.call('listWebhooks', { params: { id: boxId } });
export const createWebhook = (boxId: string, body: CreateWebhookRequest) => api.call('createWebhook', { params: { id: boxId }, body });
export const updateWebhook = (boxId: string, webhookId: string, body: UpdateWebhookRequest) => api.call('updateWebhook', { params: { id: boxId, wid: webhookId }, body });
export const deleteWebhook = (boxId: string, webhookId: string) => api.call('deleteWebhook', { params: { id: boxId, wid: webhookId } });
export const listWebhookDeliveries = (boxId: string, webhookId: string) => api.call('listWebhookDeliveries', { params: { id: boxId, wid: webhookId } });
export const resendWebhookDelivery = (boxId: string, webhookId: string, deliveryId: string) =>
  api.call('resendWebhookDelivery', { params: { id: boxId, wid: webhookId, did: deliveryId } });

import type {
  AddMemberRequest,
  AnalyticsDto,
  AnalyticsQuery,
  AssetDto,
  AssetHistoryEntry,
  AssetPage,
  AuthResponse,
  BoxDto,
  BoxRole,
  ErrorBody,
  GenerateRequest,
  ListAssetsQuery,
  LoginRequest,
  MeResponse,
  MemberDto,
  ModelAdminDto,
  ModelDto,
  ProviderDto,
  RegisterRequest,
  CreateStoryboardRequest,
  RetrySceneRequest,
  StoryboardDto,
  UpdateStoryboardRequest,
  CreditsDto,
  GrantCreditsRequest,
  GrantCreditsResponse,
  CreateWebhookRequest,
  UpdateWebhookRequest,
  WebhookDeliveryDto,
  WebhookEndpointCreatedDto,
  WebhookEndpointDto,
} from '@genbox/contracts';

/** Every failed API call rejects with this; `message` is the server's sentence for a person. */
export class ApiError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
    this.name = 'ApiError';
  }
  get status() { return this.body.statusCode; }
  get code() { return this.body.error; }
}

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

export function configureHttp(patch: Partial<HttpConfig>) {
  Object.assign(config, patch);
}

type Query = Record<string, string | number | boolean | undefined | null>;

function toQueryString(query?: Query): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Turns any error answer into an ErrorBody, even when a proxy answered with HTML. */
export function toErrorBody(status: number, statusText: string, data: unknown): ErrorBody {
  const d = (data ?? {}) as Partial<Record<keyof ErrorBody, unknown>>;
  const message = Array.isArray(d.message) ? d.message.join('; ') : d.message;
  if (typeof message === 'string' && message) {
    return { statusCode: status, error: typeof d.error === 'string' ? d.error : `http_${status}`, message };
  }
  const fallback = status >= 500 ? 'The server had a problem. Try again in a moment.' : `Request failed (${[status, statusText].filter(Boolean).join(' ')}).`;
  return { statusCode: status, error: `http_${status}`, message: fallback };
}

function parseJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return undefined; }
}

function authHeaders(): Record<string, string> {
  const token = config.getToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

function fail(body: ErrorBody): never {
  if (body.statusCode === 401) config.onUnauthorized();
  throw new ApiError(body);
}

const NETWORK_ERROR: ErrorBody = { statusCode: 0, error: 'network', message: 'Cannot reach the server. Check your connection and try again.' };

async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await config.fetch(`/api${path}${toQueryString(query)}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    // fetch signals an unreachable server with a TypeError; anything else is a bug to surface.
    if (err instanceof TypeError) throw new ApiError(NETWORK_ERROR);
    throw err;
  }
  const text = await res.text();
  const data = text ? parseJson(text) : undefined;
  if (!res.ok) fail(toErrorBody(res.status, res.statusText, data));
  return data as T;
}

const id = encodeURIComponent;

// Auth
export const register = (body: RegisterRequest) => request<AuthResponse>('POST', '/auth/register', body);
export const login = (body: LoginRequest) => request<AuthResponse>('POST', '/auth/login', body);
export const me = () => request<MeResponse>('GET', '/auth/me');

// Boxes and members
export const listBoxes = () => request<{ items: BoxDto[] }>('GET', '/boxes');
export const createBox = (name: string) => request<BoxDto>('POST', '/boxes', { name });
export const getBox = (boxId: string) => request<BoxDto>('GET', `/boxes/${id(boxId)}`);
export const updateBox = (boxId: string, patch: { name: string }) => request<BoxDto>('PATCH', `/boxes/${id(boxId)}`, patch);
export const deleteBox = (boxId: string) => request<void>('DELETE', `/boxes/${id(boxId)}`);
/** While paused, the box's new and waiting generations stay PENDING; resume sends them in priority order. */
export const setBoxPaused = (boxId: string, paused: boolean) => request<BoxDto>('POST', `/boxes/${id(boxId)}/${paused ? 'pause' : 'resume'}`);
export const listMembers = (boxId: string) => request<{ items: MemberDto[] }>('GET', `/boxes/${id(boxId)}/members`);
export const addMember = (boxId: string, body: AddMemberRequest) => request<MemberDto>('POST', `/boxes/${id(boxId)}/members`, body);
export const updateMember = (boxId: string, userId: string, role: BoxRole) =>
  request<MemberDto>('PATCH', `/boxes/${id(boxId)}/members/${id(userId)}`, { role });
export const removeMember = (boxId: string, userId: string) => request<void>('DELETE', `/boxes/${id(boxId)}/members/${id(userId)}`);

// Assets
export const listAssets = (boxId: string, query: ListAssetsQuery = {}) =>
  request<AssetPage>('GET', `/boxes/${id(boxId)}/assets`, undefined, { ...query });
export const getAsset = (assetId: string) => request<AssetDto>('GET', `/assets/${id(assetId)}`);
export const getAnalytics = (query: AnalyticsQuery) => request<AnalyticsDto>('GET', '/analytics', undefined, { ...query });
export const getAssetHistory = (assetId: string) => request<{ items: AssetHistoryEntry[] }>('GET', `/assets/${id(assetId)}/history`);
export const getAssetChildren = (assetId: string) => request<{ items: AssetDto[] }>('GET', `/assets/${id(assetId)}/children`);
export const deleteAsset = (assetId: string) => request<void>('DELETE', `/assets/${id(assetId)}`);
export const cancelAsset = (assetId: string) => request<AssetDto>('POST', `/assets/${id(assetId)}/cancel`);
export const retryAsset = (assetId: string) => request<AssetDto>('POST', `/assets/${id(assetId)}/retry`);

/** Starts one or more generations; the server answers one asset, or `{items}` when count > 1. */
export async function generate(boxId: string, body: GenerateRequest): Promise<AssetDto[]> {
  const res = await request<AssetDto | { items: AssetDto[] }>('POST', `/boxes/${id(boxId)}/generate`, body);
  return 'items' in res ? res.items : [res];
}

export interface UploadOptions {
  promptText?: string;
  /** Fraction sent, 0–1. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/** XMLHttpRequest rather than fetch: only XHR reports upload progress. */
export function uploadAsset(boxId: string, file: File, opts: UploadOptions = {}): Promise<AssetDto> {
  return new Promise((resolve, reject) => {
    const xhr = config.createXhr();
    xhr.open('POST', `/api/boxes/${id(boxId)}/upload`);
    for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) opts.onProgress?.(e.loaded / e.total); };
    xhr.onload = () => {
      const data = xhr.responseText ? parseJson(xhr.responseText) : undefined;
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data as AssetDto);
      const body = toErrorBody(xhr.status, xhr.statusText, data);
      if (body.statusCode === 401) config.onUnauthorized();
      reject(new ApiError(body));
    };
    xhr.onerror = () => reject(new ApiError(NETWORK_ERROR));
    xhr.onabort = () => reject(new ApiError({ statusCode: 0, error: 'aborted', message: 'Upload canceled.' }));
    opts.signal?.addEventListener('abort', () => xhr.abort());
    const form = new FormData();
    // the caption first: a server reading the stream then has it before the file's bytes
    if (opts.promptText) form.append('prompt_text', opts.promptText);
    form.append('file', file);
    xhr.send(form);
  });
}

// Models (everyone) and the admin catalog
export const listModels = () => request<{ items: ModelDto[] }>('GET', '/models');
export const listAdminModels = () => request<{ items: ModelAdminDto[] }>('GET', '/models', undefined, { all: 1 });
export type ModelInput = Omit<ModelAdminDto, 'id' | 'created_at' | 'updated_at' | 'provider_name' | 'provider_kind'>;
export const createModel = (body: ModelInput) => request<ModelAdminDto>('POST', '/models', body);
export const updateModel = (modelId: string, body: Partial<ModelInput>) => request<ModelAdminDto>('PATCH', `/models/${id(modelId)}`, body);

export const listProviders = () => request<{ items: ProviderDto[] }>('GET', '/providers');
export interface ProviderInput {
  name: string;
  kind: ProviderDto['kind'];
  base_url: string | null;
  upload_base_url: string | null;
  /** Write-only: omitted keeps the stored key. */
  api_key?: string;
  webhook_secret?: string;
  extra_headers: Record<string, string>;
  max_concurrency: number;
  allow_private_network: boolean;
  is_active: boolean;
}
export const createProvider = (body: ProviderInput) => request<ProviderDto>('POST', '/providers', body);
export const updateProvider = (providerId: string, body: Partial<ProviderInput>) =>
  request<ProviderDto>('PATCH', `/providers/${id(providerId)}`, body);

/** What `POST /api/catalog/import` answers: rows created and updated. */
export interface CatalogImportReport {
  providers: { created: number; updated: number };
  models: { created: number; updated: number };
}
/** Upserts the built-in catalog; providers it creates wait, inactive, for their API key. */
export const importCatalog = () => request<CatalogImportReport>('POST', '/catalog/import');
/** Creates a model from the schema Replicate or fal publishes for `name`; `skipped` lists fields that became no form field. */
export const importModel = (body: { provider_id: string; name: string }) => request<ModelAdminDto & { skipped: string[] }>('POST', '/models/import', body);

/** Lets this browser open the queue dashboard for a while (admins; a page cannot send the token header): answers its address. */
export const openQueueBoardSession = () => request<{ url: string }>('POST', '/admin/queues/session');

// Storyboards
export const listStoryboards = (boxId: string) => request<{ items: StoryboardDto[] }>('GET', `/boxes/${id(boxId)}/storyboards`);
export const createStoryboard = (boxId: string, body: CreateStoryboardRequest) => request<StoryboardDto>('POST', `/boxes/${id(boxId)}/storyboards`, body);
export const getStoryboard = (storyboardId: string) => request<StoryboardDto>('GET', `/storyboards/${id(storyboardId)}`);
export const updateStoryboard = (storyboardId: string, body: UpdateStoryboardRequest) => request<StoryboardDto>('PATCH', `/storyboards/${id(storyboardId)}`, body);
export const runStoryboard = (storyboardId: string) => request<StoryboardDto>('POST', `/storyboards/${id(storyboardId)}/run`);
export const retryStoryboardScene = (storyboardId: string, index: number, body: RetrySceneRequest = {}) =>
  request<StoryboardDto>('POST', `/storyboards/${id(storyboardId)}/scenes/${index}/retry`, body);
export const cancelStoryboard = (storyboardId: string) => request<StoryboardDto>('POST', `/storyboards/${id(storyboardId)}/cancel`);

// Credits
export const getCredits = (query: { user_id?: string; email?: string; cursor?: string } = {}) => request<CreditsDto>('GET', '/credits', undefined, query);
export const grantCredits = (body: GrantCreditsRequest) => request<GrantCreditsResponse>('POST', '/admin/credits', body);

// Outgoing webhooks of a box (owners)
export const listWebhooks = (boxId: string) => request<{ items: WebhookEndpointDto[] }>('GET', `/boxes/${id(boxId)}/webhooks`);
export const createWebhook = (boxId: string, body: CreateWebhookRequest) => request<WebhookEndpointCreatedDto>('POST', `/boxes/${id(boxId)}/webhooks`, body);
export const updateWebhook = (boxId: string, webhookId: string, body: UpdateWebhookRequest) =>
  request<WebhookEndpointDto>('PATCH', `/boxes/${id(boxId)}/webhooks/${id(webhookId)}`, body);
export const deleteWebhook = (boxId: string, webhookId: string) => request<void>('DELETE', `/boxes/${id(boxId)}/webhooks/${id(webhookId)}`);
export const listWebhookDeliveries = (boxId: string, webhookId: string) =>
  request<{ items: WebhookDeliveryDto[] }>('GET', `/boxes/${id(boxId)}/webhooks/${id(webhookId)}/deliveries`);
export const resendWebhookDelivery = (boxId: string, webhookId: string, deliveryId: string) =>
  request<WebhookDeliveryDto>('POST', `/boxes/${id(boxId)}/webhooks/${id(webhookId)}/deliveries/${id(deliveryId)}/resend`);

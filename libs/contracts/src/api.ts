import { z } from 'zod';
import { AnalyticsDto, AnalyticsQuery } from './analytics.js';
import { AssetDto, AssetHistoryEntry, AssetPage, BatchDto, CancelBatchResult, GenerateRequest, GenerateResponse, ListAssetsQuery, ResumableUploadDto, UploadForm, listOf, pageOf } from './asset.js';
import { AddMemberRequest, AddMemberResponse, BoxDto, CreateBoxRequest, InvitationDto, MemberDto, UpdateBoxRequest, UpdateMemberRequest } from './box.js';
import { HealthDetailsDto, HealthDto } from './health.js';
import { CreateWebhookRequest, UpdateWebhookRequest, WebhookDeliveryDto, WebhookEndpointCreatedDto, WebhookEndpointDto } from './webhooks.js';
import { CreateStoryboardRequest, RetrySceneRequest, StoryboardDto, UpdateStoryboardRequest } from './storyboard.js';
import {
  CatalogImportReport,
  CreateModelRequest,
  CreateProviderRequest,
  ImportModelRequest,
  ImportedModelDto,
  ModelAdminDto,
  ModelDto,
  ModelTestRequest,
  ModelTestResult,
  ProviderDto,
  ProviderTestResult,
  UpdateModelRequest,
  UpdateProviderRequest,
} from './model.js';
import { type HttpMethod, ROUTES, type RouteName } from './routes.js';
import { CreditEntryDto, CreditsDto, CreditsQuery, GrantCreditsRequest, GrantCreditsResponse, InsufficientCreditsBody } from './credits.js';
import { AuthResponse, LoginRequest, MeResponse, RegisterRequest } from './user.js';
import { ChangePasswordRequest, CreateTokenRequest, CreatedToken, TokenDto } from './token.js';

/** What a success answer carries when it is not JSON. */
export type RawBody = 'none' | 'bytes' | 'event-stream' | 'html' | 'text';

/**
 * One operation of the HTTP API. The server validates `body`/`query` with these very schemas,
 * /api/docs is generated from them, @genbox/client is typed by them, and the integration tests
 * check every real answer against `response`.
 */
export interface RouteSpec {
  method: HttpMethod;
  /** Express-style, `:param` segments, from the server's root (`/api/...`, or `/metrics`). */
  path: string;
  tag: string;
  summary: string;
  /** The status of a successful answer. */
  status: number;
  body?: z.ZodType;
  /** multipart/form-data fields (documented; the server streams them). */
  form?: z.ZodType;
  query?: z.ZodType;
  response: z.ZodType | RawBody;
  /** Other answers with a body of their own (errors not listed here are ErrorBody). */
  alsoAnswers?: Record<number, z.ZodType>;
  /** Needs no token (`query-token`: the token may come as `?token=`, for EventSource). */
  auth?: 'public' | 'query-token';
}

const route = <const R extends RouteSpec>(r: R): R => r;
const Ok = z.strictObject({ ok: z.literal(true) });

/** Every route the server registers. A test walks Nest's routes and fails on any that is missing here. */
export const API = {
  register: route({ ...ROUTES.register, tag: 'auth', summary: 'Create an account', status: 201, body: RegisterRequest, response: AuthResponse, auth: 'public' }),
  login: route({ ...ROUTES.login, tag: 'auth', summary: 'Log in with email and password', status: 200, body: LoginRequest, response: AuthResponse, auth: 'public' }),
  me: route({ ...ROUTES.me, tag: 'auth', summary: 'The current user', status: 200, response: MeResponse }),
  logout: route({ ...ROUTES.logout, tag: 'auth', summary: 'End the session (or API token) this request is made with', status: 204, response: 'none' }),
  changePassword: route({ ...ROUTES.changePassword, tag: 'auth', summary: 'Change the password, from a login session (403 with an API token); every other session of the user ends', status: 204, body: ChangePasswordRequest, response: 'none' }),
  listTokens: route({ ...ROUTES.listTokens, tag: 'auth', summary: "The caller's live sessions and API tokens, newest first; secrets are never shown again", status: 200, response: listOf(TokenDto) }),
  createToken: route({ ...ROUTES.createToken, tag: 'auth', summary: 'An API token for scripts, shown once: scopes read|write|admin (default read, write; admin only for admins), optional box_ids and expires_in_days; never more than the calling token may do (403 missing_scope)', status: 201, body: CreateTokenRequest, response: CreatedToken }),
  revokeToken: route({ ...ROUTES.revokeToken, tag: 'auth', summary: "Revoke one of the caller's tokens: refused at once on REST, SSE and sockets", status: 204, response: 'none' }),

  listBoxes: route({ ...ROUTES.listBoxes, tag: 'boxes', summary: 'Boxes the caller is a member of', status: 200, response: listOf(BoxDto) }),
  createBox: route({ ...ROUTES.createBox, tag: 'boxes', summary: 'Create a box (the caller owns it)', status: 201, body: CreateBoxRequest, response: BoxDto }),
  getBox: route({ ...ROUTES.getBox, tag: 'boxes', summary: "One box, with the caller's role and its event seq", status: 200, response: BoxDto }),
  updateBox: route({ ...ROUTES.updateBox, tag: 'boxes', summary: 'Rename a box (owners)', status: 200, body: UpdateBoxRequest, response: BoxDto }),
  deleteBox: route({ ...ROUTES.deleteBox, tag: 'boxes', summary: 'Delete a box with its assets and files (owners)', status: 204, response: 'none' }),
  pauseBox: route({ ...ROUTES.pauseBox, tag: 'boxes', summary: "Pause the box's queue (editors): its waiting generations stay PENDING", status: 200, response: BoxDto }),
  resumeBox: route({ ...ROUTES.resumeBox, tag: 'boxes', summary: "Resume the box's queue (editors): waiting generations are submitted by priority, then age", status: 200, response: BoxDto }),
  boxEvents: route({
    ...ROUTES.boxEvents, tag: 'boxes', status: 200, response: 'event-stream', auth: 'query-token',
    summary: "The box's realtime events as Server-Sent Events (asset.created, asset.updated, … with `id:` the box seq); resumable with Last-Event-ID or ?last_event_id=; the token may come as ?token=",
    query: z.object({ token: z.string().optional(), last_event_id: z.string().optional() }),
  }),

  listMembers: route({ ...ROUTES.listMembers, tag: 'members', summary: "Members and roles; their email addresses only for the box's owners", status: 200, response: listOf(MemberDto) }),
  addMember: route({ ...ROUTES.addMember, tag: 'members', summary: 'Invite by email (owners): an account with that email becomes a member at once (the Member); any other email gets a pending invitation (the Invitation) that becomes a membership when someone registers or logs in with it', status: 201, body: AddMemberRequest, response: AddMemberResponse }),
  updateMember: route({ ...ROUTES.updateMember, tag: 'members', summary: "Change a member's role (owners)", status: 200, body: UpdateMemberRequest, response: MemberDto }),
  removeMember: route({ ...ROUTES.removeMember, tag: 'members', summary: 'Remove a member (owners), or leave (yourself)', status: 204, response: 'none' }),
  listInvitations: route({ ...ROUTES.listInvitations, tag: 'members', summary: 'Pending invitations of emails without an account yet (owners)', status: 200, response: listOf(InvitationDto) }),
  cancelInvitation: route({ ...ROUTES.cancelInvitation, tag: 'members', summary: 'Withdraw a pending invitation (owners)', status: 204, response: 'none' }),

  listAssets: route({ ...ROUTES.listAssets, tag: 'assets', summary: 'Assets filtered (status, type, source_type, q prompt search, model_id, created_by, batch_id, from, to), sorted (newest|oldest), cursor-paginated; total on the first page', status: 200, query: ListAssetsQuery, response: AssetPage }),
  upload: route({ ...ROUTES.upload, tag: 'assets', summary: 'Upload an image or video: a COMPLETED, UPLOADED asset; 413 over the cap, 415 for other types', status: 201, form: UploadForm, response: AssetDto }),
  createResumableUpload: route({ ...ROUTES.createResumableUpload, tag: 'assets', summary: 'Start a resumable upload (tus 1.0 creation): headers Tus-Resumable: 1.0.0, Upload-Length (bytes, 413 over the cap) and optionally Upload-Metadata (filename, prompt_text; base64 values); answers Location', status: 201, response: ResumableUploadDto }),
  resumableUploadOffset: route({ ...ROUTES.resumableUploadOffset, tag: 'assets', summary: 'How much of a resumable upload the server has (tus HEAD): Upload-Offset and Upload-Length headers; Genbox-Asset-Id once it is an asset', status: 200, response: 'none' }),
  appendResumableUpload: route({ ...ROUTES.appendResumableUpload, tag: 'assets', summary: 'Send bytes of a resumable upload (tus PATCH): Content-Type application/offset+octet-stream and Upload-Offset equal to the server\'s (409 otherwise, 423 while another request writes it); bytes that arrive before a dropped connection are kept. Answers the new Upload-Offset; the last byte makes the asset (Genbox-Asset-Id header), exactly as POST /upload does (415 for other types)', status: 204, response: 'none' }),
  deleteResumableUpload: route({ ...ROUTES.deleteResumableUpload, tag: 'assets', summary: 'Abandon a resumable upload (tus termination): its bytes are deleted', status: 204, response: 'none' }),
  generate: route({ ...ROUTES.generate, tag: 'assets', summary: "Start a generation: the new PENDING asset, or {items} when count > 1; 402 with the balance and the cost when the caller's credits are short", status: 202, body: GenerateRequest, response: GenerateResponse, alsoAnswers: { 402: InsufficientCreditsBody } }),
  getAsset: route({ ...ROUTES.getAsset, tag: 'assets', summary: 'One asset', status: 200, response: AssetDto }),
  assetHistory: route({ ...ROUTES.assetHistory, tag: 'assets', summary: 'Every status change of the asset, oldest first', status: 200, response: listOf(AssetHistoryEntry) }),
  assetChildren: route({ ...ROUTES.assetChildren, tag: 'assets', summary: 'Assets made from this one (image-to-video runs), newest first', status: 200, response: listOf(AssetDto) }),
  deleteAsset: route({ ...ROUTES.deleteAsset, tag: 'assets', summary: 'Delete an asset and its stored file', status: 204, response: 'none' }),
  cancelAsset: route({ ...ROUTES.cancelAsset, tag: 'assets', summary: 'Cancel a PENDING or PROCESSING generation (409 otherwise)', status: 200, response: AssetDto }),
  getBatch: route({ ...ROUTES.getBatch, tag: 'assets', summary: "A batch (one generate call with count > 1): its assets per status and its queue position (see Batch.queue_position for how it is counted); members", status: 200, response: BatchDto }),
  cancelBatch: route({ ...ROUTES.cancelBatch, tag: 'assets', summary: 'Cancel every PENDING or PROCESSING asset of a batch (editors), at the provider too where it can; finished ones stay as they are. Idempotent: a second call cancels nothing and answers the same batch', status: 200, response: CancelBatchResult }),
  retryAsset: route({ ...ROUTES.retryAsset, tag: 'assets', summary: 'Retry a FAILED or CANCELED generation (409 otherwise)', status: 202, response: AssetDto }),
  assetFile: route({ ...ROUTES.assetFile, tag: 'assets', summary: "The bytes (Range supported), with a member's token or the signed file_url; ?download=1 adds Content-Disposition: attachment", status: 200, query: z.object({ download: z.literal('1').optional() }), response: 'bytes', auth: 'public' }),
  assetThumbnail: route({ ...ROUTES.assetThumbnail, tag: 'assets', summary: 'A webp thumbnail or poster frame', status: 200, response: 'bytes', auth: 'public' }),

  listModels: route({
    ...ROUTES.listModels, tag: 'catalog', status: 200,
    summary: 'Active models for the generate form; ?all=1 (admins) lists every model with its wiring',
    query: z.object({ all: z.enum(['1', 'true']).optional() }),
    response: listOf(z.union([ModelDto, ModelAdminDto])),
  }),
  createModel: route({ ...ROUTES.createModel, tag: 'catalog', summary: 'Add a model (admins)', status: 201, body: CreateModelRequest, response: ModelAdminDto }),
  updateModel: route({ ...ROUTES.updateModel, tag: 'catalog', summary: 'Change or deactivate a model (admins)', status: 200, body: UpdateModelRequest, response: ModelAdminDto }),
  importModel: route({ ...ROUTES.importModel, tag: 'catalog', summary: 'Create a model from the input schema Replicate or fal publishes for `name` (admins): parameters_schema derived from it, to adjust afterwards', status: 201, body: ImportModelRequest, response: ImportedModelDto }),
  listProviders: route({ ...ROUTES.listProviders, tag: 'catalog', summary: 'Providers (admins); keys are never returned, only has_api_key', status: 200, response: listOf(ProviderDto) }),
  createProvider: route({ ...ROUTES.createProvider, tag: 'catalog', summary: 'Add a provider (admins); api_key is write-only', status: 201, body: CreateProviderRequest, response: ProviderDto }),
  updateProvider: route({ ...ROUTES.updateProvider, tag: 'catalog', summary: 'Change or deactivate a provider, or set its key (admins)', status: 200, body: UpdateProviderRequest, response: ProviderDto }),
  testProvider: route({ ...ROUTES.testProvider, tag: 'catalog', summary: "Test connection (admins): one cheap authenticated call to the provider (its account, balance or model list), through the network guard; the answer says what it found or what went wrong. Nothing is generated", status: 200, response: ProviderTestResult }),
  testModel: route({ ...ROUTES.testModel, tag: 'catalog', summary: 'Test generation (admins): one real run of the model through its provider (submit, then poll, up to about a minute), with no asset and no credits; the answer has the provider\'s last word and the file as a preview', status: 200, body: ModelTestRequest, response: ModelTestResult }),
  importCatalog: route({ ...ROUTES.importCatalog, tag: 'catalog', summary: "Upsert the catalog file's providers and models (admins); new providers wait inactive for their key", status: 200, response: CatalogImportReport }),

  createStoryboard: route({ ...ROUTES.createStoryboard, tag: 'storyboards', summary: 'Plan a storyboard (editors): the idea becomes scene prompts (planner "local" or {provider_id, model}: a chat model of an openai provider, or of a template provider through its chat_template). The plan and its continuity pass are worker jobs; the request waits for them up to STORYBOARD_PLAN_WAIT_MS and answers the storyboard PLANNED with its scenes, estimated cost and time (nothing is paid for yet), or, when the planner is slower, PLANNING with no scenes yet: it moves to PLANNED (or FAILED with the reason) in storyboard.updated. A planner that fails within the wait is a 502 planner_failed, the storyboard stays FAILED with the reason', status: 201, body: CreateStoryboardRequest, response: StoryboardDto }),
  listStoryboards: route({ ...ROUTES.listStoryboards, tag: 'storyboards', summary: "The box's storyboards, newest first", status: 200, response: listOf(StoryboardDto) }),
  getStoryboard: route({ ...ROUTES.getStoryboard, tag: 'storyboards', summary: 'One storyboard with its scenes, cost and timing', status: 200, response: StoryboardDto }),
  updateStoryboard: route({ ...ROUTES.updateStoryboard, tag: 'storyboards', summary: 'While PLANNED (409 otherwise): the scenes in their new order (edit, reorder, add, remove), and/or the idea', status: 200, body: UpdateStoryboardRequest, response: StoryboardDto }),
  runStoryboard: route({ ...ROUTES.runStoryboard, tag: 'storyboards', summary: 'Run a PLANNED storyboard: scene 1, its last frame, scene 2 from it, …, then the stitched film (409 otherwise)', status: 202, response: StoryboardDto }),
  retryStoryboardScene: route({ ...ROUTES.retryStoryboardScene, tag: 'storyboards', summary: 'Run scene {index} (0-based) again, with a new prompt if given, then only the scenes after it, and stitch again; earlier scenes are kept (409 while running)', status: 202, body: RetrySceneRequest, response: StoryboardDto }),
  cancelStoryboard: route({ ...ROUTES.cancelStoryboard, tag: 'storyboards', summary: 'Cancel a PLANNING, PLANNED or RUNNING storyboard and its running scene (409 otherwise)', status: 200, response: StoryboardDto }),

  listWebhooks: route({ ...ROUTES.listWebhooks, tag: 'outgoing webhooks', summary: "The box's outgoing webhook endpoints (owners); secrets are never listed", status: 200, response: listOf(WebhookEndpointDto) }),
  createWebhook: route({ ...ROUTES.createWebhook, tag: 'outgoing webhooks', summary: 'Register an endpoint (owners): events default to all of asset.created, asset.updated, asset.completed, asset.failed, member.changed; the answer carries its signing secret (whsec_…) this once; allow_private_network only for admins', status: 201, body: CreateWebhookRequest, response: WebhookEndpointCreatedDto }),
  getWebhook: route({ ...ROUTES.getWebhook, tag: 'outgoing webhooks', summary: 'One endpoint, with disabled_reason when Genbox turned it off', status: 200, response: WebhookEndpointDto }),
  updateWebhook: route({ ...ROUTES.updateWebhook, tag: 'outgoing webhooks', summary: 'Change an endpoint; {is_active: true} turns it back on and clears disabled_reason', status: 200, body: UpdateWebhookRequest, response: WebhookEndpointDto }),
  deleteWebhook: route({ ...ROUTES.deleteWebhook, tag: 'outgoing webhooks', summary: 'Remove an endpoint and its deliveries', status: 204, response: 'none' }),
  listWebhookDeliveries: route({ ...ROUTES.listWebhookDeliveries, tag: 'outgoing webhooks', summary: 'The 50 newest deliveries, with status (pending, delivered, failed), attempts, response status and time', status: 200, response: listOf(WebhookDeliveryDto) }),
  resendWebhookDelivery: route({ ...ROUTES.resendWebhookDelivery, tag: 'outgoing webhooks', summary: 'Send a delivered or failed event again, under the same webhook-id (409 while it is due or the endpoint is off)', status: 202, response: WebhookDeliveryDto }),

  credits: route({ ...ROUTES.credits, tag: 'credits', summary: 'Spendable balance, credits held by running generations and the newest ledger entries; admins may name another user with ?user_id= or ?email=', status: 200, query: CreditsQuery, response: CreditsDto }),
  creditsLedger: route({ ...ROUTES.creditsLedger, tag: 'credits', summary: 'The ledger a page at a time, newest first', status: 200, query: CreditsQuery, response: pageOf(CreditEntryDto) }),
  grantCredits: route({ ...ROUTES.grantCredits, tag: 'credits', summary: 'Grant credits to a user named by user_id or email (admins); a negative amount takes away, never below zero (409)', status: 201, body: GrantCreditsRequest, response: GrantCreditsResponse }),

  analytics: route({ ...ROUTES.analytics, tag: 'analytics', summary: "A box's generations (members), or the whole install's (admins) when box_id is left out", status: 200, query: AnalyticsQuery, response: AnalyticsDto }),
  providerWebhook: route({ ...ROUTES.providerWebhook, tag: 'webhooks', summary: "Provider callbacks: the per-asset token and the provider's signature are verified", status: 200, response: Ok, auth: 'public' }),
  queueBoardSession: route({ ...ROUTES.queueBoardSession, tag: 'health', summary: 'Sets the cookie that opens the queue dashboard at /admin/queues in this browser (admins)', status: 200, response: z.strictObject({ url: z.string().describe('Where the dashboard is') }) }),
  health: route({ ...ROUTES.health, tag: 'health', summary: 'Readiness, as /api/health/ready: {status: ok}, or 503 {status: unavailable}', status: 200, response: HealthDto, alsoAnswers: { 503: HealthDto }, auth: 'public' }),
  healthLive: route({ ...ROUTES.healthLive, tag: 'health', summary: 'Liveness: 200 {status: ok} while the process runs, whatever its dependencies do', status: 200, response: HealthDto, auth: 'public' }),
  healthReady: route({ ...ROUTES.healthReady, tag: 'health', summary: 'Readiness: 200 when PostgreSQL, Redis and storage answer and the node is not shutting down, else 503; says nothing more (details: /api/health/details)', status: 200, response: HealthDto, alsoAnswers: { 503: HealthDto }, auth: 'public' }),
  healthDetails: route({ ...ROUTES.healthDetails, tag: 'health', summary: "Each dependency's answer, time and error (admins; API nodes)", status: 200, response: HealthDetailsDto }),
  metrics: route({ ...ROUTES.metrics, tag: 'health', summary: 'Prometheus metrics (Bearer METRICS_TOKEN when set)', status: 200, response: 'text', auth: 'public' }),
  docsPage: route({ ...ROUTES.docsPage, tag: 'docs', summary: 'This document, browsable', status: 200, response: 'html', auth: 'public' }),
  openapi: route({ ...ROUTES.openapi, tag: 'docs', summary: 'This document (OpenAPI 3.1)', status: 200, response: z.record(z.string(), z.unknown()), auth: 'public' }),
} satisfies { [K in RouteName]: RouteSpec & (typeof ROUTES)[K] };

export type Api = typeof API;

/** `raw` in ROUTES and a non-JSON `response` here say the same thing (a compile error otherwise). */
type RawMismatch = {
  [K in RouteName]: (Api[K]['response'] extends Exclude<RawBody, 'none'> ? true : false) extends ((typeof ROUTES)[K] extends { raw: true } ? true : false) ? never : K;
}[RouteName];
export const ROUTES_AGREE: [RawMismatch] extends [never] ? true : RawMismatch = true;

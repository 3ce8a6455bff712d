import { z } from 'zod';
import { ListQuery } from '../assets/asset-list.query.js';
import { LoginBody, RegisterBody, TokenBody } from '../auth/auth.controller.js';
import { AddMember, CreateBox, UpdateBox, UpdateMember } from '../boxes/boxes.controller.js';
import { CreditsQuery, GrantBody } from '../credits/credits.controller.js';
import { GenerateBody } from '../generation/generation.controller.js';
import { CreateModel, CreateProvider, UpdateModel, UpdateProvider } from '../providers/catalog.schemas.js';
import { CreateStoryboard, RetryScene, UpdateStoryboard } from '../storyboards/storyboards.controller.js';
import { CreateWebhook, UpdateWebhook } from '../outgoing-webhooks/outgoing-webhooks.controller.js';

interface Route {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  status?: number;
  multipart?: boolean;
  public?: boolean;
}

/** Every route of the API. Request schemas are the same zod schemas the controllers parse with. */
const ROUTES: Route[] = [
  { method: 'post', path: '/api/auth/register', tag: 'auth', summary: 'Create an account; answers {user, token}', body: RegisterBody, status: 201, public: true },
  { method: 'post', path: '/api/auth/login', tag: 'auth', summary: 'Log in; answers {user, token}', body: LoginBody, public: true },
  { method: 'get', path: '/api/auth/me', tag: 'auth', summary: 'The current user: {user}' },
  { method: 'post', path: '/api/auth/tokens', tag: 'auth', summary: 'A long-lived API token for scripts, shown once: {id, token}', body: TokenBody, status: 201 },
  { method: 'get', path: '/api/boxes', tag: 'boxes', summary: 'Boxes the caller is a member of: {items}' },
  { method: 'post', path: '/api/boxes', tag: 'boxes', summary: 'Create a box (the caller owns it)', body: CreateBox, status: 201 },
  { method: 'get', path: '/api/boxes/{id}', tag: 'boxes', summary: 'One box, with the caller\'s role and its event seq' },
  { method: 'patch', path: '/api/boxes/{id}', tag: 'boxes', summary: 'Rename a box (owners)', body: UpdateBox },
  { method: 'delete', path: '/api/boxes/{id}', tag: 'boxes', summary: 'Delete a box with its assets and files (owners)', status: 204 },
  { method: 'post', path: '/api/boxes/{id}/pause', tag: 'boxes', summary: 'Pause the box\'s queue (editors): its waiting generations stay PENDING; answers the box (paused: true)' },
  { method: 'post', path: '/api/boxes/{id}/resume', tag: 'boxes', summary: 'Resume the box\'s queue (editors): waiting generations are submitted by priority, then age; answers the box' },
  { method: 'get', path: '/api/boxes/{id}/members', tag: 'members', summary: 'Members and roles: {items}' },
  { method: 'post', path: '/api/boxes/{id}/members', tag: 'members', summary: 'Invite a registered user by email (owners)', body: AddMember, status: 201 },
  { method: 'patch', path: '/api/boxes/{id}/members/{user_id}', tag: 'members', summary: 'Change a member\'s role (owners)', body: UpdateMember },
  { method: 'delete', path: '/api/boxes/{id}/members/{user_id}', tag: 'members', summary: 'Remove a member (owners), or leave (yourself)', status: 204 },
  { method: 'get', path: '/api/boxes/{id}/assets', tag: 'assets', summary: 'Assets filtered (status, type, source_type, q prompt search, model_id, created_by, from, to), sorted (newest|oldest), cursor-paginated: {items, next_cursor, total}; total on the first page', query: ListQuery },
  { method: 'post', path: '/api/boxes/{id}/upload', tag: 'assets', summary: 'Upload an image or video (multipart field "file", optional "prompt_text"); 413 over the cap, 415 for other types', status: 201, multipart: true },
  { method: 'post', path: '/api/boxes/{id}/generate', tag: 'assets', summary: 'Start a generation: the new PENDING asset, or {items} when count > 1', body: GenerateBody, status: 202 },
  { method: 'get', path: '/api/assets/{id}', tag: 'assets', summary: 'One asset' },
  { method: 'delete', path: '/api/assets/{id}', tag: 'assets', summary: 'Delete an asset and its stored file', status: 204 },
  { method: 'post', path: '/api/assets/{id}/cancel', tag: 'assets', summary: 'Cancel a PENDING or PROCESSING generation (409 otherwise)' },
  { method: 'post', path: '/api/assets/{id}/retry', tag: 'assets', summary: 'Retry a FAILED or CANCELED generation (409 otherwise)', status: 202 },
  { method: 'get', path: '/api/assets/{id}/file', tag: 'assets', summary: 'The bytes (Range supported), with a token or the signed file_url', public: true },
  { method: 'get', path: '/api/assets/{id}/thumbnail', tag: 'assets', summary: 'A webp thumbnail or poster frame', public: true },
  { method: 'get', path: '/api/models', tag: 'catalog', summary: 'Active models for the generate form: {items}; ?all=1 (admins) lists every model with its wiring' },
  { method: 'post', path: '/api/models', tag: 'catalog', summary: 'Add a model (admins)', body: CreateModel, status: 201 },
  { method: 'patch', path: '/api/models/{id}', tag: 'catalog', summary: 'Change or deactivate a model (admins)', body: UpdateModel },
  { method: 'get', path: '/api/providers', tag: 'catalog', summary: 'Providers (admins); keys are never returned, only has_api_key' },
  { method: 'post', path: '/api/providers', tag: 'catalog', summary: 'Add a provider (admins); api_key is write-only', body: CreateProvider, status: 201 },
  { method: 'patch', path: '/api/providers/{id}', tag: 'catalog', summary: 'Change or deactivate a provider (admins)', body: UpdateProvider },
  { method: 'post', path: '/api/catalog/import', tag: 'catalog', summary: 'Upsert the catalog file\'s providers and models (admins)' },
  { method: 'post', path: '/api/webhooks/{provider}/{asset_id}', tag: 'webhooks', summary: 'Provider callbacks: the per-asset token and the provider\'s signature are verified', public: true },
  { method: 'post', path: '/api/boxes/{id}/storyboards', tag: 'storyboards', summary: 'Plan a storyboard (editors): the idea becomes scene prompts (planner "local" or {provider_id, model} of an OpenAI-compatible chat model); answers it PLANNED with its scenes, estimated cost and time; nothing is paid for yet', body: CreateStoryboard, status: 201 },
  { method: 'get', path: '/api/boxes/{id}/storyboards', tag: 'storyboards', summary: 'The box\'s storyboards, newest first: {items}' },
  { method: 'get', path: '/api/storyboards/{id}', tag: 'storyboards', summary: 'One storyboard: {id, box_id, status, prompt, scenes: [{index, prompt, asset_id, frame_asset_id, status}], final_asset_id, cost: {estimated, so_far}, estimated_seconds, …}' },
  { method: 'patch', path: '/api/storyboards/{id}', tag: 'storyboards', summary: 'While PLANNED (409 otherwise): the scenes in their new order (edit, reorder, add, remove), and/or the idea', body: UpdateStoryboard },
  { method: 'post', path: '/api/storyboards/{id}/run', tag: 'storyboards', summary: 'Run a PLANNED storyboard: scene 1, its last frame, scene 2 from it, …, then the stitched film (409 otherwise)', status: 202 },
  { method: 'post', path: '/api/storyboards/{id}/scenes/{index}/retry', tag: 'storyboards', summary: 'Run scene {index} (0-based) again, with a new prompt if given, then only the scenes after it, and stitch again; earlier scenes are kept (409 while running)', body: RetryScene, status: 202 },
  { method: 'post', path: '/api/storyboards/{id}/cancel', tag: 'storyboards', summary: 'Cancel a PLANNED or RUNNING storyboard and its running scene (409 otherwise)' },
  { method: 'get', path: '/api/boxes/{id}/webhooks', tag: 'outgoing webhooks', summary: 'The box\'s outgoing webhook endpoints (owners): {items}; secrets are never listed' },
  { method: 'post', path: '/api/boxes/{id}/webhooks', tag: 'outgoing webhooks', summary: 'Register an endpoint (owners): events default to all of asset.created, asset.updated, asset.completed, asset.failed, member.changed; the answer carries its signing secret (whsec_…) this once; allow_private_network only for admins', body: CreateWebhook, status: 201 },
  { method: 'get', path: '/api/boxes/{id}/webhooks/{wid}', tag: 'outgoing webhooks', summary: 'One endpoint, with disabled_reason when Genbox turned it off' },
  { method: 'patch', path: '/api/boxes/{id}/webhooks/{wid}', tag: 'outgoing webhooks', summary: 'Change an endpoint; {is_active: true} turns it back on and clears disabled_reason', body: UpdateWebhook },
  { method: 'delete', path: '/api/boxes/{id}/webhooks/{wid}', tag: 'outgoing webhooks', summary: 'Remove an endpoint and its deliveries', status: 204 },
  { method: 'get', path: '/api/boxes/{id}/webhooks/{wid}/deliveries', tag: 'outgoing webhooks', summary: 'The 50 newest deliveries: {items} with status (pending, delivered, failed), attempts, response_status, response_ms, error, next_attempt_at' },
  { method: 'post', path: '/api/boxes/{id}/webhooks/{wid}/deliveries/{did}/resend', tag: 'outgoing webhooks', summary: 'Send a delivered or failed event again, under the same webhook-id (409 while it is due or the endpoint is off)', status: 202 },
  { method: 'get', path: '/api/credits', tag: 'credits', summary: 'Spendable balance, credits held by running generations and the newest ledger entries: {user_id, balance, held, items, next_cursor}; admins may name another user with ?user_id= or ?email=', query: CreditsQuery },
  { method: 'get', path: '/api/credits/ledger', tag: 'credits', summary: 'The ledger a page at a time, newest first: {items, next_cursor}; each entry {id, kind: grant|hold|capture|release, amount, balance_after, asset_id, note, granted_by, provider_cost, provider_cost_unit, created_at}', query: CreditsQuery },
  { method: 'post', path: '/api/admin/credits', tag: 'credits', summary: 'Grant credits to a user named by user_id or email (admins); a negative amount takes away, never below zero (409): {user_id, email, balance, entry}', body: GrantBody, status: 201 },
  { method: 'get', path: '/api/health', tag: 'health', summary: 'Readiness, as /api/health/ready: {status: ok} or 503 {status: unavailable}', public: true },
  { method: 'get', path: '/api/health/live', tag: 'health', summary: 'Liveness: 200 {status: ok} while the process runs, whatever its dependencies do', public: true },
  { method: 'get', path: '/api/health/ready', tag: 'health', summary: 'Readiness: 200 when PostgreSQL, Redis and storage answer and the node is not shutting down, else 503; says nothing more (details: /api/health/details)', public: true },
  { method: 'get', path: '/api/health/details', tag: 'health', summary: 'Each dependency\'s answer, time and error (admins; API nodes)' },
];

const ERROR = { type: 'object', properties: { statusCode: { type: 'integer' }, error: { type: 'string' }, message: { type: 'string' } }, required: ['statusCode', 'error', 'message'] };
const jsonSchema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

/** The OpenAPI 3.1 document served at /api/docs/openapi.json. */
export function buildOpenApi(publicUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = r.query ? Object.entries((jsonSchema(r.query) as { properties: Record<string, unknown> }).properties).map(([name, schema]) => ({ name, in: 'query', required: false, schema })) : [];
    const ok = String(r.status ?? 200);
    paths[r.path] ??= {};
    paths[r.path]![r.method] = {
      tags: [r.tag],
      summary: r.summary,
      ...(r.public ? { security: [] } : {}),
      parameters: [...params, ...query],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } } } : {}),
      ...(r.multipart ? { requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' }, prompt_text: { type: 'string' } }, required: ['file'] } } } } } : {}),
      responses: { [ok]: { description: ok === '204' ? 'Done' : 'OK' }, default: { description: 'An error', content: { 'application/json': { schema: ERROR } } } },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Genbox API', version: '0.1.0', description: 'JSON, snake_case. Wire types: libs/contracts. Live updates: socket.io (box:join) or GET /api/boxes/{id}/events.' },
    servers: [{ url: publicUrl }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}

/**
 * Method and path of every operation of the HTTP API, by the name the client calls it by. Plain data, no schemas: the web bundle carries this table, not zod.
 * `raw`: the answer is not JSON (bytes, an event stream, a page); the client hands back the Response.
 */
export const ROUTES = {
  register: { method: 'POST', path: '/api/auth/register' },
  login: { method: 'POST', path: '/api/auth/login' },
  me: { method: 'GET', path: '/api/auth/me' },
  createToken: { method: 'POST', path: '/api/auth/tokens' },
  listBoxes: { method: 'GET', path: '/api/boxes' },
  createBox: { method: 'POST', path: '/api/boxes' },
  getBox: { method: 'GET', path: '/api/boxes/:id' },
  updateBox: { method: 'PATCH', path: '/api/boxes/:id' },
  deleteBox: { method: 'DELETE', path: '/api/boxes/:id' },
  pauseBox: { method: 'POST', path: '/api/boxes/:id/pause' },
  resumeBox: { method: 'POST', path: '/api/boxes/:id/resume' },
  boxEvents: { method: 'GET', path: '/api/boxes/:id/events', raw: true },
  listMembers: { method: 'GET', path: '/api/boxes/:id/members' },
  addMember: { method: 'POST', path: '/api/boxes/:id/members' },
  updateMember: { method: 'PATCH', path: '/api/boxes/:id/members/:userId' },
  removeMember: { method: 'DELETE', path: '/api/boxes/:id/members/:userId' },
  listAssets: { method: 'GET', path: '/api/boxes/:id/assets' },
  upload: { method: 'POST', path: '/api/boxes/:id/upload' },
  generate: { method: 'POST', path: '/api/boxes/:id/generate' },
  getAsset: { method: 'GET', path: '/api/assets/:id' },
  deleteAsset: { method: 'DELETE', path: '/api/assets/:id' },
  cancelAsset: { method: 'POST', path: '/api/assets/:id/cancel' },
  retryAsset: { method: 'POST', path: '/api/assets/:id/retry' },
  assetFile: { method: 'GET', path: '/api/assets/:id/file', raw: true },
  assetThumbnail: { method: 'GET', path: '/api/assets/:id/thumbnail', raw: true },
  listModels: { method: 'GET', path: '/api/models' },
  createModel: { method: 'POST', path: '/api/models' },
  updateModel: { method: 'PATCH', path: '/api/models/:id' },
  listProviders: { method: 'GET', path: '/api/providers' },
  createProvider: { method: 'POST', path: '/api/providers' },
  updateProvider: { method: 'PATCH', path: '/api/providers/:id' },
  importCatalog: { method: 'POST', path: '/api/catalog/import' },
  analytics: { method: 'GET', path: '/api/analytics' },
  providerWebhook: { method: 'POST', path: '/api/webhooks/:provider/:assetId' },
  health: { method: 'GET', path: '/api/health' },
  metrics: { method: 'GET', path: '/metrics', raw: true },
  docsPage: { method: 'GET', path: '/api/docs', raw: true },
  openapi: { method: 'GET', path: '/api/docs/openapi.json' },
} as const satisfies Record<string, { method: HttpMethod; path: string; raw?: true }>;

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type RouteName = keyof typeof ROUTES;

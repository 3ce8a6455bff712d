import type { SubmitRequest } from '../adapter.js';
import { conditionHolds } from '../params.js';
import { placeholdersOf, renderTemplate } from './render.js';

/**
 * The parameters a provider is sent: those whose `only_when` condition does not hold are left out
 * (a Vidu `bgm` off at 8 s is not sent at all, as Runware refuses providerSettings unless duration is 4).
 */
export function activeParams(req: SubmitRequest): Record<string, unknown> {
  const schema = req.model.parametersSchema ?? {};
  return Object.fromEntries(Object.entries(req.params).filter(([name]) => !schema[name] || conditionHolds(schema[name], req.params)));
}

/**
 * The input object a native adapter sends (the convention shared by every native adapter):
 * `prompt`, then every validated parameter, then the model's request_schema rendered with the same
 * variables (prompt, image_url, each parameter, webhook_url, asset_id) — so a row can rename or add
 * provider fields, e.g. `{"input_urls": ["{{image_url}}"]}`. When request_schema is empty and there is
 * an input image, `defaultImage(url)` says where it goes (Kie: `{image_urls: [url]}`, Replicate: `{image: url}`).
 */
export function buildNativeInput(req: SubmitRequest, imageUrl: string | null, defaultImage?: (url: string) => Record<string, unknown>): Record<string, unknown> {
  // a parameter the row's request_schema places (e.g. last_frame → tail_image_url) is sent only there
  const placed = new Set(placeholdersOf(req.model.requestSchema ?? {}));
  const loose = Object.fromEntries(Object.entries(activeParams(req)).filter(([name]) => !placed.has(name)));
  const input: Record<string, unknown> = { prompt: req.prompt, ...loose, ...renderExtraInput(req, imageUrl) };
  return imageUrl && defaultImage && !placed.has('image_url') ? { ...input, ...defaultImage(imageUrl) } : input;
}

/**
 * The model's request_schema rendered with the native variables (prompt, image_url, each
 * parameter, webhook_url, asset_id): the extra provider fields of a row, for adapters that lay out
 * the rest of their body themselves. Anything but an object renders to no fields.
 */
export function renderExtraInput(req: SubmitRequest, imageUrl: string | null = null): Record<string, unknown> {
  const vars = { ...activeParams(req), prompt: req.prompt, image_url: imageUrl, webhook_url: req.webhookUrl, asset_id: req.assetId };
  const extra = renderTemplate(req.model.requestSchema ?? {}, vars);
  return extra && typeof extra === 'object' && !Array.isArray(extra) ? (extra as Record<string, unknown>) : {};
}

/**
 * The rule every native adapter shares: a row whose request_schema is the provider's whole request
 * body (as the provider's own quick-start shows it, recognised by `isFullBody`) is rendered and sent
 * as that body, with the same variables; otherwise request_schema only adds input fields.
 */
export function renderFullBody(req: SubmitRequest, imageUrl: string | null, isFullBody: (schema: Record<string, unknown>) => boolean): Record<string, unknown> | null {
  const schema = req.model.requestSchema;
  if (!schema || typeof schema !== 'object' || Array.isArray(schema) || !isFullBody(schema as Record<string, unknown>)) return null;
  return renderExtraInput(req, imageUrl);
}

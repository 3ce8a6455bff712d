import { validateParameters } from '@genbox/providers';
import type { ModelRow } from '../providers/catalog.repository.js';
import { AppError } from '../common/app-error.js';
import type { Queryable } from '../database/database.js';
import { partnerModelId } from './storyboards.repository.js';

/**
 * Which model makes a scene. With an input image (a chosen start, or the previous scene's last
 * frame): the storyboard's model when it takes an image, else its provider's image-to-video model
 * (Local video → Local animate), else the model itself with the image as parent (Veo 3.1 takes
 * `image` as its first frame). Scene 1 with no image: the model when it takes text, else its
 * provider's text-to-video model; with neither, the storyboard needs a starting image.
 */
export async function sceneModelId(db: Queryable, model: ModelRow, withImage: boolean): Promise<string> {
  if (withImage) return model.input_type === 'IMAGE' ? model.id : (await partnerModelId(db, model.provider_id, 'IMAGE')) ?? model.id;
  if (model.input_type === 'TEXT') return model.id;
  const partner = await partnerModelId(db, model.provider_id, 'TEXT');
  if (!partner) throw new AppError('invalid_parameters', `image_asset_id: ${model.name} animates an image: pick a finished image of this box for scene 1`);
  return partner;
}

/** The storyboard's parameters as `model` takes them: keys it does not know, or values it does not allow, fall back to its defaults. */
export function configFor(model: ModelRow, params: Record<string, unknown>): Record<string, unknown> {
  const schema = model.parameters_schema ?? {};
  const known = Object.fromEntries(Object.entries(params).filter(([k]) => k in schema));
  const checked = validateParameters(schema, known);
  if (checked.ok) return checked.params;
  const bad = new Set(checked.errors.map((e) => e.field));
  const kept = validateParameters(schema, Object.fromEntries(Object.entries(known).filter(([k]) => !bad.has(k))));
  return kept.ok ? kept.params : {};
}

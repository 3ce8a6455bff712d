import { validateParameters } from '@genbox/providers';
import type { ModelRow } from '../providers/catalog.repository.js';
import { AppError } from '../common/app-error.js';
import type { Queryable } from '../database/database.js';
import { partnerModel, type StoryboardRow } from './storyboards.repository.js';

/** A model and its price per run, in credits. */
export interface PricedModel { id: string; cost: number }
/** A storyboard's model and the partners its scenes may run on instead (the first active video model of its provider taking text, or an image). */
export interface SceneModelChoices { model: PricedModel & { input_type: 'TEXT' | 'IMAGE' }; text: PricedModel | null; image: PricedModel | null }

/**
 * Which model makes a scene. With an input image (a chosen start, or the previous scene's last
 * frame): the storyboard's model when it takes an image, else its provider's image-to-video model
 * (Local video → Local animate), else the model itself with the image as parent (Veo 3.1 takes
 * `image` as its first frame). Scene 1 with no image: the model when it takes text, else its
 * provider's text-to-video model; with neither, null: the storyboard needs a starting image.
 * The one rule: the runner starts scenes with it, and every price and time figure follows it.
 */
export function pickSceneModel(c: SceneModelChoices, withImage: boolean): PricedModel | null {
  if (withImage) return c.model.input_type === 'IMAGE' ? c.model : c.image ?? c.model;
  return c.model.input_type === 'TEXT' ? c.model : c.text;
}

/** The model scene `index` of a storyboard will run on (scene 1 takes the chosen image, later scenes the previous last frame). */
export function plannedSceneModel(row: StoryboardRow, index: number): PricedModel | null {
  const priced = (id: string | null, cost: string | null) => (id ? { id, cost: Number(cost) } : null);
  const choices = {
    model: { id: row.model_id, cost: Number(row.model_cost), input_type: row.model_input_type },
    text: priced(row.text_partner_id, row.text_partner_cost),
    image: priced(row.image_partner_id, row.image_partner_cost),
  };
  return pickSceneModel(choices, index > 0 || !!row.image_asset_id);
}

/** The id of the model a scene runs on (see pickSceneModel); a scene 1 that needs an image and has none is a 422. */
export async function sceneModelId(db: Queryable, model: ModelRow, withImage: boolean): Promise<string> {
  const needs = withImage ? 'IMAGE' : 'TEXT';
  const partner = model.input_type === needs ? null : await partnerModel(db, model.provider_id, needs);
  const choices = { model: { id: model.id, cost: Number(model.cost), input_type: model.input_type }, text: needs === 'TEXT' ? partner : null, image: needs === 'IMAGE' ? partner : null };
  const picked = pickSceneModel(choices, withImage);
  if (!picked) throw new AppError('invalid_parameters', `image_asset_id: ${model.name} animates an image: pick a finished image of this box for scene 1`);
  return picked.id;
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

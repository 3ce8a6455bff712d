import type { ParameterSpec, ParameterValue, ParametersSchema } from '@genbox/contracts';

/** The part of JSON Schema that Replicate's and fal's input schemas use. */
export interface InputSchema {
  type?: string;
  format?: string;
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  items?: InputSchema;
  properties?: Record<string, InputSchema>;
  required?: string[];
  allOf?: InputSchema[];
  anyOf?: InputSchema[];
  $ref?: string;
  'x-order'?: number;
  'x-fal-order-properties'?: string[];
}

export interface DerivedInputs {
  parameters: ParametersSchema;
  /** The field the parent image goes to (the first image input), or null when the model takes none. */
  imageField: string | null;
  /** Whether that image is required (then the model starts from an image). */
  imageRequired: boolean;
  /** Fields left out, each with why (objects, lists of files, secrets): the admin may add them by hand. */
  skipped: string[];
}

/** Fields Genbox fills itself or that must never be a form field. */
const NOT_PARAMETERS = new Set(['prompt', 'webhook', 'sync_mode', 'openai_api_key', 'api_key']);
const IMAGE_NAME = /(^|_)(image|img|frame|start_image|input_image|first_frame)(_url)?s?$|image_url|_image$/i;

/**
 * A model's published input schema → Genbox parameters: enums become selects, bounded numbers get
 * min/max, defaults and descriptions carry over (descriptions as help text), booleans stay booleans.
 * The first image input takes the parent image; further image inputs (a last frame, a tail image) become
 * URL text fields. `prompt` is Genbox's own. `root` resolves `$ref`s (`#/components/schemas/…`).
 */
export function parametersFromInputSchema(input: InputSchema, root: unknown): DerivedInputs {
  const props = input.properties ?? {};
  const required = new Set(input.required ?? []);
  const order = input['x-fal-order-properties'] ?? Object.keys(props).sort((a, b) => (props[a]['x-order'] ?? 0) - (props[b]['x-order'] ?? 0));
  const parameters: ParametersSchema = {};
  const skipped: string[] = [];
  let imageField: string | null = null;
  for (const name of order) {
    const raw = props[name];
    if (!raw || NOT_PARAMETERS.has(name)) continue;
    const field = flatten(raw, root);
    if (isImage(name, field)) {
      if (!imageField) imageField = name;
      else parameters[name] = { type: 'text', label: `${labelOf(name, raw)} (image URL)`, ...help(raw) };
      continue;
    }
    const spec = specOf(name, raw, field);
    if (!spec) {
      skipped.push(`${name} (${field.type ?? 'object'})`);
      continue;
    }
    // a required field with no default needs a value in every run; a text one is left to the admin
    if (required.has(name) && spec.default === undefined && spec.type !== 'text') spec.default = spec.options?.[0] ?? spec.min ?? (spec.type === 'boolean' ? false : undefined);
    parameters[name] = spec;
  }
  return { parameters, imageField, imageRequired: imageField !== null && required.has(imageField), skipped };
}

function specOf(name: string, raw: InputSchema, field: InputSchema): ParameterSpec | null {
  const base = { label: labelOf(name, raw), ...help(raw) };
  const dflt = asValue(raw.default ?? field.default);
  if (field.enum && field.enum.every((o) => typeof o === 'string' || typeof o === 'number')) {
    const options = field.enum as ParameterValue[];
    return { type: 'select', ...base, options, ...(dflt !== undefined && options.includes(dflt) ? { default: dflt } : { default: options[0] }) };
  }
  if (field.type === 'integer' || field.type === 'number') {
    return { type: 'number', ...base, ...(field.minimum !== undefined ? { min: field.minimum } : {}), ...(field.maximum !== undefined ? { max: field.maximum } : {}), ...(field.type === 'integer' ? { integer: true } : {}), ...(typeof dflt === 'number' ? { default: dflt } : {}) };
  }
  if (field.type === 'boolean') return { type: 'boolean', ...base, ...(typeof dflt === 'boolean' ? { default: dflt } : {}) };
  if (field.type === 'string') return { type: 'text', ...base, ...(typeof dflt === 'string' && dflt !== '' ? { default: dflt } : {}) };
  return null;
}

/** allOf/anyOf/$ref collapsed to one schema: Cog's `allOf: [{$ref: enum}]`, fal's `anyOf: [{$ref: ImageSize}, {enum}]` (the enum branch wins). */
function flatten(s: InputSchema, root: unknown): InputSchema {
  const r = resolve(s, root);
  if (r.allOf?.length) return { ...r, ...r.allOf.map((x) => flatten(x, root)).reduce((a, b) => ({ ...a, ...b }), {}), allOf: undefined };
  if (r.anyOf?.length) {
    const branches = r.anyOf.map((x) => flatten(x, root));
    const pick = branches.find((b) => b.enum) ?? branches.find((b) => b.type && b.type !== 'null' && b.type !== 'object') ?? branches[0];
    return { ...r, ...pick, anyOf: undefined };
  }
  return r;
}

function resolve(s: InputSchema, root: unknown): InputSchema {
  if (!s.$ref) return s;
  const target = s.$ref.replace(/^#\//, '').split('/').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], root);
  const { $ref: _ref, ...rest } = s;
  return target ? { ...resolve(target as InputSchema, root), ...rest } : rest;
}

/** A URL field (Replicate marks them format uri) or a string named like an image, but not a mask, video or audio. */
function isImage(name: string, f: InputSchema): boolean {
  if (f.type !== 'string' || /mask|video|audio/i.test(name)) return false;
  return f.format === 'uri' || IMAGE_NAME.test(name);
}

const labelOf = (name: string, raw: InputSchema) => (raw.title && raw.title.toLowerCase() !== name.toLowerCase() ? raw.title : name.split('_').map((w, i) => (i === 0 ? w[0].toUpperCase() + w.slice(1) : w)).join(' '));
const help = (raw: InputSchema) => (raw.description ? { description: raw.description.slice(0, 300) } : {});
const asValue = (v: unknown): ParameterValue | undefined => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined);

import type { ParameterSpec, ParameterValue, ParametersSchema } from '@genbox/contracts';

export interface FieldError {
  field: string;
  message: string;
}

export type ParamsValidation =
  | { ok: true; params: Record<string, ParameterValue> }
  | { ok: false; errors: FieldError[] };

/**
 * Checks a generation_config against a model's parameters_schema.
 *
 * Decisions (the server answers 422 with these errors):
 * - HTML forms send strings, so a number field accepts a numeric string ("8" → 8) and a boolean
 *   field accepts "true"/"false"; select values match their option by string form and take the
 *   option's own type ("8" matches option 8 and becomes 8).
 * - null or undefined counts as omitted; omitted keys take their default; a required key with no
 *   value and no default is an error.
 * - `fixed: true` silently forces the default, whatever was sent: the form shows the value locked,
 *   and a script that sends the provider's usual value should not fail for it.
 * - Keys the schema does not list are refused.
 */
export function validateParameters(schema: ParametersSchema, input: Record<string, unknown> | undefined | null): ParamsValidation {
  const errors: FieldError[] = [];
  const params: Record<string, ParameterValue> = {};
  const given = input ?? {};

  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(schema, key)) errors.push({ field: key, message: `${key} is not a parameter of this model` });
  }
  for (const [field, spec] of Object.entries(schema)) {
    if (spec.fixed && spec.default !== undefined) {
      params[field] = spec.default;
      continue;
    }
    const raw = given[field];
    if (raw === undefined || raw === null || (raw === '' && spec.type !== 'text')) {
      if (spec.default !== undefined) params[field] = spec.default;
      else if (spec.required) errors.push({ field, message: `${field} is required` });
      continue;
    }
    const checked = checkValue(field, spec, raw);
    if ('error' in checked) errors.push({ field, message: checked.error });
    else params[field] = checked.value;
  }
  if (errors.length === 0) errors.push(...conditionErrors(schema, params));
  return errors.length ? { ok: false, errors } : { ok: true, params };
}

/** A parameter set away from its default while its `only_when` condition does not hold. */
function conditionErrors(schema: ParametersSchema, params: Record<string, ParameterValue>): FieldError[] {
  const errors: FieldError[] = [];
  for (const [field, spec] of Object.entries(schema)) {
    if (!spec.only_when || params[field] === spec.default) continue;
    const unmet = Object.entries(spec.only_when).filter(([other, value]) => params[other] !== value);
    if (unmet.length) errors.push({ field, message: `${field} is only available when ${unmet.map(([o, v]) => `${o} is ${JSON.stringify(v)}`).join(' and ')}` });
  }
  return errors;
}

/** Whether a parameter's `only_when` condition holds for these values (the form disables it otherwise). */
export function conditionHolds(spec: ParameterSpec, values: Record<string, unknown>): boolean {
  return !spec.only_when || Object.entries(spec.only_when).every(([other, value]) => String(values[other]) === String(value));
}

type Checked = { value: ParameterValue } | { error: string };

function checkValue(field: string, spec: ParameterSpec, raw: unknown): Checked {
  switch (spec.type) {
    case 'select': {
      const options = spec.options ?? [];
      const match = options.find((o) => o === raw || String(o) === String(raw));
      if (match === undefined || (typeof raw === 'object')) {
        return { error: `${field} must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}` };
      }
      return { value: match };
    }
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n)) return { error: `${field} must be a number` };
      if (spec.integer && !Number.isInteger(n)) return { error: `${field} must be a whole number` };
      if (spec.min !== undefined && n < spec.min) return { error: `${field} must be at least ${spec.min}` };
      if (spec.max !== undefined && n > spec.max) return { error: `${field} must be at most ${spec.max}` };
      return { value: n };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      if (raw === 'true' || raw === 'false') return { value: raw === 'true' };
      return { error: `${field} must be true or false` };
    }
    case 'text': {
      if (typeof raw !== 'string') return { error: `${field} must be text` };
      if (spec.required && raw.trim() === '') return { error: `${field} is required` };
      return { value: raw };
    }
    default:
      return { error: `${field} has an unknown type in the model's schema` };
  }
}

const TYPES = new Set(['select', 'number', 'boolean', 'text']);

/** Problems in a parameters_schema itself (for the admin API and the catalog test); empty when it is sound. */
export function checkParametersSchema(schema: unknown): FieldError[] {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) {
    return [{ field: 'parameters_schema', message: 'parameters_schema must be an object keyed by parameter name' }];
  }
  const errors: FieldError[] = [];
  for (const [field, spec] of Object.entries(schema as Record<string, ParameterSpec>)) {
    const bad = (message: string) => errors.push({ field, message: `${field}: ${message}` });
    if (!spec || typeof spec !== 'object' || !TYPES.has(spec.type)) {
      bad('type must be select, number, boolean or text');
      continue;
    }
    if (spec.type === 'select' && !(Array.isArray(spec.options) && spec.options.length > 0)) bad('a select needs options');
    if (spec.fixed && spec.default === undefined) bad('a fixed parameter needs a default');
    if (spec.min !== undefined && spec.max !== undefined && spec.min > spec.max) bad('min is greater than max');
    if (spec.default !== undefined && !spec.fixed) {
      const checked = checkValue(field, spec, spec.default);
      if ('error' in checked) bad(`the default does not pass: ${checked.error}`);
    }
    if (spec.fixed && spec.type === 'select' && !spec.options?.some((o) => o === spec.default)) bad('the fixed default is not one of the options');
    for (const other of Object.keys(spec.only_when ?? {})) {
      if (!Object.hasOwn(schema, other) || other === field) bad(`only_when names ${other}, which is not another parameter of this model`);
    }
    if (spec.only_when && spec.default === undefined) bad('a parameter with only_when needs a default to fall back to');
  }
  return errors;
}

/**
 * The subset of JSON Schema that providers publish for model inputs (Replicate's version
 * openapi_schema, fal's per-endpoint OpenAPI, and the field tables of Kie and Runware written the same
 * way): type, enum, minimum/maximum, minItems/maxItems, required, properties, additionalProperties,
 * items, and allOf/anyOf with local `$ref`s. Simulators use it to refuse what the real service refuses.
 */
export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean;
  items?: JsonSchema;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  $ref?: string;
  [key: string]: unknown;
}

/** Every problem with `value`, each naming its field (`input.duration: must be one of 4, 6, 8`); [] when valid. */
export function schemaProblems(schema: JsonSchema, value: unknown, at: string, root: unknown = schema): string[] {
  const s = resolve(schema, root);
  if (s.allOf) return s.allOf.flatMap((part) => schemaProblems(part, value, at, root)).concat(schemaProblems({ ...s, allOf: undefined }, value, at, root));
  if (s.anyOf) {
    const options = s.anyOf.map((part) => schemaProblems(part, value, at, root));
    if (!options.some((p) => p.length === 0)) return options[0] ?? [];
  }
  if (s.enum && !s.enum.some((option) => option === value)) return [`${at}: must be one of ${s.enum.map((o) => JSON.stringify(o)).join(', ')}; got ${JSON.stringify(value)}`];
  switch (s.type) {
    case 'string':
      if (typeof value !== 'string') return [`${at}: must be a string`];
      if (s.minLength !== undefined && value.length < s.minLength) return [`${at}: must not be empty`];
      return [];
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value) || (s.type === 'integer' && !Number.isInteger(value))) return [`${at}: must be ${s.type === 'integer' ? 'an integer' : 'a number'}`];
      if (s.minimum !== undefined && value < s.minimum) return [`${at}: must be at least ${s.minimum}`];
      if (s.maximum !== undefined && value > s.maximum) return [`${at}: must be at most ${s.maximum}`];
      return [];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: must be a boolean`];
    case 'array': {
      if (!Array.isArray(value)) return [`${at}: must be an array`];
      if (s.minItems !== undefined && value.length < s.minItems) return [`${at}: must hold at least ${s.minItems} item(s)`];
      if (s.maxItems !== undefined && value.length > s.maxItems) return [`${at}: must hold at most ${s.maxItems} item(s)`];
      return s.items ? value.flatMap((item, i) => schemaProblems(s.items!, item, `${at}[${i}]`, root)) : [];
    }
    case 'object': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${at}: must be an object`];
      const o = value as Record<string, unknown>;
      const props = s.properties ?? {};
      const problems = (s.required ?? []).filter((k) => o[k] === undefined).map((k) => `${at}.${k}: is required`);
      for (const [k, v] of Object.entries(o)) {
        if (props[k]) problems.push(...schemaProblems(props[k], v, `${at}.${k}`, root));
        else if (s.additionalProperties === false) problems.push(`${at}.${k}: is not a field of this model`);
      }
      return problems;
    }
    default:
      return [];
  }
}

function resolve(schema: JsonSchema, root: unknown): JsonSchema {
  if (!schema.$ref) return schema;
  const target = schema.$ref.replace(/^#\//, '').split('/').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], root);
  if (!target) throw new Error(`unresolved $ref ${schema.$ref}`);
  return resolve(target as JsonSchema, root);
}

import type { ProviderKind } from '@genbox/contracts';
import { ProviderError, checkParametersSchema, parseMapping, placeholdersOf } from '@genbox/providers';

/** Placeholders the template adapter fills besides the model's own parameters (see templateVars). */
const TEMPLATE_VARIABLES = new Set(['prompt', 'image_url', 'webhook_url', 'asset_id', 'model', 'task_id']);

interface ModelRowFields {
  request_schema?: unknown;
  response_mapping?: unknown;
  parameters_schema?: unknown;
  api_endpoint?: string | null;
}

/**
 * What is wrong with a model row before any generation finds out: its parameters (types,
 * options, only_when), and for a template provider, a response_mapping that cannot be read or a
 * placeholder that nothing fills. Each problem names its field; an empty list means usable.
 */
export function modelRowProblems(kind: ProviderKind, row: ModelRowFields): string[] {
  const problems = checkParametersSchema(row.parameters_schema ?? {}).map((e) => `parameters_schema.${e.message}`);
  if (kind !== 'template') return problems;
  try {
    parseMapping(row.response_mapping);
  } catch (err) {
    problems.push(`response_mapping: ${err instanceof ProviderError ? err.message : String(err)}`);
  }
  if (!row.api_endpoint) problems.push('api_endpoint: a template model needs the URL to send its request to');
  const known = new Set([...TEMPLATE_VARIABLES, ...Object.keys((row.parameters_schema as object | undefined) ?? {})]);
  for (const name of placeholdersOf([row.request_schema, row.api_endpoint])) {
    if (!known.has(name)) problems.push(`request_schema: {{${name}}} is neither a parameter of the model nor one of ${[...TEMPLATE_VARIABLES].join(', ')}`);
  }
  return problems;
}

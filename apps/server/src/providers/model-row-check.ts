import type { ProviderKind } from '@genbox/contracts';
import { ProviderError, apiEndpointProblem, checkParametersSchema, parseMapping, placeholdersOf } from '@genbox/providers';

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
 * options, only_when), an api_endpoint of a shape its provider's kind cannot route, and for a
 * template provider, a response_mapping that cannot be read or a placeholder that nothing fills.
 * Each problem names its field; an empty list means usable.
 */
export function modelRowProblems(kind: ProviderKind, row: ModelRowFields): string[] {
  const problems = checkParametersSchema(row.parameters_schema ?? {}).map((e) => `parameters_schema.${e.message}`);
  const endpoint = apiEndpointProblem(kind, row.api_endpoint);
  if (endpoint) problems.push(`api_endpoint: ${endpoint}`);
  if (kind !== 'template') return problems;
  try {
    parseMapping(row.response_mapping);
  } catch (err) {
    problems.push(`response_mapping: ${err instanceof ProviderError ? err.message : String(err)}`);
  }
  const known = new Set([...TEMPLATE_VARIABLES, ...Object.keys((row.parameters_schema as object | undefined) ?? {})]);
  for (const name of placeholdersOf([row.request_schema, row.api_endpoint])) {
    if (!known.has(name)) problems.push(`request_schema: {{${name}}} is neither a parameter of the model nor one of ${[...TEMPLATE_VARIABLES].join(', ')}`);
  }
  return problems;
}

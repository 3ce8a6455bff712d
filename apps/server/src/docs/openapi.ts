import { API, ErrorBody, type RawBody, type RouteSpec } from '@genbox/contracts';
import { z } from 'zod';

type Json = Record<string, unknown>;
type Io = 'input' | 'output';
type Entry = [string, z.ZodType | RawBody | undefined];

const RAW_CONTENT: Record<Exclude<RawBody, 'none'>, Json> = {
  bytes: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  'event-stream': { 'text/event-stream': { schema: { type: 'string' } } },
  html: { 'text/html': { schema: { type: 'string' } } },
  text: { 'text/plain': { schema: { type: 'string' } } },
};

/**
 * The OpenAPI 3.1 document served at /api/docs/openapi.json, built from the route table in
 * libs/contracts: the schemas the server validates requests with and the tests check answers
 * against. Schemas with a meta `id` become components (requests get their own `…Input` copy,
 * since defaults and transforms make input and output differ).
 */
export function buildOpenApi(publicUrl: string): Json {
  const routes = Object.entries(API) as [string, RouteSpec][];
  const requests = convert(routes.flatMap(([name, r]): Entry[] => [[`${name}.body`, r.body], [`${name}.form`, r.form], [`${name}.query`, r.query]]), 'input');
  const responses = convert(
    [['ErrorBody', ErrorBody], ...routes.flatMap(([name, r]): Entry[] => [[`${name}.response`, r.response], ...Object.entries(r.alsoAnswers ?? {}).map(([status, s]): Entry => [`${name}.${status}`, s])])],
    'output',
  );

  const paths: Record<string, Json> = {};
  for (const [name, r] of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const params = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = requests.roots[`${name}.query`] as { properties?: Record<string, Json>; required?: string[] } | undefined;
    const queryParams = Object.entries(query?.properties ?? {}).map(([q, schema]) => ({ name: q, in: 'query', required: query?.required?.includes(q) ?? false, schema }));
    const body = requests.roots[`${name}.body`];
    const form = requests.roots[`${name}.form`];
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      operationId: name,
      tags: [r.tag],
      summary: r.summary,
      ...(r.auth === 'public' ? { security: [] } : {}),
      parameters: [...params, ...queryParams],
      ...(body ? { requestBody: { required: true, content: { 'application/json': withExample(body, requests.components) } } } : {}),
      ...(form ? { requestBody: { required: true, content: { 'multipart/form-data': { schema: form } } } } : {}),
      responses: {
        [String(r.status)]: successResponse(r, responses.roots[`${name}.response`], responses.components),
        ...Object.fromEntries(Object.keys(r.alsoAnswers ?? {}).map((status) => [status, { description: 'See the schema', content: { 'application/json': { schema: responses.roots[`${name}.${status}`] } } }])),
        default: { description: 'An error: {statusCode, error, message}', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Genbox API',
      version: '0.1.0',
      description: 'JSON, snake_case. `Authorization: Bearer <token>` (or `Token <token>`). Live updates: socket.io (box:join) or GET /api/boxes/{id}/events.',
    },
    servers: [{ url: publicUrl }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: { ...requests.components, ...responses.components } },
    security: [{ bearer: [] }],
    paths,
  };
}

function successResponse(r: RouteSpec, schema: Json | undefined, components: Json): Json {
  const description = r.status === 204 ? 'Done, no body' : 'OK';
  if (typeof r.response === 'string') return r.response === 'none' ? { description } : { description, content: RAW_CONTENT[r.response] };
  return { description, content: { 'application/json': withExample(schema!, components) } };
}

/** Swagger UI shows a media type's `example`; the contract's schemas carry theirs as `examples`. */
function withExample(schema: Json, components: Json): Json {
  const example = exampleOf(schema, components);
  return example === undefined ? { schema } : { schema, example };
}

/**
 * A schema's first example; else one put together from its parts' examples: a shared schema's
 * (through its $ref), a list of one example item, an object whose every property has one (null
 * standing in for a nullable property without). Undefined when some part has none.
 */
function exampleOf(schema: Json, components: Json, depth = 0): unknown {
  if (depth > 8) return undefined;
  const examples = schema.examples as unknown[] | undefined;
  if (examples?.length) return examples[0];
  if (typeof schema.$ref === 'string') return exampleOf(components[schema.$ref.split('/').pop()!] as Json, components, depth + 1);
  if (schema.type === 'array' && schema.items) {
    const item = exampleOf(schema.items as Json, components, depth + 1);
    return item === undefined ? undefined : [item];
  }
  if (schema.type === 'object' && schema.properties) {
    const out: Json = {};
    for (const [key, prop] of Object.entries(schema.properties as Record<string, Json>)) {
      const value = exampleOf(prop, components, depth + 1) ?? (nullable(prop) ? null : undefined);
      if (value === undefined) return undefined;
      out[key] = value;
    }
    return out;
  }
  return undefined;
}

const nullable = (s: Json): boolean =>
  s.type === 'null' || (Array.isArray(s.type) && s.type.includes('null')) || (Array.isArray(s.anyOf) && (s.anyOf as Json[]).some((x) => x.type === 'null'));

/**
 * Converts the given schemas together, so shared ones (those with a meta id) become
 * `#/components/schemas/<id>` references; `roots` are the given schemas, inlined, and
 * `components` the shared schemas they refer to.
 */
function convert(entries: Entry[], io: Io): { roots: Record<string, Json>; components: Json } {
  const registry = z.registry<{ id: string }>();
  const suffix = io === 'input' ? 'Input' : '';
  for (const [id, schema] of z.globalRegistry._idmap) registry.add(schema, { id: id + suffix });
  const roots = entries.filter((e): e is [string, z.ZodType] => typeof e[1] === 'object');
  for (const [id, schema] of roots) if (!registry.has(schema)) registry.add(schema, { id });
  const shared = new Set([...z.globalRegistry._idmap.keys()].map((id) => id + suffix));
  const { schemas } = z.toJSONSchema(registry, { io, unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
  const clean = (id: string) => {
    const { $id: _id, $schema: _schema, ...rest } = schemas[id] as Json;
    return rest;
  };
  const out: Record<string, Json> = {};
  for (const [name, schema] of roots) {
    const id = registry.get(schema)!.id;
    out[name] = shared.has(id) ? { $ref: `#/components/schemas/${id}` } : clean(id);
  }
  // only the shared schemas something refers to, directly or through another
  const components: Json = {};
  const visit = (json: unknown) => {
    for (const [, id] of JSON.stringify(json).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (id && !(id in components)) {
        components[id] = clean(id);
        visit(components[id]);
      }
    }
  };
  visit(out);
  return { roots: out, components };
}

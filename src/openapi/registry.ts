import { z } from 'zod';

/**
 * The OpenAPI document is generated from the same zod schemas that validate requests. Each route
 * file describes its operations with `describeRoute` next to the handler; /api/v1/openapi.json
 * assembles them. Nothing here is written by hand twice.
 */

export interface RouteDescription {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path under /api/v1, e.g. /cases/:id/events */
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed (from the permission table), shown in the description. */
  roles?: readonly string[];
  body?: z.ZodType;
  query?: z.ZodType;
  /** A zod schema of the success reply, when one exists; otherwise described in words. */
  response?: z.ZodType;
  successStatus?: number;
  responseDescription?: string;
  errors?: number[];
  headers?: { name: string; description: string }[];
  /** A JSON Schema given directly (e.g. the union of event bodies). */
  bodyJsonSchema?: Record<string, unknown>;
}

const routes: RouteDescription[] = [];

export function describeRoute(d: RouteDescription): void {
  if (!routes.some((r) => r.method === d.method && r.path === d.path)) routes.push(d);
}

export function describedRoutes(): readonly RouteDescription[] {
  return routes;
}

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
};

const errorText: Record<number, string> = {
  400: 'invalid_request: the body, query or a header does not match the schema (details lists field paths)',
  401: 'unauthenticated',
  403: 'forbidden: the role may not do this',
  404: 'not_found (also for objects outside the caller\'s scope)',
  409: 'version_conflict (details.currentVersion) or idempotency_key_reused',
  413: 'payload_too_large',
  422: 'event_not_allowed (details.state, details.allowedEvents) or guard_failed (details.reason)',
  429: 'too_many_requests (Retry-After)',
};

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

function queryParameters(schema: z.ZodType) {
  const js = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: js.required?.includes(name) ?? false, schema: s }));
}

export function buildOpenApi(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of [...routes].sort((a, b) => a.path.localeCompare(b.path))) {
    const oaPath = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const params = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      ...(r.roles ? { description: `Roles: ${r.roles.join(', ')}` } : {}),
      parameters: [
        ...params,
        ...(r.query ? queryParameters(r.query) : []),
        ...(r.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: false, description: h.description, schema: { type: 'string' } })),
      ],
      responses: {
        [String(r.successStatus ?? 200)]: {
          description: r.responseDescription ?? 'OK',
          ...(r.response ? { content: { 'application/json': { schema: jsonSchema(r.response) } } } : {}),
        },
        ...Object.fromEntries(
          (r.errors ?? [400, 401, 403, 404]).map((s) => [String(s), { description: errorText[s] ?? 'error', content: { 'application/json': { schema: errorSchema } } }]),
        ),
      },
    };
    if (r.body || r.bodyJsonSchema) {
      op.requestBody = { required: true, content: { 'application/json': { schema: r.bodyJsonSchema ?? jsonSchema(r.body!) } } };
    }
    paths[oaPath] = { ...(paths[oaPath] ?? {}), [r.method]: op };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ecological environment damage compensation case service (生态环境损害赔偿案件办理)',
      version,
      description: 'Generated from the zod schemas that validate every request. Money is integer fen; times are ISO 8601; dates YYYY-MM-DD (China Standard Time).',
    },
    servers: [{ url: '/api/v1' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}

import { z } from 'zod';
import { problemSchema } from './problem.js';
import { toOpenApiPath, type MediaDoc, type RouteDefinition } from './route.js';

/** Settings that are not derived from the routes. */
export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
  /** Path the paths are relative to, e.g. `/services/turing`. */
  serverUrl: string;
  /** Name of the service's auth cookie, for the security scheme. */
  cookieName: string;
}

type JsonObject = Record<string, unknown>;

const COMPONENT_REF = (id: string) => `#/components/schemas/${id}`;
const JSON_SCHEMA_TARGET = 'draft-2020-12';

/**
 * Builds an OpenAPI 3.1 document from the routes' own zod schemas (OpenAPI
 * 3.1 schemas are JSON Schema 2020-12, which `z.toJSONSchema` emits).
 */
export function buildOpenApi(routes: readonly RouteDefinition[], info: OpenApiInfo): JsonObject {
  const requests = new ComponentSet('input');
  const responses = new ComponentSet('output');
  const problemRef = responses.ref(problemSchema, 'Problem');
  const paths: Record<string, Record<string, JsonObject>> = {};

  for (const { spec } of routes) {
    const name = spec.operationId.charAt(0).toUpperCase() + spec.operationId.slice(1);
    const problem = { description: 'Error', content: { 'application/problem+json': { schema: problemRef } } };
    // A 204 has no body, so it documents no content type.
    const ok =
      spec.status === 204
        ? {}
        : {
            content: spec.produces
              ? streamedContent(spec.produces, (schema, suffix) => responses.ref(schema, `${name}${suffix}`))
              : {
                  'application/json': {
                    schema: responses.ref(spec.response ?? z.unknown(), `${name}Response`),
                  },
                },
          };
    const operation: JsonObject = {
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: spec.tags,
      parameters: [...parameters('path', spec.params), ...parameters('query', spec.query)],
      ...(spec.body
        ? {
            requestBody: {
              required: spec.bodyOptional !== true,
              content: { 'application/json': { schema: requests.ref(spec.body, `${name}Body`) } },
            },
          }
        : {}),
      responses: {
        [String(spec.status ?? 200)]: { description: 'Success', ...ok },
        ...Object.fromEntries(
          (spec.alternateStatuses ?? []).map((s) => [String(s), { description: 'See body', ...ok }]),
        ),
        ...(spec.auth === 'none'
          ? {}
          : {
              '401': { ...problem, description: 'No or invalid credentials' },
              '403': {
                ...problem,
                description: spec.auth === 'admin' ? 'Missing the admin scope' : 'Missing the access scope',
              },
            }),
        default: problem,
      },
      security: spec.auth === 'none' ? [] : [{ hubToken: [] }, { serviceCookie: [] }],
      ...(spec.auth === 'admin' ? { 'x-turing-scope': 'admin' } : {}),
    };
    const path = toOpenApiPath(spec.path);
    paths[path] = { ...paths[path], [spec.method]: operation };
  }

  return {
    openapi: '3.1.1',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: info.title,
      version: info.version,
      ...(info.description ? { description: info.description } : {}),
    },
    servers: [{ url: info.serverUrl }],
    paths,
    components: {
      schemas: mergeComponentSets([requests.build(), responses.build()]),
      securitySchemes: {
        hubToken: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'A JupyterHub API token: `token <token>` or `Bearer <token>`.',
        },
        serviceCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: info.cookieName,
          description: 'Set by the OAuth login; writes also need the X-XSRF-Token header.',
        },
      },
    },
  };
}

/** Collects named schemas, converting them together so shared parts become `$ref`s. */
class ComponentSet {
  private readonly registry = z.registry<{ id: string }>();
  private readonly ids = new Map<z.ZodType, string>();

  constructor(private readonly io: 'input' | 'output') {}

  ref(schema: z.ZodType, id: string): { $ref: string } {
    const known = this.ids.get(schema);
    if (known) return { $ref: COMPONENT_REF(known) };
    this.ids.set(schema, id);
    this.registry.add(schema, { id });
    return { $ref: COMPONENT_REF(id) };
  }

  build(): Record<string, JsonObject> {
    if (this.ids.size === 0) return {};
    const { schemas } = z.toJSONSchema(this.registry, {
      target: JSON_SCHEMA_TARGET,
      io: this.io,
      unrepresentable: 'any',
      uri: COMPONENT_REF,
    });
    return Object.fromEntries(
      Object.entries(schemas).map(([id, schema]) => {
        // Components live inside the document; drop the per-schema dialect and id.
        const { $schema: _s, $id: _i, ...rest } = schema as JsonObject;
        return [id, rest];
      }),
    );
  }
}

/** Where zod puts schemas a registry shares but names no id for (cycles, e.g. `z.json()`). */
const SHARED = '__shared';
const SHARED_REF_PREFIX = `${COMPONENT_REF(SHARED)}#/$defs/`;

/**
 * The component schemas of several sets as one map. Zod refers to a
 * shared schema as `#/components/schemas/__shared#/$defs/<id>`, which is no
 * JSON pointer a consumer can resolve; each one becomes a component of its
 * own (its zod `id` or `Shared<n>`), identical ones across the sets are
 * kept once, and every reference is rewritten to it.
 */
export function mergeComponentSets(
  sets: ReadonlyArray<Record<string, JsonObject>>,
): Record<string, JsonObject> {
  const merged: Record<string, JsonObject> = {};
  const nameOfShape = new Map<string, string>();
  for (const set of sets) {
    const { [SHARED]: shared, ...named } = set;
    const defs = (shared?.$defs ?? {}) as Record<string, JsonObject>;
    const names = new Map<string, string>();
    for (const [id, def] of Object.entries(defs)) {
      // Self-references differ only by id between two sets' copies of one schema.
      const shape = JSON.stringify(def).replaceAll(JSON.stringify(`${SHARED_REF_PREFIX}${id}`), '"#self"');
      let name = nameOfShape.get(shape);
      if (!name) {
        name = freshComponentName(id, merged, set);
        nameOfShape.set(shape, name);
        merged[name] = def;
      }
      names.set(id, name);
    }
    const rewrite = (node: unknown): unknown => rewriteSharedRefs(node, names);
    for (const [id, def] of Object.entries(defs)) {
      const name = names.get(id) as string;
      if (merged[name] === def) merged[name] = rewrite(def) as JsonObject;
    }
    for (const [name, schema] of Object.entries(named)) {
      if (name in merged) throw new Error(`OpenAPI: two component schemas are named "${name}"`);
      merged[name] = rewrite(schema) as JsonObject;
    }
  }
  return merged;
}

function freshComponentName(
  id: string,
  taken: Record<string, unknown>,
  set: Record<string, unknown>,
): string {
  const base = /^schema\d+$/.test(id) ? 'Shared' : id.replace(/[^A-Za-z0-9]/g, '');
  for (let n = base === 'Shared' ? 1 : 0; ; n++) {
    const name = n === 0 ? base : `${base}${n}`;
    if (!(name in taken) && !(name in set)) return name;
  }
}

function rewriteSharedRefs(node: unknown, names: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(node)) return node.map((item) => rewriteSharedRefs(item, names));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(SHARED_REF_PREFIX)) {
        const name = names.get(decodeURIComponent(value.slice(SHARED_REF_PREFIX.length)));
        if (!name) throw new Error(`OpenAPI: unknown shared schema ${value}`);
        return [key, COMPONENT_REF(name)];
      }
      return [key, rewriteSharedRefs(value, names)];
    }),
  );
}

const EVENT_STREAM = 'text/event-stream';

/**
 * One Server-Sent Event as tools read a `text/event-stream` schema (per
 * event, the OpenAPI 3.2 reading): its fields are strings, `retry` a number.
 */
function sseEventSchema(description: string): JsonObject {
  return {
    type: 'object',
    description,
    properties: {
      data: { type: 'string' },
      event: { type: 'string' },
      id: { type: 'string' },
      retry: { type: 'integer', minimum: 0 },
    },
  };
}

/**
 * Success content of a streamed route: each body is a string of its media
 * type; an event stream also names the JSON its events carry. (OpenAPI 3.1
 * has no way to type a stream's items; 3.2's `itemSchema` is the standard
 * successor of `x-event-data`.)
 */
function streamedContent(
  produces: Readonly<Record<string, MediaDoc>>,
  ref: (schema: z.ZodType, suffix: string) => { $ref: string },
): Record<string, JsonObject> {
  return Object.fromEntries(
    Object.entries(produces).map(([mediaType, doc]) => [
      mediaType,
      {
        schema:
          mediaType === EVENT_STREAM
            ? sseEventSchema(doc.description)
            : { type: 'string', description: doc.description },
        ...(doc.eventData ? { 'x-event-data': ref(doc.eventData, 'Event') } : {}),
      },
    ]),
  );
}

function parameters(where: 'path' | 'query', schema: z.ZodType | undefined): JsonObject[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, {
    target: JSON_SCHEMA_TARGET,
    io: 'input',
    unrepresentable: 'any',
  }) as {
    properties?: Record<string, JsonObject>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

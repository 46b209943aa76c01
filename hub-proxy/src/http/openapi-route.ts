import { z } from 'zod';
import { defineRoute, type RouteDefinition } from './route.js';

/** `GET {prefix}api/openapi.json`: the document generated from the routes' schemas. Public. */
export function openApiRoute(document: () => Record<string, unknown>): RouteDefinition {
  return defineRoute({
    method: 'get',
    path: '/api/openapi.json',
    operationId: 'getOpenApi',
    summary: 'This API, as OpenAPI 3.1',
    tags: ['meta'],
    auth: 'none',
    response: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }),
    handler: () => document() as { openapi: string; paths: Record<string, unknown> },
  });
}

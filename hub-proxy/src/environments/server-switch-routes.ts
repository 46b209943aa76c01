import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { z } from 'zod';
import type { Identity } from '../auth/identity.js';
import { Forbidden } from '../errors/index.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { defineStreamRoute } from '../http/streaming-route.js';
import type { ServerSwitchService } from './server-switch.js';
import type { Catalog } from './catalog/index.js';
import {
  environmentIdSchema,
  gpuTypeIdSchema,
  serverNameSchema,
  switchServerBodySchema,
  switchServerResponseSchema,
} from './schemas.js';

const progressQuerySchema = z.object({ serverName: serverNameSchema.default('') });

function requireUser(identity: Identity): void {
  if (identity.kind !== 'user') throw new Forbidden('Only users have servers; services cannot start one.');
}

/**
 * `POST {prefix}api/v1/me/server`: (re)start one of the caller's servers into
 * an environment. Answers 202 once the hub has been asked to start it.
 */
export function switchServerRoute(
  service: ServerSwitchService,
  catalog: Pick<Catalog, 'environments' | 'gpuTypes'>,
): RouteDefinition {
  // The catalog's ids document the fields; the service checks them and names the bad one.
  const body = switchServerBodySchema.extend({
    environment: environmentIdSchema(catalog.environments.map((e) => e.id)),
    gpuType: gpuTypeIdSchema(Object.keys(catalog.gpuTypes)).optional(),
  });
  return defineRoute({
    method: 'post',
    path: '/api/v1/me/server',
    operationId: 'switchServer',
    summary: 'Start or restart one of your servers into an environment',
    description:
      'Validates the selection against the catalog (400 naming the field) and your GPU quota ' +
      '(403 gpu-quota-exceeded) before anything is stopped; then stops the server if it runs, ' +
      'waits for it, and starts it with the matching user_options.',
    tags: ['environments'],
    auth: 'user',
    body,
    response: switchServerResponseSchema,
    status: 202,
    handler: async ({ identity, body, log }) => {
      requireUser(identity);
      return service.switch(identity.name, body, log);
    },
  });
}

/**
 * `GET {prefix}api/v1/me/server/progress?serverName=`: the hub's spawn
 * progress events for one of the caller's servers, relayed as they come
 * (text/event-stream). It ends when the hub's stream ends or the client goes.
 */
export function serverProgressRoute(service: ServerSwitchService): RouteDefinition {
  return defineStreamRoute({
    method: 'get',
    path: '/api/v1/me/server/progress',
    operationId: 'getServerProgress',
    summary: 'Follow the start of one of your servers (Server-Sent Events)',
    description:
      'text/event-stream: `data: {"progress", "message", "ready", "failed", "url"}` lines as ' +
      'JupyterHub sends them; the last event has `ready: true` or `failed: true`. Errors before ' +
      'the stream starts are problem+json.',
    tags: ['environments'],
    auth: 'user',
    query: progressQuerySchema,
    produces: { 'text/event-stream': { description: "JupyterHub's spawn progress events, relayed." } },
    handler: async ({ identity, query, signal }) => {
      requireUser(identity);
      // The hub's stream is already framed as events: relay its bytes unchanged.
      const body = await service.progress(identity.name, query.serverName, signal);
      return {
        kind: 'stream',
        contentType: 'text/event-stream; charset=utf-8',
        body: Readable.fromWeb(body as WebReadableStream<Uint8Array>) as AsyncIterable<Uint8Array>,
      };
    },
  });
}

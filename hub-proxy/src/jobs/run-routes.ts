import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { requestContext } from '../http/context.js';
import { UnauthorizedError } from '../http/errors.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { parseInputs } from '../http/validation.js';
import { runSchema, schedulePreviewQuerySchema, schedulePreviewSchema } from './schemas.js';
import { describeSchedule, ScheduleError } from './cron.js';
import { ValidationError } from '../http/errors.js';
import type { JobRunsService } from './runs.js';

const idParams = z.object({ id: z.string().min(1).max(63) });
const logQuery = z.object({
  follow: z
    .enum(['0', '1', 'true', 'false'])
    .optional()
    .transform((v) => v === '1' || v === 'true')
    .meta({ description: '1: stream as Server-Sent Events until the run ends.' }),
});
const outputQuery = z.object({ format: z.enum(['ipynb', 'html']).default('ipynb') });
const tags = ['runs'];

/** Replaces a documented route's handler with a streaming one (the spec stays for OpenAPI). */
function streamed(route: RouteDefinition, handler: RequestHandler): RouteDefinition {
  return { spec: route.spec, handlers: [handler] };
}

function notCalled(): never {
  throw new Error('streamed by the route handler');
}

/** `/api/v1/runs/{id}...` and the schedule preview. */
export function runRoutes(runs: JobRunsService): RouteDefinition[] {
  const logRoute = defineRoute({
    method: 'get',
    path: '/api/v1/runs/:id/log',
    operationId: 'getRunLog',
    summary: "A run's log (text/plain); ?follow=1 streams it (text/event-stream)",
    description:
      'With follow: `data: {"text": "..."}` events as the log grows, then `event: end` with ' +
      '`data: {"state": "<final state>"}`.',
    tags,
    auth: 'user',
    params: idParams,
    query: logQuery,
    response: z.string().meta({ description: 'text/plain, or text/event-stream with follow.' }),
    handler: notCalled,
  });
  const outputRoute = defineRoute({
    method: 'get',
    path: '/api/v1/runs/:id/output',
    operationId: 'getRunOutput',
    summary: 'The executed notebook (ipynb) or its HTML rendering',
    tags,
    auth: 'user',
    params: idParams,
    query: outputQuery,
    response: z.string().meta({ description: 'application/x-ipynb+json or text/html.' }),
    handler: notCalled,
  });

  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/runs/:id',
      operationId: 'getRun',
      summary: 'One run: state, progress, times, reason',
      tags,
      auth: 'user',
      params: idParams,
      response: runSchema,
      handler: ({ identity, params }) => runs.get(identity, params.id),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/runs/:id',
      operationId: 'cancelRun',
      summary: 'Cancel a queued or running run',
      tags,
      auth: 'user',
      params: idParams,
      response: runSchema,
      handler: ({ identity, params }) => runs.cancel(identity, params.id),
    }),
    streamed(logRoute, async (req, res) => {
      const ctx = requestContext(req);
      if (!ctx.identity) throw new UnauthorizedError();
      const { params, query } = parseInputs({
        params: { schema: idParams, value: req.params },
        query: { schema: logQuery, value: req.query },
      }) as { params: z.output<typeof idParams>; query: z.output<typeof logQuery> };
      if (!query.follow) {
        const text = await runs.log(ctx.identity, params.id);
        res.type('text/plain; charset=utf-8').send(text);
        return;
      }
      const abort = new AbortController();
      const onClose = () => abort.abort();
      res.on('close', onClose);
      const events = runs.follow(ctx.identity, params.id, abort.signal);
      try {
        const first = await events.next(); // access errors surface here, before headers
        res.status(200).set({
          'Content-Type': 'text/event-stream; charset=utf-8',
          'Cache-Control': 'no-cache, no-transform',
          'X-Accel-Buffering': 'no',
        });
        res.flushHeaders();
        for (let next = first; !next.done; next = await events.next()) {
          const event = next.value;
          if ('text' in event) res.write(`data: ${JSON.stringify({ text: event.text })}\n\n`);
          else res.write(`event: end\ndata: ${JSON.stringify({ state: event.end })}\n\n`);
        }
        res.end();
      } catch (err) {
        if (!res.headersSent) throw err;
        ctx.log.warn({ err }, 'log stream ended early');
        res.destroy();
      } finally {
        res.off('close', onClose);
        abort.abort();
      }
    }),
    streamed(outputRoute, async (req, res) => {
      const ctx = requestContext(req);
      if (!ctx.identity) throw new UnauthorizedError();
      const { params, query } = parseInputs({
        params: { schema: idParams, value: req.params },
        query: { schema: outputQuery, value: req.query },
      }) as { params: z.output<typeof idParams>; query: z.output<typeof outputQuery> };
      const found = await runs.output(ctx.identity, params.id, query.format);
      res.status(200).set({
        'Content-Type': query.format === 'ipynb' ? 'application/x-ipynb+json' : 'text/html; charset=utf-8',
        'Content-Length': String(found.info.sizeBytes),
        // The HTML holds user code and outputs: never let it script the service's origin.
        'Content-Security-Policy': "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'",
        'Content-Disposition': `inline; filename="${params.id}.${query.format}"`,
      });
      await pipeline(Readable.from(found.body), res);
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/schedule/preview',
      operationId: 'previewSchedule',
      summary: 'Check a cron schedule: description and next run times',
      description: '400 with errors on `query.cron` / `query.timezone` when invalid.',
      tags: ['jobs'],
      auth: 'user',
      query: schedulePreviewQuerySchema,
      response: schedulePreviewSchema,
      handler: ({ query }) => {
        try {
          return describeSchedule(query.cron, query.timezone, { count: query.count, prefix: 'query' });
        } catch (err) {
          if (err instanceof ScheduleError) {
            throw new ValidationError(err.errors, err.errors.map((e) => e.message).join(' '));
          }
          throw err;
        }
      },
    }),
  ];
}

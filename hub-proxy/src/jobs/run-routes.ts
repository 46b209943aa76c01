import { z } from 'zod';
import { ValidationError } from '../http/errors.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { defineStreamRoute, type SseEvent } from '../http/streaming-route.js';
import { runSchema, schedulePreviewQuerySchema, schedulePreviewSchema } from './schemas.js';
import { describeSchedule, ScheduleError } from './cron.js';
import type { JobRunsService, LogEvent } from './runs.js';

const idParams = z.object({ id: z.string().min(1).max(63) });
const logQuery = z.object({
  follow: z
    .enum(['0', '1', 'true', 'false'])
    .optional()
    .transform((v) => v === '1' || v === 'true')
    .meta({ description: '1: stream as Server-Sent Events until the run ends.' }),
});
const outputQuery = z.object({ format: z.enum(['ipynb', 'html']).default('ipynb') });
const logEventSchema = z.union([
  z.object({ text: z.string() }).meta({ description: 'More of the log.' }),
  z.object({ state: z.string() }).meta({ description: '`event: end`: the run ended in this state.' }),
]);
const tags = ['runs'];

// The output holds user code and outputs: never let it script the service's origin.
const OUTPUT_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/** Log pieces as `data: {"text"}` events, then `event: end` with the final state. */
async function* logEvents(events: AsyncIterable<LogEvent>): AsyncGenerator<SseEvent> {
  for await (const event of events) {
    yield 'text' in event ? { data: { text: event.text } } : { event: 'end', data: { state: event.end } };
  }
}

/** `/api/v1/runs/{id}...` and the schedule preview. */
export function runRoutes(runs: JobRunsService): RouteDefinition[] {
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
    defineStreamRoute({
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
      produces: {
        'text/plain': { description: 'The stored log (empty until the run has uploaded one).' },
        'text/event-stream': {
          description: 'With follow=1: the log as it grows.',
          eventData: logEventSchema,
        },
      },
      handler: async ({ identity, params, query, signal }) => {
        if (!query.follow) {
          const text = await runs.log(identity, params.id);
          return { kind: 'stream', contentType: 'text/plain; charset=utf-8', body: text };
        }
        return { kind: 'sse', events: logEvents(await runs.follow(identity, params.id, signal)) };
      },
    }),
    defineStreamRoute({
      method: 'get',
      path: '/api/v1/runs/:id/output',
      operationId: 'getRunOutput',
      summary: 'The executed notebook (ipynb) or its HTML rendering',
      tags,
      auth: 'user',
      params: idParams,
      query: outputQuery,
      produces: {
        'application/x-ipynb+json': { description: 'format=ipynb: the executed notebook.' },
        'text/html': { description: 'format=html: the notebook rendered, sandboxed by its CSP.' },
      },
      handler: async ({ identity, params, query }) => {
        const found = await runs.output(identity, params.id, query.format);
        return {
          kind: 'stream',
          contentType: query.format === 'ipynb' ? 'application/x-ipynb+json' : 'text/html; charset=utf-8',
          headers: {
            'Content-Length': String(found.info.sizeBytes),
            'Content-Security-Policy': OUTPUT_CSP,
            'Content-Disposition': `inline; filename="${params.id}.${query.format}"`,
          },
          body: found.body,
        };
      },
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

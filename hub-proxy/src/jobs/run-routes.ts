import { z } from 'zod';
import { ValidationError } from '../http/errors.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { defineStreamRoute, type SseEvent } from '../http/streaming-route.js';
import { ownerQuerySchema, runSchema, schedulePreviewQuerySchema, schedulePreviewSchema } from './schemas.js';
import { describeSchedule, ScheduleError } from './cron.js';
import type { JobRunsService, LogEvent, RunDocument } from './runs.js';
import { runIdParams as idParams } from './route-params.js';

const logQuery = ownerQuerySchema.extend({
  follow: z
    .enum(['0', '1', 'true', 'false'])
    .optional()
    .transform((v) => v === '1' || v === 'true')
    .meta({ description: '1: stream as Server-Sent Events until the run ends.' }),
});
const outputQuery = ownerQuerySchema.extend({ format: z.enum(['ipynb', 'html']).default('ipynb') });
const logEventSchema = z.union([
  z.object({ text: z.string() }).meta({ description: 'More of the log.' }),
  z.object({ state: z.string() }).meta({ description: '`event: end`: the run ended in this state.' }),
]);
const tags = ['runs'];

/**
 * Logs and outputs are written by the run's own code, and viewed on the
 * service's origin, perhaps by an admin: a sandbox (an opaque origin, no
 * scripts), nothing fetched, and no sniffing a log into HTML.
 */
const USER_CONTENT_CSP = "sandbox; default-src 'none'";
/** The HTML rendering may show its inline images and styles, still never scripts. */
const HTML_OUTPUT_CSP = `${USER_CONTENT_CSP}; img-src data:; style-src 'unsafe-inline'`;
const USER_CONTENT_HEADERS = {
  'Content-Security-Policy': USER_CONTENT_CSP,
  'X-Content-Type-Options': 'nosniff',
};

/** `<run id>.<ext>`, only file-name-safe characters (run ids already are; a header must never break). */
function downloadName(runId: string, extension: string): string {
  return `${runId.replace(/[^A-Za-z0-9._-]/g, '_')}.${extension}`;
}

/** A whole body is sent as is (express adds Content-Length); a stream with the stored length. */
function documentReply(document: RunDocument, contentType: string, headers: Record<string, string>) {
  const body = document.body instanceof Uint8Array ? Buffer.from(document.body) : document.body;
  return {
    kind: 'stream' as const,
    contentType,
    headers:
      body instanceof Uint8Array ? headers : { ...headers, 'Content-Length': String(document.sizeBytes) },
    body,
  };
}

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
      query: ownerQuerySchema,
      response: runSchema,
      handler: ({ identity, params, query }) => runs.get(identity, params.id, query.user),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/runs/:id',
      operationId: 'cancelRun',
      summary: 'Cancel a queued or running run',
      tags,
      auth: 'user',
      params: idParams,
      query: ownerQuerySchema,
      response: runSchema,
      handler: ({ identity, params, query }) => runs.cancel(identity, params.id, query.user),
    }),
    defineStreamRoute({
      method: 'get',
      path: '/api/v1/runs/:id/log',
      operationId: 'getRunLog',
      summary: "A run's log (text/plain); ?follow=1 streams it (text/event-stream)",
      description:
        'With follow: `data: {"text": "..."}` events as the log grows, then `event: end` with ' +
        '`data: {"state": "<final state>"}`. Streamed from the artifact store either way; sent with ' +
        "`X-Content-Type-Options: nosniff` and `Content-Security-Policy: sandbox; default-src 'none'`.",
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
          const log = await runs.log(identity, params.id, query.user);
          return documentReply(log, 'text/plain; charset=utf-8', USER_CONTENT_HEADERS);
        }
        return {
          kind: 'sse',
          headers: USER_CONTENT_HEADERS,
          events: logEvents(await runs.follow(identity, params.id, signal, query.user)),
        };
      },
    }),
    defineStreamRoute({
      method: 'get',
      path: '/api/v1/runs/:id/output',
      operationId: 'getRunOutput',
      summary: 'The executed notebook (ipynb) or its HTML rendering',
      description:
        'Made inert for the viewer: the notebook without any `trusted` or `signature` mark (so the ' +
        'contents API never signs it), the HTML without `http-equiv` attributes (no meta refresh) and ' +
        'sandboxed by its CSP, never scripts. Both with `X-Content-Type-Options: nosniff`. 502 for a ' +
        'stored notebook that is not JSON.',
      tags,
      auth: 'user',
      params: idParams,
      query: outputQuery,
      produces: {
        'application/x-ipynb+json': { description: 'format=ipynb: the executed notebook.' },
        'text/html': { description: 'format=html: the notebook rendered, sandboxed by its CSP.' },
      },
      handler: async ({ identity, params, query }) => {
        const output = await runs.output(identity, params.id, query.format, query.user);
        const html = query.format === 'html';
        return documentReply(output, html ? 'text/html; charset=utf-8' : 'application/x-ipynb+json', {
          ...USER_CONTENT_HEADERS,
          ...(html ? { 'Content-Security-Policy': HTML_OUTPUT_CSP } : {}),
          'Content-Disposition': `inline; filename="${downloadName(output.runId, query.format)}"`,
        });
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

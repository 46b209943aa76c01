import { z } from 'zod';
import { environmentIdSchema } from '../environments/index.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { pageSchema, paginationQuerySchema } from '../http/pagination.js';
import {
  createJobBodySchema,
  jobNameSchema,
  jobSchema,
  ownerQuerySchema,
  patchJobBodySchema,
  runJobBodySchema,
  runSchema,
} from './schemas.js';
import type { JobRunsService } from './runs.js';
import type { JobsService } from './service.js';

const nameParams = z.object({ name: jobNameSchema });
const tags = ['jobs'];

/**
 * `/api/v1/jobs...`: job definitions and starting runs. `environmentIds`
 * (the catalog's) document the `environment` field as its enum; the service
 * checks it.
 */
export function jobRoutes(
  jobs: JobsService,
  runs: JobRunsService,
  environmentIds: readonly string[] = [],
): RouteDefinition[] {
  const environment = environmentIdSchema(environmentIds);
  const createBody = createJobBodySchema.extend({ environment });
  const patchBody = patchJobBodySchema.extend({ environment: environment.optional() });
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/jobs',
      operationId: 'listJobs',
      summary: 'List your jobs (admins: every job, or ?user=)',
      tags,
      auth: 'user',
      query: paginationQuerySchema.extend(ownerQuerySchema.shape),
      response: pageSchema(jobSchema),
      handler: ({ identity, query }) => jobs.list(identity, query),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/jobs',
      operationId: 'createJob',
      summary: 'Create a job from a notebook snapshot',
      description:
        'Stores the notebook without outputs as the input snapshot and creates the NotebookJob. ' +
        '400 names each bad field (cron, environment, kernelspec, dependency, unreachable webhook); ' +
        '409 if you already have a job of that name; 413 if the notebook is over the size limit.',
      tags,
      auth: 'user',
      body: createBody,
      response: jobSchema,
      status: 201,
      handler: ({ identity, body }) => jobs.create(identity, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/jobs/:name',
      operationId: 'getJob',
      summary: 'Read one job',
      tags,
      auth: 'user',
      params: nameParams,
      query: ownerQuerySchema,
      response: jobSchema,
      handler: ({ identity, params, query }) => jobs.get(identity, params.name, query.user),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/jobs/:name',
      operationId: 'updateJob',
      summary: 'Change a job: schedule, pause/resume, parameters, input snapshot, ...',
      tags,
      auth: 'user',
      params: nameParams,
      query: ownerQuerySchema,
      body: patchBody,
      response: jobSchema,
      handler: ({ identity, params, query, body }) => jobs.update(identity, params.name, body, query.user),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/jobs/:name',
      operationId: 'deleteJob',
      summary: 'Delete a job with its runs and artifacts',
      tags,
      auth: 'user',
      params: nameParams,
      query: ownerQuerySchema,
      response: z.undefined(),
      status: 204,
      handler: async ({ identity, params, query }) => {
        await jobs.delete(identity, params.name, query.user);
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/jobs/:name/runs',
      operationId: 'runJob',
      summary: 'Run a job now',
      description:
        'The body is optional (`curl -X POST` works). 409 when a run is active and the job forbids concurrent runs.',
      tags,
      auth: 'user',
      params: nameParams,
      query: ownerQuerySchema,
      body: runJobBodySchema,
      bodyOptional: true,
      response: runSchema,
      status: 201,
      handler: ({ identity, params, query, body }) =>
        runs.runNow(identity, params.name, body.parameters, query.user),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/jobs/:name/runs',
      operationId: 'listJobRuns',
      summary: "A job's run history, newest first",
      tags,
      auth: 'user',
      params: nameParams,
      query: ownerQuerySchema,
      response: z.object({ items: z.array(runSchema) }),
      handler: async ({ identity, params, query }) => ({
        items: await runs.list(identity, params.name, query.user),
      }),
    }),
  ];
}

import { defineRoute, type RouteDefinition } from '../http/route.js';
import type { AdminJobListing } from './admin-listing.js';
import {
  adminJobsPageSchema,
  adminJobsQuerySchema,
  adminRunsPageSchema,
  adminRunsQuerySchema,
} from './admin-schemas.js';

const tags = ['admin'];

/**
 * `/api/v1/admin/jobs` and `/api/v1/admin/runs`: every user's jobs and runs
 * (admins only). Acting on them uses the user routes, which admins may call
 * on anyone's job or run: `DELETE /api/v1/runs/{id}` cancels,
 * `PATCH /api/v1/jobs/{name}?user=<owner>` with `{"suspend": true|false}`
 * pauses or resumes.
 */
export function adminJobRoutes(listing: AdminJobListing): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/jobs',
      operationId: 'adminListJobs',
      summary: "Every user's jobs, newest first (admins)",
      description:
        "Filters combine. Page with `limit` and `cursor` (the previous page's `next`). 400 names a bad " +
        'filter or cursor.',
      tags,
      auth: 'admin',
      query: adminJobsQuerySchema,
      response: adminJobsPageSchema,
      handler: ({ query }) => listing.listJobs(query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/runs',
      operationId: 'adminListRuns',
      summary: "Every user's runs, newest first, with links to their log and outputs (admins)",
      description:
        'Newest by creation time; `since`/`until` bound the start time (the creation time of a run not ' +
        "started yet), both inclusive. Page with `limit` and `cursor` (the previous page's `next`): each " +
        'run appears once even while new runs start.',
      tags,
      auth: 'admin',
      query: adminRunsQuerySchema,
      response: adminRunsPageSchema,
      handler: ({ query }) => listing.listRuns(query),
    }),
  ];
}

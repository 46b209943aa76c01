import type { AuthLevel, RouteDoc } from '../../hub-proxy/src/http/route.js';
import { pythonNotebook } from './notebooks.js';
import { ADMIN_ROUTE_AUTHORIZATION } from './route-authorization-admin.js';
import { AUDIT_ROUTE_AUTHORIZATION } from './route-authorization-audit.js';
import { CATALOG_ROUTE_AUTHORIZATION } from './route-authorization-catalog.js';
import { JOBS_ADMIN_ROUTE_AUTHORIZATION } from './route-authorization-jobs-admin.js';
import { MODELS_ADMIN_ROUTE_AUTHORIZATION } from './route-authorization-models-admin.js';
import { QUOTAS_ROUTE_AUTHORIZATION } from './route-authorization-quotas.js';

/**
 * Who calls a route in the authorization matrix:
 * - `anonymous`: no credentials;
 * - `owner`: alice, who owns the fixtures (job, run, outputs);
 * - `other`: bob, a user with the access scope who owns none of them;
 * - `admin`: a Turing admin (`custom:turing:admin`);
 * - `foreignRunner`: the runner token of one of bob's jobs;
 * - `ownRunner`: the runner token of alice's fixture job.
 * Users send hub API tokens as `Authorization: Bearer`, runners their run token.
 */
export const CALLERS = ['anonymous', 'owner', 'other', 'admin', 'foreignRunner', 'ownRunner'] as const;
export type Caller = (typeof CALLERS)[number];

/**
 * Whose data a route reaches; with the route's `auth` it gives the baseline:
 * - `public` (auth `none`): anyone;
 * - `caller` (auth `user`): the caller's own things (every user succeeds);
 * - `owner` (auth `user`): an object named in the path that belongs to its
 *   owner; another user gets 404 (also when naming the owner with `?user=`),
 *   admins reach it (with `?user=<owner>` where the route takes `user`);
 *   on a caller-scoped route that takes `user`, naming another user is 403;
 * - `admin` (auth `admin`): admins only, users get 403;
 * - `runner` (auth `none`, run token): hub tokens get 401, another job's run token 404 (as for a
 *   missing run, so a token cannot probe other users' runs).
 */
export type RouteScope = 'public' | 'caller' | 'owner' | 'admin' | 'runner';

/** The `auth` each scope implies; a route whose spec says otherwise fails the matrix. */
export const SCOPE_AUTH: Record<RouteScope, AuthLevel> = {
  public: 'none',
  caller: 'user',
  owner: 'user',
  admin: 'admin',
  runner: 'none',
};

/** The fixtures requests are built from (see authorization-matrix.test.ts). */
export interface MatrixFixtures {
  /** The owner's user name. */
  owner: string;
  /** Calls the API as the admin (to read an ETag before a versioned write, say). */
  asAdmin(path: string, init?: RequestInit): Promise<Response>;
  /** The owner's job: on demand, concurrency `allow`. */
  job: string;
  /** An ended run of `job`, with output.ipynb, output.html and log.txt stored. */
  run: string;
  /** Creates another on-demand job of the owner and returns its name (for destructive calls). */
  freshJob(prefix: string): Promise<string>;
  /** The owner's model, with one version (an xgboost model). */
  model: string;
  /** Creates another model of the owner with one version and returns its name. */
  freshModel(prefix: string): Promise<string>;
  /** Starts an upload of `model.json` to the owner's model; `filled` also uploads the file. */
  modelUpload(filled: boolean): Promise<string>;
  /** Creates an API key of the owner's model and returns its id. */
  modelApiKey(): Promise<string>;
  /** The xgboost model file the fixtures upload. */
  modelFile: string;
}

/** One request; path parameters not given are filled from {@link defaultParams}. */
export interface RequestPlan {
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is, with its content type. */
  raw?: { body: string; contentType: string };
  /** More request headers (e.g. `If-Match` for versioned documents). */
  headers?: Record<string, string>;
}

/** What the matrix must know about one operation. */
export interface RouteAuthorization {
  scope: RouteScope;
  /** Statuses that differ from the scope's baseline, with `because`. */
  expect?: Partial<Record<Caller, number>>;
  because?: string;
  /** Valid input for `caller` (default: path parameters from the fixtures, nothing else). */
  request?: (fixtures: MatrixFixtures, caller: Caller) => RequestPlan | Promise<RequestPlan>;
}

/** Path parameters by name, from the fixtures. */
export function defaultParams(fixtures: MatrixFixtures): Record<string, string> {
  return { name: fixtures.job, id: fixtures.run, file: 'log.txt' };
}

/** Callers that must succeed on destructive routes get their own object. */
const succeeds = (caller: Caller) => caller === 'owner' || caller === 'admin';

/** The owner's fixture model in the path. */
const ofModel = (f: MatrixFixtures): RequestPlan => ({ params: { name: f.model } });
const MODEL_ONE_VERSION = 'the fixture model has one version and no canary: 409 after authorization passed';

/**
 * Every operation hub-proxy serves, by operationId. A route missing here
 * fails the matrix: declare its scope (and a valid request if it needs more
 * than the fixture's path parameters) when you add it.
 */
export const ROUTE_AUTHORIZATION: Record<string, RouteAuthorization> = {
  getReadiness: { scope: 'public' },
  getOpenApi: { scope: 'public' },
  getMe: { scope: 'caller' },
  getAdminStatus: { scope: 'admin' },

  listEnvironments: { scope: 'caller' },
  listEnvironmentProfiles: { scope: 'caller' },
  switchServer: { scope: 'caller', request: () => ({ json: { environment: 'cpu-base' } }) },
  getServerProgress: { scope: 'caller' },
  checkSpawnQuota: {
    scope: 'owner',
    expect: { other: 403 },
    because: 'the owner is named in the body, and checking another user is refused with 403',
    request: (f) => ({ json: { user: f.owner, userOptions: { profile: 'cpu-base' } } }),
  },

  listJobs: { scope: 'caller' },
  createJob: {
    scope: 'caller',
    request: (_f, caller) => ({
      json: {
        name: `matrix-${caller.toLowerCase()}`,
        notebook: { path: 'matrix.ipynb', content: pythonNotebook({ cells: ['print(1)'] }) },
        environment: 'cpu-base',
      },
    }),
  },
  getJob: { scope: 'owner' },
  updateJob: { scope: 'owner', request: () => ({ json: { parameters: { n: 2 } } }) },
  deleteJob: {
    scope: 'owner',
    request: async (f, caller) => (succeeds(caller) ? { params: { name: await f.freshJob('del') } } : {}),
  },
  runJob: { scope: 'owner', request: () => ({ json: {} }) },
  listJobRuns: { scope: 'owner' },
  getRun: { scope: 'owner' },
  cancelRun: { scope: 'owner' },
  getRunLog: { scope: 'owner' },
  getRunOutput: { scope: 'owner', request: () => ({ query: { format: 'html' } }) },
  previewSchedule: { scope: 'caller', request: () => ({ query: { cron: '30 2 * * 1-5', timezone: 'UTC' } }) },

  listModels: { scope: 'caller' },
  createModel: {
    scope: 'caller',
    request: (_f, caller) => ({
      json: { name: `matrix-${caller.toLowerCase()}`, runtime: { kind: 'mlserver', version: '1.7.1' } },
    }),
  },
  listServingRuntimes: { scope: 'caller' },
  getModel: { scope: 'owner', request: ofModel },
  updateModel: {
    scope: 'owner',
    request: (f) => ({ ...ofModel(f), json: { access: { users: ['carol'] } } }),
  },
  deleteModel: {
    scope: 'owner',
    request: async (f, caller) => ({
      params: { name: succeeds(caller) ? await f.freshModel('del') : f.model },
    }),
  },
  listModelVersions: { scope: 'owner', request: ofModel },
  setModelTraffic: { scope: 'owner', request: (f) => ({ ...ofModel(f), json: { stable: 1 } }) },
  promoteModelCanary: {
    scope: 'owner',
    expect: { owner: 409, admin: 409 },
    because: MODEL_ONE_VERSION,
    request: async (f, caller) => ({
      params: { name: succeeds(caller) ? await f.freshModel('promote') : f.model },
    }),
  },
  rollBackModelTraffic: {
    scope: 'owner',
    expect: { owner: 409, admin: 409 },
    because: MODEL_ONE_VERSION,
    request: async (f, caller) => ({
      params: { name: succeeds(caller) ? await f.freshModel('rollback') : f.model },
    }),
  },
  startModelUpload: {
    scope: 'owner',
    request: (f) => ({
      ...ofModel(f),
      json: { files: [{ path: 'model.json', sizeBytes: f.modelFile.length }] },
    }),
  },
  putModelUploadFile: {
    scope: 'owner',
    request: async (f) => ({
      params: { name: f.model, uploadId: await f.modelUpload(false), file: 'model.json' },
      raw: { body: f.modelFile, contentType: 'application/octet-stream' },
    }),
  },
  commitModelUpload: {
    scope: 'owner',
    request: async (f) => ({
      params: { name: f.model, uploadId: await f.modelUpload(true) },
      json: { rollout: { kind: 'none' } },
    }),
  },
  listModelApiKeys: { scope: 'owner', request: ofModel },
  createModelApiKey: { scope: 'owner', request: (f) => ({ ...ofModel(f), json: { label: 'matrix' } }) },
  revokeModelApiKey: {
    scope: 'owner',
    request: async (f) => ({ params: { name: f.model, id: await f.modelApiKey() } }),
  },
  getModelLogs: { scope: 'owner', request: ofModel },
  getModelStats: { scope: 'owner', request: ofModel },
  getModelArtifactManifest: {
    scope: 'runner',
    expect: { ownRunner: 401, foreignRunner: 401 },
    because:
      'run tokens are not model-artifact tokens; the init-container path is tested in models-kubernetes',
    request: (f) => ({ params: { name: f.model, version: '1' } }),
  },
  getModelArtifactFile: {
    scope: 'runner',
    expect: { ownRunner: 401, foreignRunner: 401 },
    because:
      'run tokens are not model-artifact tokens; the init-container path is tested in models-kubernetes',
    request: (f) => ({ params: { name: f.model, version: '1', file: 'model.json' } }),
  },

  getRunnerSpec: {
    scope: 'runner',
    expect: { ownRunner: 409 },
    because: 'the fixture run has ended, so even its own job token gets 409 (after authorization)',
  },
  postRunnerProgress: {
    scope: 'runner',
    expect: { ownRunner: 409 },
    because: 'the fixture run has ended',
    request: () => ({ json: { cell: 1, cells: 1 } }),
  },
  putRunnerArtifact: {
    scope: 'runner',
    expect: { ownRunner: 409 },
    because: 'the fixture run has ended',
    request: () => ({ raw: { body: 'overwritten\n', contentType: 'application/octet-stream' } }),
  },
  putRunnerModelOutputFile: {
    scope: 'runner',
    expect: { ownRunner: 409 },
    because: 'the fixture run has ended',
    request: () => ({
      params: { path: 'model.json' },
      raw: { body: '{}', contentType: 'application/octet-stream' },
    }),
  },
  deleteRunnerModelOutput: {
    scope: 'runner',
    expect: { ownRunner: 409 },
    because: 'the fixture run has ended',
  },

  // Admin routes (issue 14), declared next to the features that serve them.
  ...CATALOG_ROUTE_AUTHORIZATION,
  ...QUOTAS_ROUTE_AUTHORIZATION,
  ...JOBS_ADMIN_ROUTE_AUTHORIZATION,
  ...MODELS_ADMIN_ROUTE_AUTHORIZATION,
  ...AUDIT_ROUTE_AUTHORIZATION,
  ...ADMIN_ROUTE_AUTHORIZATION,
};

/** The status `caller` must get from a route of `scope` whose success status is `ok`. */
export function baselineStatus(scope: RouteScope, caller: Caller, ok: number): number {
  const runner = caller === 'foreignRunner' || caller === 'ownRunner';
  switch (scope) {
    case 'public':
      return ok;
    case 'runner':
      if (caller === 'foreignRunner') return 404;
      return caller === 'ownRunner' ? ok : 401;
    case 'caller':
      return caller === 'anonymous' || runner ? 401 : ok;
    case 'owner':
      if (caller === 'anonymous' || runner) return 401;
      return caller === 'other' ? 404 : ok;
    case 'admin':
      if (caller === 'anonymous' || runner) return 401;
      return caller === 'admin' ? ok : 403;
  }
}

/** Expected status of every caller on `route`, overrides applied. */
export function expectedStatuses(route: RouteDoc, declared: RouteAuthorization): Record<Caller, number> {
  const ok = route.status ?? 200;
  return Object.fromEntries(
    CALLERS.map((caller) => [
      caller,
      declared.expect?.[caller] ?? baselineStatus(declared.scope, caller, ok),
    ]),
  ) as Record<Caller, number>;
}

/**
 * What another user gets when naming the owner with `?user=<owner>` (on routes
 * that take `user`): a caller-scoped listing and an admin route refuse it
 * (403), an owner-scoped object stays invisible (404).
 */
export function otherNamingOwnerStatus(scope: RouteScope): number {
  return scope === 'caller' || scope === 'admin' ? 403 : 404;
}

/** The query parameter names a route declares (its zod object's keys). */
export function queryKeys(route: RouteDoc): string[] {
  const shape = (route.query as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

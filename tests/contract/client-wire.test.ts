import type {
  CreateJobRequest,
  Environment,
  Job,
  Run,
  RunJobRequest,
  SchedulePreview,
  SwitchEnvironmentRequest,
  SwitchEnvironmentResponse,
  UpdateJobRequest,
  WireEnvironment,
  WireEnvironmentsResponse,
} from '@turing/client';
import { describe, expect, it } from 'vitest';

// The extension's side: its fixtures (typed with its own wire types) and the
// code that builds what it sends.
import type { ITuringConnection } from '../../extensions/client/src/connection.js';
import { EnvironmentsClient } from '../../extensions/client/src/environments-client.js';
import { JobsClient } from '../../extensions/client/src/jobs-client.js';
import { switchRequest as panelSwitchRequest } from '../../extensions/environments/src/switch-request.js';
import {
  catalog,
  environmentsResponse,
  torchEnvironment,
} from '../../extensions/environments/src/testing/catalog-fixture.js';
import { switchRequest, switchResponse } from '../../extensions/environments/src/testing/switch-fixture.js';
import { createRequest, editJobForm, updateRequest } from '../../extensions/jobs/src/schedule-form.js';
import {
  failedRun,
  runList,
  scheduledJob,
  schedulePreview,
} from '../../extensions/jobs/src/testing/job-fixture.js';
import {
  createJobRequest,
  patchJobRequest,
  runJobRequest,
} from '../../extensions/jobs/src/testing/request-fixture.js';
// The server's side: hub-proxy's route schemas, from its feature index files only.
import {
  environmentsSchema,
  environmentViewSchema,
  switchServerBodySchema,
  switchServerResponseSchema,
} from '../../hub-proxy/src/environments/index.js';
import {
  createJobBodySchema,
  jobSchema,
  patchJobBodySchema,
  runJobBodySchema,
  runSchema,
  schedulePreviewQuerySchema,
  schedulePreviewSchema,
} from '../../hub-proxy/src/jobs/index.js';
import {
  createModelBodySchema,
  modelSchema,
  servingRuntimeViewSchema,
} from '../../hub-proxy/src/models/index.js';
import { createModelRequest, newPublishForm } from '../../extensions/models/src/publish-form.js';
import { DEFAULT_PUBLISH_SETTINGS } from '../../extensions/models/src/settings.js';
import { irisModel, mnistModel, runtimes } from '../../extensions/models/src/testing/model-fixture.js';

/*
 * The wire contract between the JupyterLab extensions (@turing/client) and
 * hub-proxy: the extension's fixtures and the bodies its code sends are parsed
 * with the schemas hub-proxy validates and documents its routes with.
 *
 * A field renamed on either side fails here: responses must parse without
 * losing a field (zod drops keys it does not know), requests must pass the
 * strict body schemas, and every fixture sets every field its wire type has
 * (`Complete<T>`, checked by the type check), so no optional field escapes.
 */

/** `T` with every optional field required, all the way down. */
type Complete<T> = T extends readonly (infer U)[]
  ? readonly Complete<U>[]
  : T extends object
    ? { [K in keyof T]-?: Complete<T[K]> }
    : T;

/** What the test needs of a zod schema (zod itself comes in only through hub-proxy). */
interface Schema {
  safeParse(value: unknown): { data?: unknown; error?: { issues: unknown[] } };
}

/** A body hub-proxy answers with: it parses, and parsing keeps every field the extension reads. */
function expectResponse(schema: Schema, value: unknown): void {
  const result = schema.safeParse(value);
  expect(result.error?.issues ?? []).toEqual([]);
  expect(result.data).toEqual(value);
}

/** A body the extension sends: hub-proxy's (strict) body schema accepts it as it is. */
function expectRequest(schema: Schema, value: unknown): void {
  const result = schema.safeParse(value);
  expect(result.error?.issues ?? []).toEqual([]);
  expect(result.data).toMatchObject(value as object);
}

/** A catalog entry of the panels' fixture. */
function catalogEntry(id: string): Environment {
  const found = catalog.find((e) => e.id === id);
  if (!found) {
    throw new Error(`no environment ${id} in the catalog fixture`);
  }
  return found;
}

interface Sent {
  method: string;
  path: string;
  /** The body as it goes over the wire (JSON: `undefined` fields dropped). */
  body: unknown;
}

/** A connection that records what the sub-clients send and answers `answer`. */
function recordingConnection(answer: unknown = {}): { connection: ITuringConnection; sent: Sent[] } {
  const sent: Sent[] = [];
  const connection: ITuringConnection = {
    hub: { hubHost: '', hubPrefix: '/hub/', baseUrl: '/user/alice/', user: 'alice', serverName: '' },
    serviceUrl: '/services/turing/',
    loginUrl: '/hub/login',
    request: async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      sent.push({ method, path, body: body === undefined ? undefined : JSON.parse(JSON.stringify(body)) });
      return structuredClone(answer) as T;
    },
    getDocument: () => Promise.reject(new Error('not used by these tests')),
    readEvents: () => Promise.reject(new Error('not used by these tests')),
  };
  return { connection, sent };
}

describe('jobs: what hub-proxy answers', () => {
  it('a job, with every field the extension types', () => {
    const job: Complete<Job> = scheduledJob();
    expectResponse(jobSchema, job);
  });

  it('runs: a finished run with every field, and the run list items', () => {
    const run: Complete<Run> = failedRun;
    expectResponse(runSchema, run);
    for (const item of runList.items) {
      expectResponse(runSchema, item);
    }
  });

  it('a schedule preview', () => {
    const preview: Complete<SchedulePreview> = schedulePreview;
    expectResponse(schedulePreviewSchema, preview);
  });
});

describe('jobs: what the extension sends', () => {
  it('create, patch and run bodies with every field', () => {
    const create: Complete<CreateJobRequest> = createJobRequest;
    const patch: Complete<UpdateJobRequest> = patchJobRequest;
    const run: Complete<RunJobRequest> = runJobRequest;
    expectRequest(createJobBodySchema, create);
    expectRequest(patchJobBodySchema, patch);
    expectRequest(runJobBodySchema, run);
  });

  it('the bodies the jobs client puts on the wire', async () => {
    const { connection, sent } = recordingConnection();
    const jobs = new JobsClient(connection);
    await jobs.create(createJobRequest);
    await jobs.update('daily-ctr', patchJobRequest);
    await jobs.run('daily-ctr', runJobRequest.parameters);
    await jobs.run('daily-ctr');
    expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual([
      'POST v1/jobs',
      'PATCH v1/jobs/daily-ctr',
      'POST v1/jobs/daily-ctr/runs',
      'POST v1/jobs/daily-ctr/runs',
    ]);
    expectRequest(createJobBodySchema, sent[0]?.body);
    expectRequest(patchJobBodySchema, sent[1]?.body);
    expectRequest(runJobBodySchema, sent[2]?.body);
    expectRequest(runJobBodySchema, sent[3]?.body);
  });

  it("the Schedule dialog's create and edit bodies", () => {
    const form = editJobForm(scheduledJob(), 'UTC');
    const notebook = { path: 'work/ctr.ipynb', content: { nbformat: 4, nbformat_minor: 5, cells: [] } };
    expectRequest(createJobBodySchema, createRequest(form, notebook));
    expectRequest(createJobBodySchema, createRequest({ ...form, when: 'manual' }, notebook));
    expectRequest(patchJobBodySchema, updateRequest(form));
    expectRequest(patchJobBodySchema, updateRequest({ ...form, when: 'manual', alerts: [], html: false }));
  });

  it('the schedule preview query', async () => {
    const { connection, sent } = recordingConnection(schedulePreview);
    await expect(
      new JobsClient(connection).schedulePreview('0 9 * * 1-5', 'Asia/Shanghai', 5),
    ).resolves.toEqual(schedulePreview);
    const url = new URL(sent[0]?.path ?? '', 'http://x/');
    expect(url.pathname).toBe('/v1/schedule/preview');
    const query = schedulePreviewQuerySchema.safeParse(Object.fromEntries(url.searchParams));
    expect(query.data).toEqual({ cron: '0 9 * * 1-5', timezone: 'Asia/Shanghai', count: 5 });
  });
});

describe('environments: what hub-proxy answers', () => {
  it('the catalog with GPU availability, quota and servers, with every field', () => {
    const environment: Complete<WireEnvironment> = torchEnvironment;
    const envelope: Complete<Omit<WireEnvironmentsResponse, 'environments'>> = environmentsResponse;
    expect(envelope.servers.length).toBeGreaterThan(0);
    expectResponse(environmentViewSchema, environment);
    for (const entry of environmentsResponse.environments) {
      expectResponse(environmentViewSchema, entry);
    }
    expectResponse(environmentsSchema, environmentsResponse);
  });

  it("is what the panels' catalog fixture is made from, once the client names the GPU types", async () => {
    const { connection, sent } = recordingConnection(environmentsResponse);
    const answer = await new EnvironmentsClient(connection).list();
    expect(sent[0]).toMatchObject({ method: 'GET', path: 'v1/environments' });
    expect(answer.environments).toEqual(catalog);
    expect(answer).toMatchObject({ gpus: environmentsResponse.gpus, quota: environmentsResponse.quota });
  });

  it('the answer to a server switch', () => {
    const response: Complete<SwitchEnvironmentResponse> = switchResponse;
    expectResponse(switchServerResponseSchema, response);
  });
});

describe('environments: what the extension sends', () => {
  it('a server switch body with every field', () => {
    const body: Complete<SwitchEnvironmentRequest> = switchRequest;
    expectRequest(switchServerBodySchema, body);
  });

  it("the panel's switch bodies, as the environments client sends them", async () => {
    const named = panelSwitchRequest(
      { environment: catalogEntry('tf-2.16-cuda12'), gpus: 2, gpuType: 't4' },
      'exp-1',
    );
    expect(named).toEqual(switchRequest);
    const { connection, sent } = recordingConnection(switchResponse);
    const client = new EnvironmentsClient(connection);
    await expect(client.switchServer(named)).resolves.toEqual(switchResponse);
    await client.switchServer(
      panelSwitchRequest({ environment: catalogEntry('cpu-sklearn'), gpus: 0, gpuType: 't4' }, ''),
    );
    expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual(['POST v1/me/server', 'POST v1/me/server']);
    expectRequest(switchServerBodySchema, sent[0]?.body);
    expectRequest(switchServerBodySchema, sent[1]?.body);
    expect(sent[1]?.body).toEqual({ environment: 'cpu-sklearn', gpus: 0 });
  });
});

describe('models: what hub-proxy answers and what the publish dialog sends', () => {
  it('models with versions, signatures, traffic and status parse without losing a field', () => {
    expectResponse(modelSchema, irisModel());
    expectResponse(modelSchema, mnistModel());
  });

  it('the serving runtimes parse', () => {
    for (const runtime of runtimes) expectResponse(servingRuntimeViewSchema, runtime);
  });

  it('the create body the dialog builds passes the strict create schema', () => {
    const mlserver = runtimes.find((r) => r.kind === 'mlserver');
    if (!mlserver) throw new Error('no MLServer runtime in the fixture');
    const form = { ...newPublishForm('iris', runtimes, 'xgboost', DEFAULT_PUBLISH_SETTINGS), users: 'bob' };
    expectRequest(createModelBodySchema, createModelRequest({ ...form, access: 'named' }, mlserver));
  });
});

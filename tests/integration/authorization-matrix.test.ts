import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RouteDefinition } from '../../hub-proxy/src/http/route.js';
import { ApiStack, type ApiRun, type StackUser } from '../support/api-stack.js';
import { waitUntil } from '../support/child-process.js';
import { eventually } from '../support/eventually.js';
import {
  CALLERS,
  ROUTE_AUTHORIZATION,
  SCOPE_AUTH,
  defaultParams,
  expectedStatuses,
  otherNamingOwnerStatus,
  queryKeys,
  type Caller,
  type MatrixFixtures,
  type RequestPlan,
  type RouteAuthorization,
} from '../support/route-authorization.js';

const TERMINAL = ['succeeded', 'failed', 'cancelled', 'timed_out'];
/** The hub user each user-kind caller is. */
const USER_OF: Partial<Record<Caller, StackUser>> = { owner: 'alice', other: 'bob', admin: 'admin' };

/** One request the matrix sent and what came back. */
interface Probe {
  caller: Caller;
  label: string;
  expected: number;
  status: number;
  body: string;
}

/**
 * Every route hub-proxy registers, called by every kind of caller, against
 * the real stack (JupyterHub, hub-proxy on the kubernetes runtime, the
 * shared kube-apiserver). The statuses come from each operation's declared
 * scope (tests/support/route-authorization.ts); a route without a
 * declaration fails. Calls that must be refused are made first, and the
 * owner's jobs, runs, log and outputs are read back afterwards: a refused
 * call changes nothing.
 */
describe('authorization matrix: every route × anonymous, owner, other user, admin, runner tokens', () => {
  const stack = new ApiStack(inject('kubeconfigPath'));
  const tokens: Partial<Record<Caller, string>> = {};
  let routes: readonly RouteDefinition[] = [];
  let fixtures: MatrixFixtures;
  let freshJobs = 0;
  let requests = 0;
  const tested = new Set<string>();

  /** Everything of alice's a refused call could touch, as alice reads it. */
  async function ownerWorld(): Promise<unknown> {
    const { items: jobs } = await stack.json<{ items: Array<{ name: string }> }>(
      'alice',
      '/api/v1/jobs?limit=100',
    );
    const runs: Record<string, ApiRun[]> = {};
    for (const job of jobs) {
      runs[job.name] = (
        await stack.json<{ items: ApiRun[] }>('alice', `/api/v1/jobs/${job.name}/runs`)
      ).items;
    }
    const artifact = async (path: string) => {
      const res = await stack.call(stack.tokens.alice, path);
      const bytes = Buffer.from(await res.arrayBuffer());
      return `${res.status} ${createHash('sha256').update(bytes).digest('hex')}`;
    };
    return {
      jobs,
      runs,
      log: await artifact(`/api/v1/runs/${fixtures.run}/log`),
      ipynb: await artifact(`/api/v1/runs/${fixtures.run}/output?format=ipynb`),
      html: await artifact(`/api/v1/runs/${fixtures.run}/output?format=html`),
    };
  }

  /** Waits until alice's runs have all ended and her world reads the same twice. */
  async function settled(): Promise<unknown> {
    return eventually(
      "alice's jobs and runs to settle",
      90_000,
      async () => {
        const first = (await ownerWorld()) as { runs: Record<string, ApiRun[]> };
        if (!Object.values(first.runs).every((runs) => runs.every((r) => TERMINAL.includes(r.state)))) {
          return undefined;
        }
        await new Promise((r) => setTimeout(r, 300));
        const second = await ownerWorld();
        return JSON.stringify(first) === JSON.stringify(second) ? second : undefined;
      },
      250,
    );
  }

  function url(route: RouteDefinition, plan: RequestPlan, query: Record<string, string>): string {
    const params = { ...defaultParams(fixtures), ...plan.params };
    const path = route.spec.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`${route.spec.operationId}: no fixture for :${name}`);
      return encodeURIComponent(value);
    });
    const search = new URLSearchParams({ ...plan.query, ...query }).toString();
    return search ? `${path}?${search}` : path;
  }

  async function send(
    route: RouteDefinition,
    caller: Caller,
    expected: number,
    plan: RequestPlan,
    query: Record<string, string> = {},
  ): Promise<Probe> {
    const path = url(route, plan, query);
    const init: RequestInit = { method: route.spec.method.toUpperCase() };
    if (plan.json !== undefined) {
      init.body = JSON.stringify(plan.json);
      init.headers = { 'Content-Type': 'application/json' };
    } else if (plan.raw) {
      init.body = plan.raw.body;
      init.headers = { 'Content-Type': plan.raw.contentType };
    }
    if (plan.headers) init.headers = { ...(init.headers as Record<string, string>), ...plan.headers };
    const res = await stack.call(tokens[caller], path, init);
    requests += 1;
    // Streams (server progress, ?follow) may stay open: the status is all the matrix needs.
    const body = /event-stream/.test(res.headers.get('content-type') ?? '')
      ? (await res.body?.cancel(), '<stream>')
      : (await res.text()).slice(0, 300);
    return { caller, label: `${init.method} ${path}`, expected, status: res.status, body };
  }

  /**
   * The requests `caller` makes. Where a route takes `?user=`, admins name
   * the owner with it, and another user tries both without and with it.
   */
  async function probes(
    route: RouteDefinition,
    declared: RouteAuthorization,
    caller: Caller,
    expected: number,
  ): Promise<Probe[]> {
    const plan = (await declared.request?.(fixtures, caller)) ?? {};
    if (route.spec.body && plan.json === undefined && plan.raw === undefined) {
      throw new Error(
        `${route.spec.operationId} takes a body: declare a valid one in route-authorization.ts`,
      );
    }
    const owner = { user: fixtures.owner };
    const takesUser = queryKeys(route.spec).includes('user');
    if (caller === 'admin' && takesUser) return [await send(route, caller, expected, plan, owner)];
    if (caller === 'other' && takesUser) {
      return [
        await send(route, caller, expected, plan),
        await send(route, caller, otherNamingOwnerStatus(declared.scope), plan, owner),
      ];
    }
    return [await send(route, caller, expected, plan)];
  }

  beforeAll(async () => {
    await stack.start();
    routes = stack.proxy.proxy.app.routes;
    for (const [caller, user] of Object.entries(USER_OF)) tokens[caller as Caller] = stack.tokens[user];

    // Every user's default server runs (tiny servers), so progress and switching have one to act on.
    for (const user of ['alice', 'bob', 'admin'] as const) {
      const res = await stack.hub.api(`/users/${user}/server`, { method: 'POST' });
      expect([201, 202], `start ${user}'s server`).toContain(res.status);
    }
    await waitUntil(
      'every server ready',
      async () => {
        for (const user of ['alice', 'bob', 'admin']) {
          const model = (await (await stack.hub.api(`/users/${user}`)).json()) as {
            servers: Record<string, { ready: boolean }>;
          };
          if (!model.servers['']?.ready) return false;
        }
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );

    await stack.createJob('alice', 'fixture', { concurrency: 'allow' });
    const run = await stack.runJob('alice', 'fixture');
    await stack.runsSettled('alice', 'fixture');
    await stack.storeOutputs(run);
    await stack.createJob('bob', 'bobs-job');
    await stack.runJob('bob', 'bobs-job');
    tokens.foreignRunner = await stack.runnerToken('bob', 'bobs-job');
    tokens.ownRunner = await stack.runnerToken('alice', 'fixture');

    const modelFile = JSON.stringify({ learner: { objective: 'binary:logistic' }, version: [3, 0, 0] });
    const upload = async (model: string, filled: boolean): Promise<string> => {
      const { uploadId } = await stack.json<{ uploadId: string }>(
        'alice',
        `/api/v1/models/${model}/uploads`,
        {
          method: 'POST',
          body: JSON.stringify({ files: [{ path: 'model.json', sizeBytes: modelFile.length }] }),
        },
        201,
      );
      if (filled) {
        const put = await stack.call(
          stack.tokens.alice,
          `/api/v1/models/${model}/uploads/${uploadId}/files/model.json`,
          {
            method: 'PUT',
            headers: { 'content-type': 'application/octet-stream' },
            body: modelFile,
          },
        );
        if (put.status !== 201) throw new Error(`model file upload answered ${put.status}`);
      }
      return uploadId;
    };
    let freshModels = 0;
    const createModel = async (name: string): Promise<string> => {
      await stack.json(
        'alice',
        '/api/v1/models',
        { method: 'POST', body: JSON.stringify({ name, runtime: { kind: 'mlserver', version: '1.7.1' } }) },
        201,
      );
      await stack.json(
        'alice',
        `/api/v1/models/${name}/uploads/${await upload(name, true)}/commit`,
        { method: 'POST', body: JSON.stringify({ rollout: { kind: 'replace' } }) },
        201,
      );
      return name;
    };
    await createModel('fixture-model');

    fixtures = {
      owner: 'alice',
      asAdmin: (path, init = {}) => stack.call(stack.tokens.admin, path, init),
      job: 'fixture',
      run: run.id,
      model: 'fixture-model',
      modelFile,
      freshModel: (prefix) => createModel(`${prefix}-model-${++freshModels}`),
      modelUpload: (filled) => upload('fixture-model', filled),
      modelApiKey: async () =>
        (
          await stack.json<{ id: string }>(
            'alice',
            '/api/v1/models/fixture-model/api-keys',
            { method: 'POST', body: JSON.stringify({ label: 'matrix' }) },
            201,
          )
        ).id,
      freshJob: async (prefix) => {
        const name = `${prefix}-${++freshJobs}`;
        await stack.createJob('alice', name);
        // A delete racing the controller's first status write gets 409 (reported as a bug); not the point here.
        await stack.jobReconciled('alice', name);
        return name;
      },
    };
  });

  afterAll(async () => {
    const cells = tested.size * CALLERS.length;
    console.log(
      `FIGURE: authorization matrix ${tested.size} routes × ${CALLERS.length} callers = ${cells} cells, ` +
        `${requests} requests`,
    );
    await stack.stop();
  });

  it('declares an expectation for every route hub-proxy registers, and none for a route it lacks', () => {
    const registered = routes.map((r) => r.spec.operationId).sort();
    expect(registered.length).toBeGreaterThan(20);
    const undeclared = registered.filter((id) => !(id in ROUTE_AUTHORIZATION));
    expect(undeclared, 'routes without an entry in tests/support/route-authorization.ts').toEqual([]);
    expect(Object.keys(ROUTE_AUTHORIZATION).sort()).toEqual(registered);
  });

  for (const [operationId, declared] of Object.entries(ROUTE_AUTHORIZATION)) {
    const overrides = declared.expect ? ` (${declared.because ?? 'overrides need a reason'})` : '';
    it(`${operationId}: ${declared.scope}-scoped, every caller gets its declared status${overrides}`, async () => {
      const route = routes.find((r) => r.spec.operationId === operationId);
      if (!route) throw new Error(`hub-proxy registers no route ${operationId}`);
      expect(route.spec.auth, `${operationId}: auth for a ${declared.scope}-scoped route`).toBe(
        SCOPE_AUTH[declared.scope],
      );
      expect(declared.expect === undefined || declared.because !== undefined).toBe(true);
      const expected = expectedStatuses(route.spec, declared);
      const refused = CALLERS.filter((c) => expected[c] >= 400);
      const allowed = CALLERS.filter((c) => expected[c] < 400);

      // Refused calls first, between two reads of everything the owner has.
      const before = await settled();
      const results: Probe[] = [];
      for (const caller of refused)
        results.push(...(await probes(route, declared, caller, expected[caller])));
      const after = await ownerWorld();
      for (const caller of allowed)
        results.push(...(await probes(route, declared, caller, expected[caller])));
      tested.add(operationId);

      const table = (pick: (p: Probe) => number) =>
        Object.fromEntries(results.map((p) => [`${p.caller} ${p.label}`, pick(p)]));
      const wrong = results.filter((p) => p.status !== p.expected);
      expect(
        table((p) => p.status),
        wrong.map((p) => `${p.caller} ${p.label} -> ${p.status}: ${p.body}`).join('\n'),
      ).toEqual(table((p) => p.expected));
      expect(after, `refused calls to ${operationId} changed alice's jobs, runs or outputs`).toEqual(before);
    });
  }
});

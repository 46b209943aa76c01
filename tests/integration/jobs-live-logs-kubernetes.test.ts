import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { metricsRegistry } from '../../hub-proxy/src/observability/metrics.js';
import { ApiStack, type ApiRun } from '../support/api-stack.js';
import { KWOK_LOG_NAMESPACES, criLogLine, kwokPodLogFile } from '../support/control-plane.js';
import { eventually } from '../support/eventually.js';
import { startInProcessHubProxy } from '../support/in-process-hub-proxy.js';
import { createNamespace } from '../support/namespaces.js';
import { freePort } from '../support/ports.js';
import { turingHub } from '../support/turing-hub.js';
import { followRunLog, type FollowedLog } from '../support/sse-log-reader.js';

const execFileAsync = promisify(execFile);

/** Followers one user may hold here: 100 of one run, plus the test's others. */
const SSE_PER_USER = 120;

/**
 * The API stack in the namespace whose pods kwok serves a container log for
 * (tests/support/control-plane.ts), with room for 100 event streams of one
 * user (the default is 5 per user).
 */
class LiveLogStack extends ApiStack {
  override readonly namespace = KWOK_LOG_NAMESPACES.api;

  override async start(): Promise<this> {
    await createNamespace(this.kubeconfigPathForStart, this.namespace);
    const port = await freePort();
    this.hub = turingHub({ apiToken: this.serviceToken, url: `http://127.0.0.1:${port}` });
    await this.hub.start();
    this.proxy = await startInProcessHubProxy(this.hub, {
      serviceToken: this.serviceToken,
      port,
      env: {
        TURING_RUNTIME: 'kubernetes',
        TURING_KUBECONFIG: this.kubeconfigPathForStart,
        TURING_NAMESPACE: this.namespace,
        TURING_ARTIFACTS_DIR: join(this.dir, 'artifacts'),
        TURING_SSE_MAX_CONNECTIONS_PER_USER: String(SSE_PER_USER),
      },
    });
    this.base = this.proxy.base;
    await eventually(
      'hub-proxy ready',
      60_000,
      async () => (await fetch(`${this.base}/readyz`).catch(() => undefined))?.ok,
      200,
    );
    await this.hub.createUser('alice');
    this.tokens.alice = await this.hub.tokenFor('alice');
    return this;
  }

  constructor(private readonly kubeconfigPathForStart: string) {
    super(kubeconfigPathForStart);
  }
}

/**
 * Live logs of a Kubernetes run: hub-proxy follows the run pod's container
 * log through the real kube-apiserver (`pods/log?follow=true`), which asks
 * kwok's kubelet-like server; kwok follows a file the test appends to. One
 * upstream stream serves every viewer of the run, counted on both sides:
 * the apiserver's own long-running request gauge and hub-proxy's metric.
 */
describe('live run logs on Kubernetes, one upstream stream per run', () => {
  const kubeconfigPath = inject('kubeconfigPath');
  const stack = new LiveLogStack(kubeconfigPath);
  const logFile = kwokPodLogFile(kubeconfigPath, KWOK_LOG_NAMESPACES.api);
  const followers: FollowedLog[] = [];
  let run: ApiRun;

  const append = (line: string) => appendFileSync(logFile, criLogLine(line));
  const follow = async () => {
    const log = await followRunLog(stack.base, stack.tokens.alice, run.id);
    followers.push(log);
    return log;
  };
  /** `pods/log` requests the apiserver is serving now (its `apiserver_longrunning_requests` gauge). */
  const apiserverLogStreams = async () => {
    const { stdout } = await execFileAsync(
      'kubectl',
      ['--kubeconfig', kubeconfigPath, 'get', '--raw', '/metrics'],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return stdout
      .split('\n')
      .filter(
        (line) =>
          line.startsWith('apiserver_longrunning_requests{') &&
          line.includes('resource="pods"') &&
          line.includes('subresource="log"'),
      )
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  };
  const hubProxyUpstreams = async () => {
    const metric = await metricsRegistry.getSingleMetric('turing_run_log_upstreams')?.get();
    return metric?.values[0]?.value ?? 0;
  };

  beforeAll(async () => {
    writeFileSync(logFile, '');
    await stack.start();
    run = await stack.startHangingRun('alice', 'live');
  }, 180_000);

  afterAll(async () => {
    for (const log of followers) log.stop();
    await stack.stop();
  });

  it('streams lines appended to the container log to a follower while the run is running', async () => {
    const marker = randomBytes(4).toString('hex');
    append(`before ${marker}`);
    const log = await follow();
    await eventually('the line written before following', 30_000, () =>
      log.text.includes(`before ${marker}\n`),
    );
    append(`after ${marker}`);
    await eventually('the line appended while following', 15_000, () =>
      log.text.includes(`after ${marker}\n`),
    );
    expect(log.text.indexOf(`before ${marker}`)).toBeLessThan(log.text.indexOf(`after ${marker}`));
    expect(log.end).toBeUndefined();
    expect((await stack.json<ApiRun>('alice', `/api/v1/runs/${run.id}`)).state).toBe('running');
    log.stop();
  });

  it('serves 100 concurrent followers of the run from exactly one apiserver stream', async () => {
    const many = await Promise.all(Array.from({ length: 100 }, () => follow()));
    // Each of them got the log so far (the shared history) ...
    await eventually('every follower has the history', 30_000, () =>
      many.every((log) => log.text.includes('before ')),
    );
    // ... and a line appended now reaches all of them.
    const line = `to all ${randomBytes(4).toString('hex')}`;
    append(line);
    await eventually('the line at all 100 followers', 30_000, () =>
      many.every((log) => log.text.includes(`${line}\n`)),
    );
    expect(many.every((log) => !log.closed)).toBe(true);
    expect(await apiserverLogStreams()).toBe(1);
    expect(await hubProxyUpstreams()).toBe(1);
    for (const log of many) log.stop();
    // The upstream outlives its last viewer only by the linger (5 s).
    await eventually(
      'the apiserver stream closed after the last follower left',
      30_000,
      async () => ((await apiserverLogStreams()) === 0 ? true : undefined),
      250,
    );
    expect(await hubProxyUpstreams()).toBe(0);
  });

  it('ends a follower with the final state when the run ends, and then serves the stored log', async () => {
    const log = await follow();
    await eventually('the history', 30_000, () => log.text.includes('to all '));
    await stack.json('alice', `/api/v1/runs/${run.id}`, { method: 'DELETE' });
    await eventually('the end event', 60_000, () => log.end);
    expect(log.end).toBe('cancelled');
    await log.finished;
    expect(await hubProxyUpstreams()).toBe(0);
    // A finished run is not followed upstream: the stored log.txt is what a follower gets.
    await stack.storeOutputs(run);
    const after = await follow();
    await after.finished;
    expect(after.text).toBe('hello\n');
    expect(after.end).toBe('cancelled');
    expect(await apiserverLogStreams()).toBe(0);
  });
});

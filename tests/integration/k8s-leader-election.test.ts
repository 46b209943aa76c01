import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  LeaderElector,
  createKubeClients,
  leaseExpiresAtMs,
  type LeaderElectorOptions,
} from '../../hub-proxy/src/k8s/index.js';
import { eventually } from '../support/eventually.js';

const LEASE_SECONDS = 3;
const RETRY_MS = 250;
// A candidate polls every retry period (+20 % jitter); allow that plus request time.
const POLL_MARGIN_MS = RETRY_MS * 1.2 + 500;

const kubeconfigPath = inject('kubeconfigPath');
const clients = createKubeClients({ kubeconfigPath, namespace: `k8s-le-${randomBytes(3).toString('hex')}` });
const electors: LeaderElector[] = [];

function elector(
  leaseName: string,
  identity: string,
  extra: Partial<LeaderElectorOptions> = {},
): LeaderElector {
  const e = new LeaderElector({
    clients,
    leaseName,
    identity,
    leaseDurationSeconds: LEASE_SECONDS,
    renewDeadlineMs: 2000,
    retryPeriodMs: RETRY_MS,
    renewIntervalMs: 500,
    ...extra,
  });
  electors.push(e);
  return e;
}

/** Watches `candidates` for `ms`, failing if two ever lead at once; returns the leader seen at the end. */
async function soleLeaderFor(candidates: LeaderElector[], ms: number): Promise<LeaderElector | undefined> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    expect(candidates.filter((c) => c.isLeader).length).toBeLessThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 20));
  }
  return candidates.find((c) => c.isLeader);
}

const readLease = (name: string) =>
  clients.coordination.readNamespacedLease({ name, namespace: clients.namespace });

describe('LeaderElector against the real kube-apiserver', () => {
  beforeAll(async () => {
    await clients.core.createNamespace({ body: { metadata: { name: clients.namespace } } });
  });
  afterAll(async () => {
    await Promise.all(electors.map((e) => e.stop()));
    await clients.core.deleteNamespace({ name: clients.namespace });
  });

  it('elects exactly one of two; the Lease names it; a crashed leader is replaced once its lease expires', async () => {
    const started: string[] = [];
    const stopped: string[] = [];
    const signals = new Map<string, AbortSignal>();
    const make = (id: string) =>
      elector('crash', id, {
        onStartedLeading: (signal) => {
          started.push(id);
          signals.set(id, signal);
        },
        onStoppedLeading: () => stopped.push(id),
      });
    const pair = [make('alpha'), make('beta')];
    pair.forEach((e) => e.start());
    const leader = await eventually('a leader', 10_000, () => pair.find((e) => e.isLeader));
    // Several renew intervals with never two leaders.
    expect(await soleLeaderFor(pair, 2000)).toBe(leader);
    const follower = pair.find((e) => e !== leader) as LeaderElector;

    const lease = await readLease('crash');
    expect(lease.spec?.holderIdentity).toBe(leader.identity);
    expect(lease.spec?.leaseDurationSeconds).toBe(LEASE_SECONDS);
    // The API server accepted and returns MicroTime with microsecond precision.
    expect(String(lease.spec?.renewTime)).toMatch(/\.\d{6}Z$/);
    expect(follower.holder()).toBe(leader.identity);
    expect(started).toEqual([leader.identity]);

    // Crash: stop renewing without releasing.
    await leader.stop();
    const crashedAt = Date.now();
    const lastRenew = await readLease('crash');
    const expiresAt = leaseExpiresAtMs(lastRenew.spec) as number;
    expect(signals.get(leader.identity)?.aborted).toBe(true);
    expect(stopped).toEqual([leader.identity]);

    await eventually('the follower to lead', LEASE_SECONDS * 1000 + 5000, () => follower.isLeader);
    const tookOverAt = Date.now();
    const handover = tookOverAt - crashedAt;
    console.log(
      `[k8s-leader-election] in-process crash handover: ${handover} ms after the crash, ` +
        `${tookOverAt - expiresAt} ms after the lease expired (lease ${LEASE_SECONDS} s, retry ${RETRY_MS} ms)`,
    );
    // Not before the crashed leader's lease ran out, and within one poll after.
    expect(tookOverAt).toBeGreaterThanOrEqual(expiresAt);
    expect(tookOverAt - expiresAt).toBeLessThanOrEqual(POLL_MARGIN_MS);
    expect(handover).toBeLessThanOrEqual(LEASE_SECONDS * 1000 + POLL_MARGIN_MS);
    const after = await readLease('crash');
    expect(after.spec?.holderIdentity).toBe(follower.identity);
    expect(after.spec?.leaseTransitions).toBe((lastRenew.spec?.leaseTransitions ?? 0) + 1);
  });

  it('release() hands over at the next retry instead of after the lease duration', async () => {
    const first = elector('release', 'first');
    first.start();
    await eventually('first to lead', 5000, () => first.isLeader);
    const second = elector('release', 'second');
    second.start();
    await eventually('second to observe the holder', 5000, () => second.holder() === 'first');

    const releasedAt = Date.now();
    expect(await first.release()).toBe(true);
    expect(first.isLeader).toBe(false);
    await eventually('second to lead', 5000, () => second.isLeader);
    const handover = Date.now() - releasedAt;
    console.log(`[k8s-leader-election] in-process release handover: ${handover} ms`);
    expect(handover).toBeLessThan(POLL_MARGIN_MS + 500);
    expect(handover).toBeLessThan(LEASE_SECONDS * 1000);
    expect((await readLease('release')).spec?.holderIdentity).toBe('second');
  });

  it('five candidates racing for a fresh Lease elect exactly one', async () => {
    const many = ['c1', 'c2', 'c3', 'c4', 'c5'].map((id) => elector('race', id));
    many.forEach((e) => e.start());
    await eventually('a leader', 5000, () => many.some((e) => e.isLeader));
    const leader = await soleLeaderFor(many, 1500);
    expect(leader).toBeDefined();
    expect((await readLease('race')).spec?.holderIdentity).toBe(leader?.identity);
    await Promise.all(many.map((e) => e.stop()));
  });

  it('steps down when someone else takes the Lease from under it', async () => {
    let stoppedCalls = 0;
    const victim = elector('stolen', 'victim', { onStoppedLeading: () => stoppedCalls++ });
    victim.start();
    await eventually('victim to lead', 5000, () => victim.isLeader);
    const lease = await readLease('stolen');
    // An intruder (e.g. an operator with kubectl) overwrites the holder with a fresh renewTime.
    await clients.coordination.replaceNamespacedLease({
      name: 'stolen',
      namespace: clients.namespace,
      body: {
        ...lease,
        spec: { ...lease.spec, holderIdentity: 'intruder', renewTime: lease.spec?.renewTime },
      },
    });
    const stolenAt = Date.now();
    await eventually('victim to step down', 5000, () => !victim.isLeader);
    expect(Date.now() - stolenAt).toBeLessThan(2000);
    expect(stoppedCalls).toBe(1);
    expect(victim.holder()).toBe('intruder');
    await victim.stop();
  });
});

interface CandidateEvent {
  event: string;
  identity: string;
  at: number;
}

/**
 * A lease candidate in its own OS process (tests/support/lease-candidate.ts).
 * `node --import tsx` rather than the tsx CLI, which forks a second node
 * process that a kill -9 of the first would leave running.
 */
function spawnCandidate(
  namespace: string,
  identity: string,
): { child: ChildProcess; events: CandidateEvent[] } {
  const repoRoot = resolve(import.meta.dirname, '../..');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      resolve(repoRoot, 'tests/support/lease-candidate.ts'),
      kubeconfigPath,
      namespace,
      'processes',
      identity,
      String(LEASE_SECONDS),
      String(RETRY_MS),
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const events: CandidateEvent[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    events.push(JSON.parse(line) as CandidateEvent);
  });
  return { child, events };
}

describe('two hub-proxy-like OS processes', () => {
  const namespace = `k8s-lp-${randomBytes(3).toString('hex')}`;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    await clients.core.createNamespace({ body: { metadata: { name: namespace } } });
  });
  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await clients.core.deleteNamespace({ name: namespace });
  });

  const leaseHolder = async () =>
    (await clients.coordination.readNamespacedLease({ name: 'processes', namespace })).spec?.holderIdentity;

  it('exactly one holds the Lease; kill -9 of it hands over within the lease duration', async () => {
    const a = spawnCandidate(namespace, 'proc-a');
    const b = spawnCandidate(namespace, 'proc-b');
    children.push(a.child, b.child);
    const leading = (c: typeof a) => c.events.some((e) => e.event === 'leading');
    await eventually('one process to lead', 20_000, () => leading(a) || leading(b));
    await new Promise((r) => setTimeout(r, 1500));
    expect([leading(a), leading(b)].filter(Boolean)).toHaveLength(1);
    const [leader, follower] = leading(a) ? [a, b] : [b, a];
    const [leaderId, followerId] = leading(a) ? ['proc-a', 'proc-b'] : ['proc-b', 'proc-a'];
    expect(await leaseHolder()).toBe(leaderId);

    const beforeKill = await clients.coordination.readNamespacedLease({ name: 'processes', namespace });
    leader.child.kill('SIGKILL');
    const killedAt = Date.now();
    const event = await eventually('the follower to lead', LEASE_SECONDS * 1000 + 5000, () =>
      follower.events.find((e) => e.event === 'leading'),
    );
    const handover = event.at - killedAt;
    // The leader renewed at least as late as this, so its lease ran out no earlier.
    const earliestExpiry = leaseExpiresAtMs(beforeKill.spec) as number;
    console.log(
      `[k8s-leader-election] process kill -9 handover: ${handover} ms after the kill ` +
        `(lease ${LEASE_SECONDS} s, renew every 500 ms, retry ${RETRY_MS} ms)`,
    );
    expect(event.at).toBeGreaterThanOrEqual(earliestExpiry);
    expect(handover).toBeLessThanOrEqual(LEASE_SECONDS * 1000 + POLL_MARGIN_MS);
    expect(await leaseHolder()).toBe(followerId);
  });

  it('SIGTERM (graceful shutdown releasing the Lease) hands over at once', async () => {
    const c = spawnCandidate(namespace, 'proc-c');
    children.push(c.child);
    await eventually('proc-c to start', 20_000, () => c.events.some((e) => e.event === 'started'));
    const current = children.find((ch) => ch !== c.child && ch.exitCode === null && ch.signalCode === null);
    expect(current).toBeDefined();
    await new Promise((r) => setTimeout(r, 1000));
    const termAt = Date.now();
    current?.kill('SIGTERM');
    const event = await eventually('proc-c to lead', 5000, () => c.events.find((e) => e.event === 'leading'));
    const handover = event.at - termAt;
    console.log(`[k8s-leader-election] process SIGTERM+release handover: ${handover} ms`);
    expect(handover).toBeLessThan(LEASE_SECONDS * 1000 - 500);
    expect(await leaseHolder()).toBe('proc-c');
  });
});

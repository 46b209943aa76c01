import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FilesystemArtifactStore } from '../hub-proxy/src/artifacts/filesystem-store.js';
import { S3ArtifactStore } from '../hub-proxy/src/artifacts/s3-store.js';
import type { ArtifactStore } from '../hub-proxy/src/artifacts/artifact-store.js';
import { MOTO_CREDENTIALS, MOTO_REGION, startMoto } from '../tests/support/moto.js';
import { formatSummary, summarize, type Summary } from './stats.js';

const repoRoot = resolve(import.meta.dirname, '..');
const BIG = 'users/big/';
const SMALL = 'users/small/';
const LIMITS = { maxObjectBytes: 1024 * 1024, maxOwnerBytes: 1024 * 1024 * 1024 };
/** Bytes of each stored and each measured object. */
const OBJECT_BYTES = 1024;

/** Keys of `count` existing objects under `owner`, 100 per "run" folder like real job output. */
const seedKeys = (owner: string, count: number) =>
  Array.from(
    { length: count },
    (_, i) => `${owner}jobs/j${Math.floor(i / 100)}/runs/r${i % 100}/output.ipynb`,
  );

async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** Put latency for the two owners, interleaved so machine noise hits both alike. */
async function putLatencies(store: ArtifactStore, rounds: number): Promise<{ big: Summary; small: Summary }> {
  const big: number[] = [];
  const small: number[] = [];
  const body = Buffer.alloc(OBJECT_BYTES, 1);
  for (let i = 0; i < rounds; i++) {
    big.push(await time(() => store.put(`${BIG}bench/put-${i}`, body)));
    small.push(await time(() => store.put(`${SMALL}bench/put-${i}`, body)));
  }
  return { big: summarize(big), small: summarize(small) };
}

async function repeat(times: number, fn: () => Promise<unknown>): Promise<Summary> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) samples.push(await time(fn));
  return summarize(samples);
}

interface BackendResult {
  put10k: Summary;
  put10: Summary;
  /** Baseline: what every put cost before usage records, a full count of the owner's 10,000 objects. */
  countPerPut10k: Summary;
  list10k: Summary;
  /** Objects under the listed owner prefix: the seeded ones plus the measured puts. */
  listedObjects: number;
}

/** Filesystem store: objects planted in the on-disk format (seeding through put would fsync 10,000 times). */
async function benchFilesystem(objects: number, rounds: number): Promise<BackendResult> {
  const directory = await mkdtemp(join(tmpdir(), 'turing-bench-artifacts-'));
  try {
    const header = Buffer.from(
      `${JSON.stringify({ v: 1, contentType: 'application/octet-stream' }).padEnd(511, ' ')}\n`,
    );
    const file = Buffer.concat([header, Buffer.alloc(OBJECT_BYTES, 2)]);
    for (const key of [...seedKeys(BIG, objects), ...seedKeys(SMALL, 10)]) {
      const path = join(directory, 'objects', ...key.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file);
    }
    const store = new FilesystemArtifactStore({ directory, ...LIMITS });
    const countPerPut10k = await repeat(5, () => store.recount(BIG));
    await store.recount(SMALL);
    const { big, small } = await putLatencies(store, rounds);
    const list10k = await repeat(5, () => store.list(BIG));
    const listedObjects = (await store.list(BIG)).length;
    return { put10k: big, put10: small, countPerPut10k, list10k, listedObjects };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

interface S3Result extends BackendResult {
  list10kRequests: Record<string, number>;
  requestsPerPut: Record<string, number>;
  /** Baseline: the listing as it was, ListObjectsV2 plus a HEAD per object (8 in flight). */
  listWithHeads10k: Summary;
}

/** S3 store against moto (the S3 server the integration tests use). */
async function benchS3(objects: number, rounds: number): Promise<S3Result> {
  const moto = await startMoto();
  const bucket = 'turing-bench';
  const requests = new Map<string, number>();
  const options = { endpoint: moto.endpoint, region: MOTO_REGION, bucket, forcePathStyle: true };
  const raw = new S3Client({ ...options, credentials: MOTO_CREDENTIALS });
  const store = new S3ArtifactStore({
    ...options,
    ...MOTO_CREDENTIALS,
    ...LIMITS,
    onRequest: (command) => requests.set(command, (requests.get(command) ?? 0) + 1),
  });
  const counted = () => Object.fromEntries(requests);
  try {
    await moto.createBucket(bucket);
    const keys = [...seedKeys(BIG, objects), ...seedKeys(SMALL, 10)];
    const body = Buffer.alloc(OBJECT_BYTES, 2);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(
        keys
          .slice(i, i + 50)
          .map((Key) => raw.send(new PutObjectCommand({ Bucket: bucket, Key, Body: body }))),
      );
    }
    const countPerPut10k = await repeat(3, () => store.recount(BIG));
    await store.recount(SMALL);
    requests.clear();
    const { big, small } = await putLatencies(store, rounds);
    const requestsPerPut = Object.fromEntries(
      Object.entries(counted()).map(([command, n]) => [command, n / (2 * rounds)]),
    );
    requests.clear();
    const list10k = await repeat(3, () => store.list(BIG));
    const list10kRequests = Object.fromEntries(
      Object.entries(counted()).map(([command, n]) => [command, n / 3]),
    );
    const listedObjects = (await store.list(BIG)).length;
    const listWithHeads10k = await repeat(1, async () => {
      const listed = await store.list(BIG);
      for (let i = 0; i < listed.length; i += 8) {
        await Promise.all(
          listed
            .slice(i, i + 8)
            .map((entry) => raw.send(new HeadObjectCommand({ Bucket: bucket, Key: entry.key }))),
        );
      }
    });
    return {
      put10k: big,
      put10: small,
      countPerPut10k,
      list10k,
      listedObjects,
      list10kRequests,
      requestsPerPut,
      listWithHeads10k,
    };
  } finally {
    store.destroy();
    raw.destroy();
    await moto.stop();
  }
}

const ms = (x: number) => Math.round(x * 100) / 100;

/**
 * Put latency for an owner with 10,000 objects against one with 10 (same
 * run, same store), the full count a put used to make as the baseline, and
 * `list()` of 10,000 objects: filesystem, and S3 against moto when the venv
 * has it. Writes bench/results/artifact-store.json.
 */
export async function benchArtifactStore(
  objects = 10_000,
  rounds = 100,
): Promise<{ lines: string[]; results: Record<string, unknown> }> {
  const fs = await benchFilesystem(objects, rounds);
  const withS3 = existsSync(join(repoRoot, '.venv/bin/moto_server'));
  const s3 = withS3 ? await benchS3(objects, Math.max(20, Math.floor(rounds / 2))) : undefined;
  const results: Record<string, unknown> = {
    measuredAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      totalMemoryMb: Math.round(totalmem() / 1024 / 1024),
      node: process.version,
      loadavgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
    },
    settings: {
      objects,
      objectBytes: OBJECT_BYTES,
      putRounds: rounds,
      s3Server: s3 ? 'moto (loopback)' : 'none',
    },
    fs_put_p50_ms_10k_objects: ms(fs.put10k.p50),
    fs_put_p95_ms_10k_objects: ms(fs.put10k.p95),
    fs_put_p50_ms_10_objects: ms(fs.put10.p50),
    fs_put_p95_ms_10_objects: ms(fs.put10.p95),
    fs_count_10k_objects_p50_ms: ms(fs.countPerPut10k.p50),
    fs_list_10k_objects_p50_ms: ms(fs.list10k.p50),
    fs_listed_objects: fs.listedObjects,
    ...(s3
      ? {
          s3_put_p50_ms_10k_objects: ms(s3.put10k.p50),
          s3_put_p95_ms_10k_objects: ms(s3.put10k.p95),
          s3_put_p50_ms_10_objects: ms(s3.put10.p50),
          s3_put_p95_ms_10_objects: ms(s3.put10.p95),
          s3_requests_per_put: s3.requestsPerPut,
          s3_count_10k_objects_p50_ms: ms(s3.countPerPut10k.p50),
          s3_list_10k_objects_p50_ms: ms(s3.list10k.p50),
          s3_list_10k_objects_requests: s3.list10kRequests,
          s3_listed_objects: s3.listedObjects,
          s3_list_with_head_per_object_10k_ms: ms(s3.listWithHeads10k.p50),
          s3_list_with_head_per_object_10k_requests: Math.ceil(objects / 1000) + objects,
        }
      : {}),
    summaries: { fs, ...(s3 ? { s3 } : {}) },
  };
  await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
  await writeFile(
    join(repoRoot, 'bench/results/artifact-store.json'),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  const lines = [
    formatSummary(`fs put, owner has ${objects} objects`, fs.put10k),
    formatSummary('fs put, owner has 10 objects', fs.put10),
    formatSummary(`fs baseline: count ${objects} (old per-put cost)`, fs.countPerPut10k),
    formatSummary(`fs list() of ${objects}`, fs.list10k),
  ];
  if (s3) {
    lines.push(
      formatSummary(`s3 put, owner has ${objects} objects`, s3.put10k),
      formatSummary('s3 put, owner has 10 objects', s3.put10),
      `s3 requests per put: ${JSON.stringify(s3.requestsPerPut)}`,
      formatSummary(`s3 baseline: count ${objects} (old per-put cost)`, s3.countPerPut10k),
      formatSummary(`s3 list() of ${objects}`, s3.list10k),
      `s3 list() requests: ${JSON.stringify(s3.list10kRequests)}`,
      formatSummary(
        `s3 baseline: list + HEAD each (${objects + Math.ceil(objects / 1000)} req)`,
        s3.listWithHeads10k,
      ),
    );
  } else {
    lines.push('s3: skipped (no .venv/bin/moto_server)');
  }
  return { lines, results };
}

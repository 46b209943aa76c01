import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startProcess, waitUntil } from './child-process.js';
import { freePort } from './ports.js';

const repoRoot = resolve(import.meta.dirname, '../..');

/** Credentials moto accepts (it accepts any); passed explicitly so no host credentials are read. */
export const MOTO_CREDENTIALS = {
  accessKeyId: 'turing-test',
  secretAccessKey: 'turing-test-secret',
} as const;
export const MOTO_REGION = 'us-east-1';

/** A running moto server: an in-memory, S3-compatible API on loopback. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly logFile: string;
  /** Creates a bucket (path-style, like every client of this server should use). */
  createBucket(name: string): Promise<void>;
  /** Stops the server and removes its log directory. */
  stop(): Promise<void>;
}

/** Starts `.venv/bin/moto_server` on a free loopback port and waits until it answers. */
export async function startMoto(): Promise<MotoServer> {
  const dir = mkdtempSync(join(tmpdir(), 'turing-moto-'));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const server = startProcess(
    'moto',
    join(repoRoot, '.venv/bin/moto_server'),
    ['-H', '127.0.0.1', '-p', String(port)],
    {
      logDir: dir,
      // moto's own AWS calls must never find real credentials or a real region config.
      env: { PATH: process.env.PATH ?? '', HOME: dir, AWS_DEFAULT_REGION: MOTO_REGION },
    },
  );
  try {
    await waitUntil(
      'moto_server',
      async () => {
        const response = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(2000) });
        await response.body?.cancel();
        return response.status < 500;
      },
      { timeoutMs: 60_000, intervalMs: 250, process: server },
    );
  } catch (err) {
    await server.stop();
    throw err;
  }
  const client = new S3Client({
    endpoint,
    region: MOTO_REGION,
    forcePathStyle: true,
    credentials: MOTO_CREDENTIALS,
  });
  return {
    endpoint,
    logFile: server.logFile,
    async createBucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    async stop() {
      client.destroy();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

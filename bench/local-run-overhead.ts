import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { waitUntil } from '../tests/support/child-process.js';
import { startInProcessHubProxy } from '../tests/support/in-process-hub-proxy.js';
import { pythonNotebook } from '../tests/support/notebooks.js';
import { freePort } from '../tests/support/ports.js';
import { turingHub } from '../tests/support/turing-hub.js';
import { formatSummary, summarize, type Summary } from './stats.js';

const run = promisify(execFile);
const VENV = join(import.meta.dirname, '..', '.venv');

/** Results of {@link benchLocalRunOverhead}. */
export interface LocalRunOverhead {
  /** POST /api/v1/jobs/{name}/runs -> run record `succeeded`, polled every 20 ms. */
  localRuntime: Summary;
  /** Baseline: `papermill in.ipynb out.ipynb` as a subprocess. */
  barePapermill: Summary;
  lines: string[];
}

/**
 * The local runtime's overhead over bare papermill on a trivial notebook
 * (one parameters cell, one print). The runtime adds the runner process,
 * fetching the snapshot over HTTP, per-cell progress calls, HTML export and
 * three uploads; both include Python and kernel start-up.
 */
export async function benchLocalRunOverhead(rounds = 8): Promise<LocalRunOverhead> {
  const dir = mkdtempSync(join(tmpdir(), 'turing-bench-local-'));
  const notebook = pythonNotebook({ parameters: 'n = 1', cells: ['print(n + 1)'] });
  const input = join(dir, 'trivial.ipynb');
  writeFileSync(input, JSON.stringify(notebook));
  const serviceToken = randomBytes(24).toString('hex');
  const port = await freePort();
  const hub = turingHub({ apiToken: serviceToken, url: `http://127.0.0.1:${port}` });
  await hub.start();
  const proxy = await startInProcessHubProxy(hub, {
    serviceToken,
    port,
    env: { TURING_JOBS_STATE_DIR: join(dir, 'state'), TURING_ARTIFACTS_DIR: join(dir, 'artifacts') },
  });
  try {
    await hub.createUser('bench');
    const token = await hub.tokenFor('bench');
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${proxy.base}${path}`, {
        ...init,
        headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
      });
    const created = await api('/api/v1/jobs', {
      method: 'POST',
      body: JSON.stringify({
        name: 'trivial',
        notebook: { path: 'trivial.ipynb', content: notebook },
        environment: 'cpu-base',
        outputs: ['ipynb', 'html'],
        concurrency: 'allow',
      }),
    });
    if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);

    const local: number[] = [];
    const bare: number[] = [];
    // One warm-up of each (page cache, bytecode), then interleaved rounds.
    for (let i = -1; i < rounds; i += 1) {
      const t0 = performance.now();
      await run(
        join(VENV, 'bin', 'papermill'),
        [input, join(dir, `out-${i}.ipynb`), '-p', 'n', '2', '--no-progress-bar'],
        {
          cwd: dir,
        },
      );
      if (i >= 0) bare.push(performance.now() - t0);

      const t1 = performance.now();
      const res = await api('/api/v1/jobs/trivial/runs', {
        method: 'POST',
        body: JSON.stringify({ parameters: { n: 2 } }),
      });
      const { id } = (await res.json()) as { id: string };
      let state = '';
      await waitUntil(
        `run ${id}`,
        async () => {
          state = ((await (await api(`/api/v1/runs/${id}`)).json()) as { state: string }).state;
          return ['succeeded', 'failed', 'cancelled', 'timed_out'].includes(state);
        },
        { timeoutMs: 120_000, intervalMs: 20 },
      );
      if (state !== 'succeeded') throw new Error(`run ${id} ended ${state}`);
      if (i >= 0) local.push(performance.now() - t1);
    }
    const l = summarize(local);
    const b = summarize(bare);
    return {
      localRuntime: l,
      barePapermill: b,
      lines: [
        formatSummary('local runtime: run now -> succeeded', l),
        formatSummary('baseline: bare papermill CLI', b),
        `overhead p50 +${(l.p50 - b.p50).toFixed(0)} ms, ratio p50 ${(l.p50 / b.p50).toFixed(2)}x`,
      ],
    };
  } finally {
    await proxy.stop();
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

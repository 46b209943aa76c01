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
  /** POST /api/v1/jobs/{name}/runs -> run record `succeeded`, polled every 20 ms; ipynb output only. */
  localRuntime: Summary;
  /** The same with the HTML rendering as well (nbconvert). */
  localRuntimeWithHtml: Summary;
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
    for (const [name, outputs] of [
      ['trivial', ['ipynb']],
      ['trivial-html', ['ipynb', 'html']],
    ] as const) {
      const created = await api('/api/v1/jobs', {
        method: 'POST',
        body: JSON.stringify({
          name,
          notebook: { path: 'trivial.ipynb', content: notebook },
          environment: 'cpu-base',
          outputs,
          concurrency: 'allow',
        }),
      });
      if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);
    }

    /** Run now -> succeeded, in ms. */
    const runOnce = async (job: string): Promise<number> => {
      const t0 = performance.now();
      const res = await api(`/api/v1/jobs/${job}/runs`, {
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
      return performance.now() - t0;
    };

    const local: number[] = [];
    const localHtml: number[] = [];
    const bare: number[] = [];
    // One warm-up of each (page cache, bytecode), then interleaved rounds.
    for (let i = -1; i < rounds; i += 1) {
      const t0 = performance.now();
      await run(
        join(VENV, 'bin', 'papermill'),
        [input, join(dir, `out-${i}.ipynb`), '-p', 'n', '2', '--no-progress-bar'],
        { cwd: dir },
      );
      const bareMs = performance.now() - t0;
      const localMs = await runOnce('trivial');
      const htmlMs = await runOnce('trivial-html');
      if (i >= 0) {
        bare.push(bareMs);
        local.push(localMs);
        localHtml.push(htmlMs);
      }
    }
    const l = summarize(local);
    const h = summarize(localHtml);
    const b = summarize(bare);
    return {
      localRuntime: l,
      localRuntimeWithHtml: h,
      barePapermill: b,
      lines: [
        formatSummary('local runtime, ipynb: run now -> succeeded', l),
        formatSummary('local runtime, ipynb + html', h),
        formatSummary('baseline: bare papermill CLI', b),
        `overhead p50 +${(l.p50 - b.p50).toFixed(0)} ms (ratio ${(l.p50 / b.p50).toFixed(2)}x); ` +
          `with HTML +${(h.p50 - b.p50).toFixed(0)} ms (${(h.p50 / b.p50).toFixed(2)}x)`,
      ],
    };
  } finally {
    await proxy.stop();
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

import { benchArtifactStore } from './artifact-store.js';
import { benchJobCreateLatency } from './job-create-latency.js';
import { benchLiveLogLatency } from './live-log-latency.js';
import { benchLocalRunOverhead } from './local-run-overhead.js';

// The jobs-table bench imports the lab's sources, which only type-check with
// the extensions' bundler settings: tests/contract's project checks it, and a
// non-literal specifier keeps this project from following the import.
const jobsTableBench = './jobs-table.js';
type LabBench = { benchJobsTable: (rounds: number) => Promise<{ lines: string[] }> };

// `npm run bench`: each benchmark reports against a baseline taken in the
// same run, because these machines are noisy. Pass names to run a subset.
const benches: Record<string, () => Promise<{ lines: string[] }>> = {
  'artifact-store': () => benchArtifactStore(10_000, Number(process.env.BENCH_ARTIFACT_PUTS ?? 100)),
  'job-create-latency': () => benchJobCreateLatency(Number(process.env.BENCH_CREATES ?? 100)),
  'jobs-table': async () =>
    ((await import(jobsTableBench)) as LabBench).benchJobsTable(Number(process.env.BENCH_ROUNDS ?? 50)),
  'live-log-latency': () => benchLiveLogLatency(Number(process.env.BENCH_LOG_LINES ?? 20)),
  'local-run-overhead': () => benchLocalRunOverhead(Number(process.env.BENCH_ROUNDS ?? 8)),
};

const wanted = process.argv.slice(2);
for (const [name, bench] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const started = Date.now();
  const result = await bench();
  console.log(`\n## ${name} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  for (const line of result.lines) console.log(line);
}

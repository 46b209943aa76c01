import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiStack } from '../support/api-stack.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const schemathesis = join(repoRoot, '.venv/bin/schemathesis');

/** Whole-run budget: fuzzing and stateful testing repeat until it is spent. */
const MAX_TIME_SECONDS = 180;
/** The checks that say "no 5xx, every response as documented". */
const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
];

interface Failure {
  operation: string;
  kind: 'failure' | 'error';
  message: string;
}

/** The operations (test cases) of a schemathesis JUnit report, and its failures and errors. */
function junitProblems(xml: string): { operations: string[]; failures: Failure[] } {
  const operations: string[] = [];
  const failures: Failure[] = [];
  // A passing operation is a self-closing <testcase .../>; a failing one holds <failure>/<error>.
  for (const match of xml.matchAll(/<testcase name="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const [, operation = '', body = ''] = match;
    operations.push(unescapeXml(operation));
    for (const f of body.matchAll(/<(failure|error)\b[^>]*>([\s\S]*?)<\/\1>/g)) {
      failures.push({ operation, kind: f[1] as 'failure' | 'error', message: unescapeXml(f[2] ?? '') });
    }
  }
  return { operations, failures };
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function run(
  command: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      {
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        // Its example database and cache (.hypothesis, .schemathesis) land in cwd: keep them out of the tree.
        cwd: join(repoRoot, 'test-results'),
        env: { ...process.env, NO_COLOR: '1' },
      },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: unknown }).code as number | null) : 0;
        done({ code: typeof code === 'number' ? code : null, stdout, stderr });
      },
    );
  });
}

/**
 * schemathesis (PyPI) against the running API, driven by `/api/openapi.json`:
 * every operation, valid and invalid inputs, the coverage, fuzzing and
 * stateful phases, as alice with a hub API token, on the real stack
 * (JupyterHub, hub-proxy on the kubernetes runtime, kube-apiserver) with a
 * job and an ended run (with outputs) to find.
 */
describe('schema-driven fuzzing of the REST API (schemathesis)', () => {
  const stack = new ApiStack(inject('kubeconfigPath'));

  /**
   * hub-proxy's own listener, not the hub's proxy in front of it: that
   * configurable-http-proxy answers a request line over Node's 16 KiB limit
   * itself, with an empty 431 no Turing code can change, where hub-proxy
   * answers 414 problem+json. Auth is the same: hub-proxy asks the hub.
   */
  const target = () => `${stack.proxy.proxy.url}/services/turing`;

  beforeAll(async () => {
    await stack.start();
    await stack.createJob('alice', 'fuzz-seed', { concurrency: 'allow', parameters: { n: 1 } });
    const seeded = await stack.runJob('alice', 'fuzz-seed');
    await stack.runsSettled('alice', 'fuzz-seed');
    await stack.storeOutputs(seeded);
  });

  afterAll(async () => {
    await stack.stop();
  });

  it(
    'finds no 5xx, no undocumented status or content type, and no response off its schema in any operation',
    async () => {
      expect(existsSync(schemathesis), `${schemathesis} (run scripts/bootstrap.sh)`).toBe(true);
      const results = join(repoRoot, 'test-results');
      mkdirSync(results, { recursive: true });
      const junit = join(results, 'schemathesis-junit.xml');
      rmSync(junit, { force: true });
      const args = [
        'run',
        `${target()}/api/openapi.json`,
        '--header',
        `Authorization: Bearer ${stack.tokens.alice}`,
        '--mode',
        'all',
        '--checks',
        CHECKS.join(','),
        '--max-examples',
        '25',
        '--max-time',
        String(MAX_TIME_SECONDS),
        '--request-timeout',
        '10',
        '--workers',
        '1',
        '--seed',
        '20261201',
        '--generation-database',
        'none',
        '--report',
        'junit',
        '--report-junit-path',
        junit,
        '--no-color',
      ];
      const result = await run(schemathesis, args, (MAX_TIME_SECONDS + 120) * 1000);
      const output = result.stdout + result.stderr;
      // The token is in argv only; schemathesis filters Authorization in what it prints.
      writeFileSync(join(results, 'schemathesis.log'), output);

      const cases = Number(/(\d+) generated/.exec(output)?.[1] ?? 'NaN');
      const selected = /Selected: (\d+)\/(\d+)\s+Tested: (\d+)/.exec(output);
      expect(existsSync(junit), `no JUnit report; schemathesis said:\n${output.slice(-4000)}`).toBe(true);
      const report = junitProblems(readFileSync(junit, 'utf8'));
      const failures = report.failures.length;
      console.log(
        `FIGURE: schemathesis cases=${cases} failures=${failures} operations=${report.operations.length}`,
      );
      for (const f of report.failures) {
        console.log(`[schemathesis] ${f.kind} in ${f.operation}:\n${f.message.slice(0, 1500)}`);
      }

      expect(cases, 'schemathesis reported no generated test cases').toBeGreaterThan(0);
      // Every operation of the document was tested, except the one schemathesis loaded it from.
      const paths = stack.proxy.proxy.app.openApi().paths as Record<string, Record<string, unknown>>;
      const documented = Object.entries(paths)
        .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
        .filter((label) => label !== 'GET /api/openapi.json');
      expect(report.operations.filter((name) => name !== 'Stateful tests').sort()).toEqual(documented.sort());
      expect(selected?.slice(1).map(Number), 'schemathesis "Selected: n/total Tested: n"').toEqual(
        Array(3).fill(documented.length),
      );
      expect(
        report.failures.map(
          (f) => `${f.kind}: ${f.operation}: ${f.message.split('\n').slice(0, 6).join(' | ')}`,
        ),
      ).toEqual([]);
      expect(result.code, output.slice(-4000)).toBe(0);
    },
    (MAX_TIME_SECONDS + 300) * 1000,
  );
});

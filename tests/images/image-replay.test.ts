import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startProcess, waitUntil, type ManagedProcess } from '../support/child-process.js';
import { parseDockerfile, parseImageRef } from '../support/dockerfile.js';
import { hostPath, replayStages, type ReplayedStage } from '../support/dockerfile-replay.js';
import { createNamespace } from '../support/namespaces.js';
import { freePort } from '../support/ports.js';
import { registerSecret } from '../support/secrets-scan.js';
import { turingHub } from '../support/turing-hub.js';
import type { JupyterHub } from '../support/jupyterhub.js';

// The hub-proxy and runner images, replayed without Docker
// (tests/support/dockerfile-replay.ts) and started: proof that their COPY and
// RUN steps give a tree that works with production dependencies only.

const execFileAsync = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../..');
/** TURING_IMAGE_REPLAY=full: replay the hub-proxy image's build stage too (minutes on two busy cores). */
const FULL_REPLAY = process.env.TURING_IMAGE_REPLAY === 'full';

describe('the hub-proxy image', () => {
  const dockerfile = parseDockerfile(readFileSync(join(repoRoot, 'images/hub-proxy/Dockerfile'), 'utf8'));
  const nodeTag = parseImageRef(dockerfile.stages.at(-1)?.resolvedImage.text ?? '').tag ?? '';
  // Made in beforeAll, so a filtered run that skips this block leaves nothing behind.
  let dir = '';
  const serviceToken = randomBytes(24).toString('hex');
  registerSecret('service-token', serviceToken);
  let stages: ReplayedStage[] = [];
  let final: ReplayedStage;
  let hub: JupyterHub | undefined;
  let proxy: ManagedProcess | undefined;
  let url = '';
  let port = 0;
  let opsPort = 0;
  /** The hub starts while the stages are replayed (both take a while). */
  let hubStarted: Promise<unknown> = Promise.resolve();

  beforeAll(
    async () => {
      const started = Date.now();
      dir = mkdtempSync(join(tmpdir(), 'turing-image-hub-proxy-'));
      [port, opsPort] = [await freePort(), await freePort()];
      url = `http://127.0.0.1:${port}/services/turing`;
      hub = turingHub({ apiToken: serviceToken, url: `http://127.0.0.1:${port}` });
      hubStarted = hub.start();
      // A failed start is reported where it is awaited, in the test.
      hubStarted.catch(() => undefined);
      // The build stage (dev install, tsc, vite) takes a minute or more on two
      // cores, so by default the checkout's own build stands in for it
      // (`npm test` runs `npm run build`; bootstrap builds admin-ui/dist).
      // TURING_IMAGE_REPLAY=full replays it too.
      const stageRoots: Record<string, string> = {};
      if (!FULL_REPLAY) {
        for (const built of ['hub-proxy/dist/hub-proxy.mjs', 'admin-ui/dist/index.html']) {
          if (!existsSync(join(repoRoot, built))) {
            throw new Error(
              `${built} is missing: run npm run build and npm run build:admin, or TURING_IMAGE_REPLAY=full`,
            );
          }
        }
        const checkout = join(dir, 'checkout-build');
        mkdirSync(checkout);
        symlinkSync(repoRoot, join(checkout, 'src'));
        stageRoots.build = checkout;
      }
      stages = await replayStages(dockerfile, {
        contextDir: repoRoot,
        dir,
        stageRoots,
        // Offline first: npm's cache is warm from the repository's own install.
        env: { npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' },
      });
      final = stages.at(-1) as ReplayedStage;
      const runs = stages.flatMap((s) => s.runs.map((r) => `${r.ms} ms ${r.command.slice(0, 60)}`));
      console.log(`[hub-proxy image] replayed in ${Date.now() - started} ms:\n  ${runs.join('\n  ')}`);
    },
    FULL_REPLAY ? 900_000 : undefined,
  );

  afterAll(async () => {
    await proxy?.stop();
    await hub?.stop();
    // The link to the checkout goes first (rm does not follow links, but be plain about it).
    if (!dir) return;
    rmSync(join(dir, 'checkout-build', 'src'), { force: true });
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  it('runs the Node release of .nvmrc, inside the engines range of package.json (the replay uses this Node)', () => {
    const nvmrc = readFileSync(join(repoRoot, '.nvmrc'), 'utf8').trim();
    expect(nodeTag).toMatch(new RegExp(`^${nvmrc.replace(/\./g, '\\.')}-`));
    expect(process.version).toBe(`v${nvmrc}`);
    const engines = (
      JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } }
    ).engines.node;
    expect(engines).toBe('>=20.19 <21');
    expect(nvmrc).toMatch(/^20\.(19|[2-9]\d)\./);
  });

  it('ships production dependencies, the hub-proxy bundle and the catalog, but no dev dependency or source', () => {
    const app = hostPath(final, '/app');
    for (const present of [
      'node_modules/express/package.json',
      'node_modules/@kubernetes/client-node/package.json',
      'hub-proxy/dist/hub-proxy.mjs',
      'admin-ui/dist/index.html',
      'images/catalog.yaml',
      'images/compatibility.yaml',
    ]) {
      expect(existsSync(join(app, present)), present).toBe(true);
    }
    for (const absent of [
      'node_modules/typescript',
      'node_modules/vitest',
      'node_modules/vite',
      'node_modules/@types/express',
      'node_modules/eslint',
      // The bundle replaces the compiled modules.
      'hub-proxy/dist/main.js',
      'hub-proxy/src',
      'admin-ui/src',
      'extensions',
      'tsconfig.base.json',
    ]) {
      expect(existsSync(join(app, absent)), absent).toBe(false);
    }
    expect(final.env.NODE_ENV).toBe('production');
    expect(final.entrypoint).toEqual(['node', '--optimize-for-size', '/app/hub-proxy/dist/hub-proxy.mjs']);
  });

  it('starts from its ENTRYPOINT against the real cluster: ready, serving the catalog and the admin pages, and exits 0 on SIGTERM', async () => {
    const kubeconfigPath = inject('kubeconfigPath');
    const namespace = `image-${randomBytes(3).toString('hex')}`;
    await createNamespace(kubeconfigPath, namespace);
    const hubWaited = Date.now();
    await hubStarted;
    const proxyStarted = Date.now();
    const theHub = hub as JupyterHub;
    const [command, ...args] = final.entrypoint ?? [];
    expect(command).toBe('node');
    // Node's flags as they are; the script's image path mapped into the replayed tree.
    const argv = args.map((arg) => (arg.startsWith('/') ? hostPath(final, arg) : arg));
    // Only what a pod would have: the image's ENV and the chart's settings (no repository paths).
    proxy = startProcess('hub-proxy-image', process.execPath, argv, {
      cwd: hostPath(final, final.workdir),
      logDir: dir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir,
        ...final.env,
        TURING_HUB_API_URL: theHub.apiUrl,
        TURING_API_TOKEN: serviceToken,
        TURING_LISTEN_PORT: String(port),
        TURING_OPS_LISTEN_PORT: String(opsPort),
        TURING_MODELS_API_KEY_LISTEN_PORT: '0',
        TURING_KUBECONFIG: kubeconfigPath,
        TURING_NAMESPACE: namespace,
        TURING_ARTIFACTS_DIR: join(dir, 'artifacts'),
      },
    });
    await waitUntil('hub-proxy from the image tree ready', async () => (await fetch(`${url}/readyz`)).ok, {
      timeoutMs: 60_000,
      process: proxy,
    });
    console.log(
      `[hub-proxy image] waited ${proxyStarted - hubWaited} ms more for the hub, hub-proxy ready in ${Date.now() - proxyStarted} ms`,
    );
    expect((await fetch(`http://127.0.0.1:${opsPort}/healthz`)).status).toBe(200);

    const admin = { headers: { Authorization: `token ${await theHub.tokenFor('admin')}` } };
    const environments = await fetch(`${url}/api/v1/environments`, admin);
    expect(environments.status).toBe(200);
    const catalog = parseYaml(readFileSync(hostPath(final, '/app/images/catalog.yaml'), 'utf8')) as {
      environments: { id: string; disabled?: boolean }[];
    };
    const served = ((await environments.json()) as { environments: { id: string }[] }).environments.map(
      (e) => e.id,
    );
    expect(served.sort()).toEqual(
      catalog.environments
        .filter((e) => !e.disabled)
        .map((e) => e.id)
        .sort(),
    );

    const page = await fetch(`${url}/admin/`, admin);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script_ = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script_, 'the admin page loads a script from assets/').toBeDefined();
    expect(existsSync(hostPath(final, `/app/admin-ui/dist/${script_}`))).toBe(true);
    expect((await fetch(`${url}/admin/${script_}`, admin)).status).toBe(200);

    const running = proxy;
    proxy = undefined;
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  });
});

describe('the runner image', () => {
  const dockerfile = parseDockerfile(readFileSync(join(repoRoot, 'images/runner/Dockerfile'), 'utf8'));
  let dir = '';
  let server: Server | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'turing-image-runner-'));
  });

  afterAll(async () => {
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  it("pins the Python minor version of the models' default init image", () => {
    const { tag } = parseImageRef(dockerfile.stages.at(-1)?.resolvedImage.text ?? '');
    const config = readFileSync(join(repoRoot, 'hub-proxy/src/models/config.ts'), 'utf8');
    const defaultInit = /initImage: z\.string\(\)\.min\(1\)\.default\('python:(\d+\.\d+)/.exec(config)?.[1];
    expect(defaultInit).toBeDefined();
    expect(tag).toMatch(new RegExp(`^${(defaultInit ?? '').replace('.', '\\.')}\\.\\d+-slim`));
  });

  it('fetches a model version with the standard library alone, from the file and ENTRYPOINT the image sets', async () => {
    // The image's RUN only removes pip and adds the user: nothing the fetch needs.
    const [final] = (await replayStages(dockerfile, { contextDir: repoRoot, dir, skipRuns: true })) as [
      ReplayedStage,
    ];
    const [python, script] = final.entrypoint ?? [];
    expect(python).toBe('python');
    const token = randomBytes(16).toString('hex');
    registerSecret('run-token', token);
    const body = Buffer.from('{"learner": "tiny"}\n');
    server = createServer((req, res) => {
      if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401).end();
      if (req.url === '/svc/api/v1/model-artifacts/ctr/versions/3/manifest') {
        return void res.end(JSON.stringify({ files: [{ path: 'm/model.json', sizeBytes: body.length }] }));
      }
      if (req.url === '/svc/api/v1/model-artifacts/ctr/versions/3/files/m/model.json')
        return void res.end(body);
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const models = join(dir, 'models');
    // -I -S: no user site, no site-packages, so only the standard library can be imported.
    const { stderr } = await execFileAsync('python3', ['-I', '-S', hostPath(final, script ?? '')], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        TURING_ARTIFACT_API: `http://127.0.0.1:${port}/svc/`,
        TURING_ARTIFACT_TOKEN: token,
        TURING_MODEL: 'ctr',
        TURING_MODEL_VERSIONS: '3',
        TURING_MODELS_DIR: models,
      },
    });
    expect(stderr).toContain('versions 3 ready');
    expect(readFileSync(join(models, '3/m/model.json'))).toEqual(body);
    expect(relative(repoRoot, hostPath(final, script ?? ''))).toMatch(/^\.\.\//);
  });
});

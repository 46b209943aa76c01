import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { assembleHubProxy, type AssembledHubProxy } from './assemble.js';
import { HubClient } from './auth/hub-client.js';
import { IdentityResolver } from './auth/identity-resolver.js';
import { managedEnv, noFiles } from './config/testing/config-fixtures.js';
import { compatibilityPathOf, loadCatalog } from './environments/index.js';
import { FEATURES, loadHubProxyConfig } from './features.js';
import { createLogger } from './observability/logger.js';

type Json = Record<string, unknown>;

let directory: string;
let assembled: AssembledHubProxy;
let doc: Json;
let catalogIds: string[];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'turing-openapi-'));
  const config = loadHubProxyConfig({
    env: {
      ...managedEnv,
      TURING_RUNTIME: 'local',
      TURING_JOBS_STATE_DIR: join(directory, 'state'),
      TURING_ARTIFACTS_DIR: join(directory, 'artifacts'),
      TURING_EDITABLE_CATALOG: join(directory, 'catalog.yaml'),
      TURING_QUOTAS_PATH: join(directory, 'quotas.json'),
      TURING_AUDIT_DIR: join(directory, 'audit'),
      TURING_LOG_LEVEL: 'silent',
    },
    readFile: noFiles,
  });
  const logger = createLogger({ level: 'silent' });
  // The same assembly as main.ts, so the document covers every feature's routes.
  assembled = assembleHubProxy(config, FEATURES, logger);
  const hub = new HubClient({ apiUrl: config.hubApiUrl, apiToken: config.apiToken });
  const app = createApp({
    config,
    logger,
    hub,
    resolver: new IdentityResolver(hub, { ttlMs: 1, maxEntries: 1 }),
    readinessChecks: () => [],
    statusProviders: () => ({}),
    routes: assembled.extras.routes,
  });
  doc = app.openApi();
  catalogIds = loadCatalog(config.catalogPath, compatibilityPathOf(config)).environments.map((e) => e.id);
});

afterAll(async () => {
  for (const hook of assembled?.extras.shutdownHooks ?? []) await hook.run();
  await rm(directory, { recursive: true, force: true });
});

/** Every `$ref` in `node`, with the JSON path where it occurs. */
function refsOf(node: unknown, path = '#'): Array<{ at: string; ref: string }> {
  if (Array.isArray(node)) return node.flatMap((item, i) => refsOf(item, `${path}/${i}`));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string'
      ? [{ at: path, ref: value }]
      : refsOf(value, `${path}/${key}`),
  );
}

/** Resolves a same-document reference (`#/a/b~1c`) as RFC 6901 says, or undefined. */
function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

const schemas = () => (doc.components as { schemas: Record<string, Json> }).schemas;

describe('the OpenAPI document of the assembled hub-proxy', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('resolves every $ref inside the document', () => {
    const refs = refsOf(doc);
    expect(refs.length).toBeGreaterThan(20);
    const broken = refs.filter(({ ref }) => resolvePointer(doc, ref) === undefined);
    expect(broken).toEqual([]);
  });

  it('names each shared schema as its own component', () => {
    expect(Object.keys(schemas()).filter((name) => !/^[A-Za-z][A-Za-z0-9]*$/.test(name))).toEqual([]);
  });

  it('constrains every path parameter with a pattern or an enum', () => {
    const loose: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const parameter of (operation.parameters ?? []) as Array<{
          in: string;
          name: string;
          schema: Json;
        }>) {
          if (parameter.in === 'path' && !parameter.schema.pattern && !parameter.schema.enum) {
            loose.push(`${method} ${path} {${parameter.name}}`);
          }
        }
      }
    }
    expect(loose).toEqual([]);
  });

  it('lists the catalog environment ids as the enum of every environment field of a request', () => {
    const environmentOf = (component: string) =>
      (schemas()[component]?.properties as Record<string, Json> | undefined)?.environment;
    for (const component of ['SwitchServerBody', 'CreateJobBody', 'UpdateJobBody']) {
      expect(environmentOf(component)?.enum, component).toEqual(catalogIds);
    }
  });

  it('states in words the runner progress rule JSON Schema cannot express (cell <= cells)', () => {
    expect(schemas().PostRunnerProgressBody?.description).toMatch(/cell.*(<=|at most).*cells/);
  });
});

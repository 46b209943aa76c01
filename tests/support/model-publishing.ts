import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { showSidePanel } from './lab-page.js';
import { SERVING_PYTHON } from './serving-python.js';

/**
 * Models for the browser tests: the seeded xgboost model, the V2 body Try it
 * sends, its own probabilities from xgboost, and publishing through the REST
 * API (as the lab's dialog does: create, upload each file, commit).
 */

/** The seeded xgboost model of the demo's examples (4 features: position, hour, past CTR, similarity). */
export const seededModel = resolve(import.meta.dirname, '../../examples/models/ctr-xgb/model.json');

/** The V2 body Try it sends: one row, asking for the class probabilities. */
export const v2Body = (features: number[]): string =>
  JSON.stringify({
    inputs: [{ name: 'input-0', shape: [1, features.length], datatype: 'FP32', data: features }],
    outputs: [{ name: 'predict_proba' }],
  });

/** The seeded model's own class probabilities for `features`, from xgboost in the serving venv. */
export function ownProbabilities(features: number[]): number[] {
  const script = [
    'import json, sys',
    'import numpy as np, xgboost as xgb',
    'p = json.load(sys.stdin)',
    'model = xgb.XGBClassifier()',
    'model.load_model(p["path"])',
    'rows = np.array([p["row"]], dtype=np.float32)',
    'print(json.dumps(model.predict_proba(rows)[0].tolist()))',
  ].join('\n');
  const out = execFileSync(SERVING_PYTHON, ['-c', script], {
    input: JSON.stringify({ path: seededModel, row: features }),
    env: { PATH: process.env.PATH ?? '', OMP_NUM_THREADS: '1' },
  });
  return JSON.parse(out.toString().trim().split('\n').at(-1) ?? '') as number[];
}

export interface TrafficSplit {
  stable: number;
  canary?: number;
  canaryPercent: number;
}

/** What the tests read of `GET /api/v1/models/{name}`. */
export interface ModelJson {
  name: string;
  versions: Array<{ version: number }>;
  traffic?: TrafficSplit;
  status: { phase: string; servingVersions: number[] };
}

/** The models API of one user on a running stack, with the user's hub token. */
export class ModelsApi {
  constructor(
    private readonly hubUrl: string,
    private readonly token: string,
  ) {}

  /** A call below `/services/turing`, e.g. `/api/v1/models`. */
  call(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `token ${this.token}`);
    if (typeof init.body === 'string' && !headers.has('content-type')) {
      headers.set('content-type', 'application/json');
    }
    return fetch(`${this.hubUrl}/services/turing${path}`, { ...init, headers });
  }

  /** A JSON call that must answer `status`. */
  async json<T>(path: string, init: RequestInit = {}, status = 200): Promise<T> {
    const res = await this.call(path, init);
    const text = await res.text();
    if (res.status !== status) {
      throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  model(name: string): Promise<ModelJson> {
    return this.json<ModelJson>(`/api/v1/models/${name}`);
  }

  /** Creates an MLServer model without versions. */
  create(name: string): Promise<ModelJson> {
    const body = {
      name,
      runtime: { kind: 'mlserver', version: '1.7.1' },
      resources: { cpu: '1', memory: '1Gi', gpu: 0 },
    };
    return this.json<ModelJson>('/api/v1/models', { method: 'POST', body: JSON.stringify(body) }, 201);
  }

  /** Uploads one model file as the next version of `name` and commits it with `rollout`. */
  async publishFile(
    name: string,
    file: string,
    rollout: unknown = { kind: 'replace' },
  ): Promise<{ version: number }> {
    const bytes = readFileSync(file);
    const path = basename(file);
    const upload = await this.json<{ uploadId: string }>(
      `/api/v1/models/${name}/uploads`,
      { method: 'POST', body: JSON.stringify({ files: [{ path, sizeBytes: bytes.length }] }) },
      201,
    );
    await this.json(
      `/api/v1/models/${name}/uploads/${upload.uploadId}/files/${encodeURIComponent(path)}`,
      { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(bytes) },
      201,
    );
    return this.json<{ version: number }>(
      `/api/v1/models/${name}/uploads/${upload.uploadId}/commit`,
      { method: 'POST', body: JSON.stringify({ rollout }) },
      201,
    );
  }

  /** One V2 prediction through the gateway; its HTTP status. */
  async predict(name: string, features: number[]): Promise<number> {
    const res = await this.call(`/models/${name}/v2/models/${name}/infer`, {
      method: 'POST',
      body: v2Body(features),
    });
    await res.body?.cancel();
    return res.status;
  }
}

/** The file browser's row of `name` in the folder shown. */
export function listingItem(page: Page, name: string): Locator {
  return page
    .locator('#filebrowser .jp-DirListing-item')
    .filter({ has: page.locator('.jp-DirListing-itemText', { hasText: new RegExp(`^${name}$`) }) });
}

/** Shows the file browser in `folder` (a path below the home), by the breadcrumbs and double clicks. */
export async function browseTo(page: Page, folder: string[]): Promise<void> {
  await showSidePanel(page, 'filebrowser');
  // The home icon of the breadcrumbs.
  await page.locator('#filebrowser .jp-BreadCrumbs-home').click();
  for (const name of folder) {
    await listingItem(page, name).dblclick({ timeout: 30_000 });
    await page
      .locator('#filebrowser .jp-BreadCrumbs-item', { hasText: new RegExp(`^${name}$`) })
      .waitFor({ timeout: 30_000 });
  }
}

/** Right-clicks `name` in the folder shown, chooses "Publish Model…" and returns the dialog. */
export async function publishFromContextMenu(page: Page, name: string): Promise<Locator> {
  await listingItem(page, name).click({ button: 'right' });
  const item = page.locator('.lm-Menu .lm-Menu-item', { hasText: 'Publish Model…' });
  await item.waitFor({ timeout: 10_000 });
  await item.click();
  const dialog = page.getByTestId('publish-dialog');
  await dialog.waitFor({ timeout: 30_000 });
  return dialog;
}

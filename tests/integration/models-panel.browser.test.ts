import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type RunningDemoStack } from '../../scripts/demo-stack.js';
import { launchChromium } from '../support/chromium.js';
import { logInToLab, newLabPage } from '../support/lab-page.js';
import {
  browseTo as browseToFolder,
  ownProbabilities,
  publishFromContextMenu as publishFrom,
  v2Body,
  type ModelJson,
} from '../support/model-publishing.js';

const screenshots = resolve(import.meta.dirname, '../../test-results/screenshots');
const user = 'mei';
const modelName = 'ctr-xgb';
/** A row of the seeded model's 4 features (position, hour, past CTR, similarity). */
const row = [0.1, 0.5, 0.9, 0.8];

interface V2Response {
  model_name: string;
  outputs: Array<{ name: string; shape: number[]; datatype: string; data: number[] }>;
}
/** What the page saw of the upload's progress bar (recorded by a MutationObserver). */
interface ProgressSample {
  now: number;
  max: number;
  text: string;
}

// The Models acceptance of issue 12 on the stack `npm run demo` starts (local
// runtime, real MLServer 1.7.1): a new user publishes the seeded xgboost model
// from the file browser, sees it Ready in the Models panel, predicts from
// "Try it", publishes a canary, moves the canary slider, promotes and rolls
// back, and gets a readable error for the seeded folder that is not a model.
// Screenshots go to test-results/screenshots/models-*.png.
describe('Models: publish from the file browser and serve, on the demo stack (Chromium)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'turing-models-e2e-'));
  let stack: RunningDemoStack;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  // One page for the whole scenario: each step continues where the last ended.
  let page: Page;
  let token: string;
  let expected: number[];
  const shot = (name: string) => page.screenshot({ path: join(screenshots, `${name}.png`) });
  const api = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${stack.url}/services/turing/api/v1${path}`, {
      headers: { Authorization: `token ${token}` },
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const model = async (): Promise<ModelJson> => {
    const { status, body } = await api<ModelJson>(`/models/${modelName}`);
    expect(status).toBe(200);
    return body;
  };
  const trafficOf = async () => (await model()).traffic;
  /** The model's card in the Models panel. */
  const card = () =>
    page.locator(`#turing-models [data-testid="model-card"][data-model-name="${modelName}"]`);
  /**
   * A shot of the open card from its header down to the traffic control: the
   * card is longer than the sidebar of a 900 px page, so this one is 1200 px tall.
   */
  const cardShot = async (name: string) => {
    await page.setViewportSize({ width: 1400, height: 1200 });
    await card().evaluate((li) => li.scrollIntoView({ block: 'start' }));
    await shot(name);
    await page.setViewportSize({ width: 1400, height: 900 });
  };

  const browseTo = (folder: string[]) => browseToFolder(page, folder);
  const publishFromContextMenu = (name: string) => publishFrom(page, name);

  /** Records every state of the upload's progress bar while a publish runs, however fast. */
  const recordProgress = () =>
    page.evaluate(() => {
      const samples: ProgressSample[] = [];
      (window as unknown as { __publishProgress: ProgressSample[] }).__publishProgress = samples;
      const observer = new MutationObserver(() => {
        const bar = document.querySelector('[data-testid="publish-progress"] [role="progressbar"]');
        if (!bar) return;
        const sample = {
          now: Number(bar.getAttribute('aria-valuenow')),
          max: Number(bar.getAttribute('aria-valuemax')),
          text: document.querySelector('[data-testid="publish-progress-text"]')?.textContent ?? '',
        };
        const last = samples[samples.length - 1];
        if (!last || last.now !== sample.now || last.text !== sample.text) samples.push(sample);
      });
      observer.observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        characterData: true,
      });
    });
  const recordedProgress = () =>
    page.evaluate(() => (window as unknown as { __publishProgress: ProgressSample[] }).__publishProgress);

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    expected = ownProbabilities(row);
    expect(expected).toHaveLength(2);
    const started = Date.now();
    stack = await startDemoStack({ stateDir });
    console.log(`[models-e2e] demo stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    browser = await launchChromium();
    page = await newLabPage(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('publishes the seeded xgboost model from the file browser with an upload progress bar', async () => {
    await logInToLab(page, stack.url, user);
    token = await stack.hub.tokenFor(user);
    await browseTo(['models', 'ctr-xgb']);
    const dialog = await publishFromContextMenu('model.json');

    // The source was read and recognised before anything is sent.
    const source = dialog.getByTestId('publish-source');
    await expect.poll(() => source.getAttribute('data-format'), { timeout: 30_000 }).toBe('xgboost');
    expect(await source.textContent()).toMatch(/^Source: models\/ctr-xgb\/model\.json \(xgboost, 1 file, /);
    const runtime = dialog.getByTestId('publish-runtime');
    await expect
      .poll(() => runtime.locator('option:checked').textContent(), { timeout: 30_000 })
      .toMatch(/MLServer/);
    expect(await dialog.getByTestId('publish-existing').textContent()).toBe(
      'A new model: this publishes its version 1.',
    );
    await dialog.getByTestId('publish-name').fill(modelName);
    await shot('models-publish-dialog');

    // On loopback 80 KiB go up in a blink: Chromium's network emulation slows
    // the upload to 32 KiB/s so the bar can be seen, and shot, part way.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    const throttle = (uploadThroughput: number) =>
      cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput,
      });
    await throttle(32 * 1024);
    await recordProgress();
    const clicked = Date.now();
    await dialog.getByTestId('publish-submit').click();
    await page.waitForFunction(
      () => {
        const bar = document.querySelector('[data-testid="publish-progress"] [role="progressbar"]');
        const now = Number(bar?.getAttribute('aria-valuenow'));
        const max = Number(bar?.getAttribute('aria-valuemax'));
        return now >= 0.4 * max && now < max;
      },
      undefined,
      { timeout: 30_000 },
    );
    // The bar's width eases in; the shot fast-forwards the transition.
    await page.screenshot({ path: join(screenshots, 'models-publish-progress.png'), animations: 'disabled' });
    const result = dialog.getByTestId('publish-result');
    await result.waitFor({ timeout: 60_000 });
    await throttle(-1);
    await cdp.detach();
    console.log(`[models-e2e] publish v1 (throttled): ${Date.now() - clicked} ms from Publish to the result`);
    expect(await result.textContent()).toContain(`Published version 1 of "${modelName}".`);

    // The bar went up to all bytes sent, then the version was committed.
    const samples = await recordedProgress();
    console.log(
      `[models-e2e] progress seen: ${samples.map((s) => `${s.now}/${s.max} ${s.text}`).join(' | ')}`,
    );
    // Live: part of the bytes sent, then all of them.
    expect(samples.some((s) => s.now > 0 && s.now < s.max)).toBe(true);
    const last = samples[samples.length - 1];
    expect(last?.max).toBeGreaterThan(80_000);
    expect(last?.now).toBe(last?.max);
    expect(samples.some((s) => /^All .+ sent; making it a version…$/.test(s.text))).toBe(true);

    const stored = await model();
    expect(stored.versions.map((v) => v.version)).toEqual([1]);
    expect(stored.traffic).toEqual({ stable: 1, canaryPercent: 0 });
  });

  it('shows the model Ready in the Models panel and predicts from Try it with the model’s own numbers', async () => {
    const dialog = page.getByTestId('publish-dialog');
    await dialog.getByTestId('publish-show').click();
    await dialog.waitFor({ state: 'detached' });
    const panel = page.locator('#turing-models');
    await panel.waitFor({ state: 'visible', timeout: 30_000 });
    const started = Date.now();
    await expect.poll(() => card().getAttribute('data-phase'), { timeout: 90_000 }).toBe('Ready');
    console.log(`[models-e2e] card Ready ${Date.now() - started} ms after the panel opened`);
    expect(await card().getByTestId('model-phase').textContent()).toBe('ready');
    expect(await card().getByTestId('model-replicas').textContent()).toMatch(
      /^1\/1 replicas ready · versions 1$/,
    );

    // "Show in Models" opened the card; Try it holds a V2 body to edit.
    const body = card().getByTestId('model-try-body');
    await body.waitFor();
    const prefilled = JSON.parse(await body.inputValue()) as {
      inputs: Array<{ datatype: string; shape: number[] }>;
    };
    expect(prefilled.inputs[0]?.datatype).toBe('FP32');
    // Shaped from the signature hub-proxy read from the model file (num_feature = 4).
    expect(prefilled.inputs[0]?.shape).toEqual([1, 4]);
    // A row of the model's 4 features, as the form's hint asks, and its probabilities.
    await body.fill(v2Body(row));
    const clicked = Date.now();
    await card().getByTestId('model-try-send').click();
    const status = card().getByTestId('model-try-status');
    await status.waitFor({ timeout: 30_000 });
    const output = await card().getByTestId('model-try-output').textContent();
    console.log(
      `[models-e2e] Try it: ${await status.textContent()} (${Date.now() - clicked} ms click to answer); ` +
        `${output?.replace(/\s+/g, ' ')}`,
    );
    expect(await status.getAttribute('data-status'), output ?? '').toBe('200');
    expect(await status.getAttribute('data-version')).toBe('1');
    expect(await status.textContent()).toMatch(/^HTTP 200 · .+ · version 1$/);
    const answer = JSON.parse(output ?? '') as V2Response;
    expect(answer.model_name).toBe(modelName);
    expect(answer.outputs[0]?.name).toBe('predict_proba');
    const probabilities = answer.outputs[0]?.data ?? [];
    expect(probabilities).toHaveLength(2);
    probabilities.forEach((p, i) => expect(p).toBeCloseTo(expected[i] ?? NaN, 5));
    // The answer scrolled to its probabilities.
    await card()
      .getByTestId('model-try-output')
      .evaluate((pre) => (pre.scrollTop = pre.scrollHeight));
    await cardShot('models-panel-try-it');
  });

  it('shows the serving log as text only, markup in it included', async () => {
    const logs = card().getByTestId('model-logs');
    await logs.locator('summary').click();
    const text = card().getByTestId('model-logs-text');
    await expect.poll(() => text.textContent(), { timeout: 30_000 }).not.toBe('Loading…');
    // MLServer's own lines.
    expect(await text.textContent()).toContain(`Loaded model '${modelName}' successfully.`);

    // A line with markup, as a request path or a model's message could put there.
    const logFile = join(stateDir, 'models', 'logs', `${modelName}.log`);
    expect(existsSync(logFile)).toBe(true);
    const markup = `<img src=x onerror="window.__injected=1"><b data-testid="injected-bold">bold</b>`;
    appendFileSync(logFile, `${markup}\n`);
    await logs.getByRole('button', { name: 'Reload the logs' }).click();
    await expect.poll(() => text.textContent(), { timeout: 30_000 }).toContain(markup);
    expect(await text.evaluate((pre) => pre.childElementCount)).toBe(0);
    expect(await page.getByTestId('injected-bold').count()).toBe(0);
    expect(
      await page.evaluate(() => (window as unknown as { __injected?: unknown }).__injected),
    ).toBeUndefined();
    // Closed again, out of the way of the next steps.
    await logs.locator('summary').click();
  });

  it('publishes the same file again as a 20% canary: version 2', async () => {
    await browseTo(['models', 'ctr-xgb']);
    const dialog = await publishFromContextMenu('model.json');
    await expect
      .poll(() => dialog.getByTestId('publish-source').getAttribute('data-format'), { timeout: 30_000 })
      .toBe('xgboost');
    await dialog.getByTestId('publish-name').fill(modelName);
    await expect
      .poll(() => dialog.getByTestId('publish-existing').textContent(), { timeout: 30_000 })
      .toBe(`"${modelName}" exists: this publishes its version 2.`);
    await dialog.getByTestId('publish-rollout-canary').check();
    await dialog.getByTestId('publish-canary-percent').fill('20');
    await shot('models-publish-canary-dialog');

    await recordProgress();
    const clicked = Date.now();
    await dialog.getByTestId('publish-submit').click();
    const result = dialog.getByTestId('publish-result');
    await result.waitFor({ timeout: 60_000 });
    console.log(`[models-e2e] publish v2: ${Date.now() - clicked} ms from Publish to the result`);
    expect(await result.textContent()).toContain(`Published version 2 of "${modelName}".`);
    expect(await result.textContent()).toContain('20% of the traffic as a canary');
    const samples = await recordedProgress();
    expect(samples[samples.length - 1]?.now).toBe(samples[samples.length - 1]?.max);

    expect(await trafficOf()).toEqual({ stable: 1, canary: 2, canaryPercent: 20 });
    await dialog.getByTestId('publish-show').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('moves the canary slider to 50% and applies it; both versions answer', async () => {
    await page.locator('#turing-models').waitFor({ state: 'visible', timeout: 30_000 });
    const started = Date.now();
    // Ready again once the process serving both versions is up.
    await expect
      .poll(
        async () => {
          const m = await model();
          return `${m.status.phase} ${m.status.servingVersions.join(',')}`;
        },
        { timeout: 90_000 },
      )
      .toBe('Ready 1,2');
    console.log(`[models-e2e] v1+v2 Ready ${Date.now() - started} ms after the canary publish`);
    const slider = card().getByTestId('model-canary-slider');
    await expect.poll(() => slider.inputValue(), { timeout: 30_000 }).toBe('20');
    await expect
      .poll(() => card().getByTestId('model-traffic-now').textContent(), { timeout: 30_000 })
      .toMatch(/^Now: v1 80% · v2 20% canary · loaded: v1, v2$/);

    // As a user with the keyboard: 30 steps of 1 % to the right.
    await slider.focus();
    for (let i = 0; i < 30; i++) await slider.press('ArrowRight');
    expect(await slider.inputValue()).toBe('50');
    expect(await card().getByTestId('model-canary-percent').textContent()).toBe('50% to v2');
    await card().getByTestId('model-traffic-apply').click();
    await expect.poll(trafficOf, { timeout: 30_000 }).toEqual({ stable: 1, canary: 2, canaryPercent: 50 });
    await expect
      .poll(() => card().getByTestId('model-traffic-summary').textContent(), { timeout: 30_000 })
      .toBe('v1 50% · v2 50% canary');
    expect(await card().getByTestId('model-traffic-apply').isDisabled()).toBe(true);

    // Through the gateway from Try it: at 50 % both versions answer (chance of not: 2^-39).
    const versions = new Set<string>();
    await card().getByTestId('model-try-body').fill(v2Body(row));
    const send = card().getByTestId('model-try-send');
    const status = card().getByTestId('model-try-status');
    const output = card().getByTestId('model-try-output');
    for (let i = 0; i < 40 && versions.size < 2; i++) {
      // Each answer has its own id: wait for the new one.
      const before = (await output.count()) > 0 ? await output.textContent() : null;
      await send.click();
      await expect.poll(() => output.textContent(), { timeout: 30_000 }).not.toBe(before);
      expect(await status.getAttribute('data-status'), (await output.textContent()) ?? '').toBe('200');
      versions.add((await status.getAttribute('data-version')) ?? '');
    }
    expect([...versions].sort()).toEqual(['1', '2']);
    await cardShot('models-canary');
  });

  it('promotes the canary to stable, then rolls back to the split before', async () => {
    await card().getByTestId('model-promote').click();
    await expect.poll(trafficOf, { timeout: 30_000 }).toEqual({ stable: 2, canaryPercent: 0 });
    await expect
      .poll(() => card().getByTestId('model-traffic-summary').textContent(), { timeout: 30_000 })
      .toBe('v2 100%');
    await expect.poll(() => card().getByTestId('model-canary-slider').inputValue()).toBe('0');

    await card().getByTestId('model-rollback').click();
    await expect.poll(trafficOf, { timeout: 30_000 }).toEqual({ stable: 1, canary: 2, canaryPercent: 50 });
    await expect
      .poll(() => card().getByTestId('model-traffic-summary').textContent(), { timeout: 30_000 })
      .toBe('v1 50% · v2 50% canary');
    await expect.poll(() => card().getByTestId('model-canary-slider').inputValue()).toBe('50');
    await shot('models-rolled-back');
  });

  it('gives a readable error for the seeded folder that is not a model, and creates nothing', async () => {
    await browseTo(['models']);
    const dialog = await publishFromContextMenu('not-a-model');
    const error = dialog.getByTestId('publish-source-error');
    await error.waitFor({ timeout: 30_000 });
    const message = (await error.textContent()) ?? '';
    console.log(`[models-e2e] not-a-model: ${message}`);
    expect(message).toContain('Not a model');
    expect(message).toContain('The folder "not-a-model" is not a TensorFlow SavedModel');
    expect(message).toContain('saved_model.pb and variables/');
    expect(message).toContain('an xgboost model file (.json, .ubj, .bst)');
    expect(message).toContain('a scikit-learn model file (.joblib, .pkl)');
    // Nothing to fill in and nothing to press but Close.
    expect(await dialog.getByTestId('publish-submit').count()).toBe(0);
    expect(await dialog.getByTestId('publish-name').count()).toBe(0);
    expect(await dialog.getByTestId('publish-cancel').textContent()).toBe('Close');
    await shot('models-not-a-model');

    await dialog.getByTestId('publish-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    const { status, body } = await api<{ items: ModelJson[] }>('/models');
    expect(status).toBe(200);
    expect(body.items.map((m) => m.name)).toEqual([modelName]);
    expect((await model()).versions.map((v) => v.version)).toEqual([1, 2]);
    expect((await api('/models/not-a-model')).status).toBe(404);
  });
});

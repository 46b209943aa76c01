import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_CHANGE_BYTES, REDACTED, summarizeChange } from './change-summary.js';

const notebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { cell_type: 'code', source: 'print("secret sauce")', metadata: {}, outputs: [] },
    { cell_type: 'markdown', source: '# hi', metadata: {} },
  ],
};

describe('summarizeChange', () => {
  it('replaces notebook content by its cell count, size and sha256', () => {
    const json = JSON.stringify(notebook);
    const change = summarizeChange({ name: 'nightly', notebook: { path: 'a.ipynb', content: notebook } });
    expect(change).toEqual({
      name: 'nightly',
      notebook: {
        path: 'a.ipynb',
        content: {
          cells: 2,
          bytes: Buffer.byteLength(json),
          sha256: createHash('sha256').update(json).digest('hex'),
        },
      },
    });
    expect(JSON.stringify(change)).not.toContain('secret sauce');
  });

  it('reduces webhook URLs to their origin, dropping the path, query and credentials', () => {
    const change = summarizeChange({
      alerts: [
        { on: ['failure'], webhook: 'https://user:pw@hooks.slack.com/services/T000/B000/XXXXSECRET?x=1' },
      ],
    });
    expect(change).toEqual({ alerts: [{ on: ['failure'], webhook: 'https://hooks.slack.com' }] });
  });

  it('redacts the values of token-, secret-, password-, apikey- and authorization-like keys at any depth', () => {
    const change = summarizeChange({
      token: 'abc',
      nested: {
        clientSecret: 's3cr3t',
        Password: 'pw',
        apiKey: 'k',
        api_key: 'k2',
        Authorization: 'Bearer t',
      },
      list: [{ refreshToken: 'r' }],
      keep: 'visible',
    }) as Record<string, unknown>;
    expect(change).toEqual({
      token: REDACTED,
      nested: {
        clientSecret: REDACTED,
        Password: REDACTED,
        apiKey: REDACTED,
        api_key: REDACTED,
        Authorization: REDACTED,
      },
      list: [{ refreshToken: REDACTED }],
      keep: 'visible',
    });
  });

  it('cuts strings over 200 characters and says how long they were', () => {
    const change = summarizeChange({ description: 'a'.repeat(1000) }) as { description: string };
    expect(change.description.startsWith('a'.repeat(200))).toBe(true);
    expect(change.description).toContain('(1000 chars)');
    expect(change.description.length).toBeLessThan(230);
  });

  it('keeps the whole change within 4 KiB, else a digest naming the top-level keys', () => {
    const parameters = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`p${i}`, 'v'.repeat(150)]));
    const change = summarizeChange({ name: 'big', parameters }) as Record<string, unknown>;
    expect(Buffer.byteLength(JSON.stringify(change))).toBeLessThanOrEqual(MAX_CHANGE_BYTES);
    expect(change).toMatchObject({ truncated: true, keys: ['name', 'parameters'] });
    expect(change.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(change.bytes).toBeGreaterThan(30_000);
  });

  it('passes small plain values through', () => {
    expect(summarizeChange({ schedule: { suspend: true }, replicas: { min: 1, max: 3 } })).toEqual({
      schedule: { suspend: true },
      replicas: { min: 1, max: 3 },
    });
    expect(summarizeChange({})).toEqual({});
  });
});

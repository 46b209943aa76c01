import { describe, expect, it } from 'vitest';
import { parseGatewayPath, type GatewayPath } from './gateway-path.js';
import { drawVersion, resolveTarget } from './traffic-split.js';

const path = (p: string): GatewayPath => {
  const result = parseGatewayPath(p, 'iris');
  if (!result.ok) throw new Error(result.detail);
  return result.path;
};
const fixed = (value: number) => () => value;

describe('drawVersion', () => {
  it('sends canaryPercent % to the canary and the rest to stable', () => {
    const traffic = { stable: 1, canary: 2, canaryPercent: 10 };
    expect(drawVersion(traffic, fixed(0.0999))).toEqual({ version: 2, fallback: 1 });
    expect(drawVersion(traffic, fixed(0.1))).toEqual({ version: 1, fallback: 2 });
  });

  it('lands a 90/10 split within a point over 100,000 draws', () => {
    let seed = 42;
    const lcg = () => (seed = (seed * 1664525 + 1013904223) % 2 ** 32) / 2 ** 32;
    let canary = 0;
    for (let i = 0; i < 100_000; i++) {
      if (drawVersion({ stable: 1, canary: 2, canaryPercent: 10 }, lcg).version === 2) canary += 1;
    }
    expect(canary / 100_000).toBeGreaterThan(0.09);
    expect(canary / 100_000).toBeLessThan(0.11);
  });

  it('sends everything to stable without a canary, at 0 %, or when both are the same version', () => {
    expect(drawVersion({ stable: 4, canaryPercent: 50 }, fixed(0))).toEqual({ version: 4 });
    expect(drawVersion({ stable: 4, canary: 5, canaryPercent: 0 }, fixed(0))).toEqual({
      version: 4,
      fallback: 5,
    });
    expect(drawVersion({ stable: 4, canary: 4, canaryPercent: 50 }, fixed(0))).toEqual({ version: 4 });
  });

  it('sends everything to the canary at 100 %', () => {
    expect(drawVersion({ stable: 1, canary: 2, canaryPercent: 100 }, fixed(0.99999))).toEqual({
      version: 2,
      fallback: 1,
    });
  });
});

describe('resolveTarget', () => {
  const model = { traffic: { stable: 1, canary: 2, canaryPercent: 50 }, versions: [1, 2, 3] };

  it('honours a named version without a fallback', () => {
    expect(resolveTarget(path('/v1/models/iris/versions/3:predict'), model, fixed(0))).toEqual({
      ok: true,
      target: { version: 3 },
    });
  });

  it('refuses a version the model does not have (404)', () => {
    expect(resolveTarget(path('/v2/models/iris/versions/9/infer'), model, fixed(0))).toMatchObject({
      ok: false,
      status: 404,
    });
  });

  it('maps the stable and canary labels to the split and refuses others', () => {
    expect(resolveTarget(path('/v1/models/iris/labels/canary'), model, fixed(0))).toEqual({
      ok: true,
      target: { version: 2 },
    });
    expect(resolveTarget(path('/v1/models/iris/labels/stable:predict'), model, fixed(0))).toEqual({
      ok: true,
      target: { version: 1 },
    });
    expect(resolveTarget(path('/v1/models/iris/labels/beta'), model, fixed(0))).toMatchObject({
      status: 404,
    });
    expect(
      resolveTarget(
        path('/v1/models/iris/labels/canary'),
        { traffic: { stable: 1, canaryPercent: 0 } },
        fixed(0),
      ),
    ).toMatchObject({ status: 404 });
  });

  it('splits inference calls and sends status and metadata to stable', () => {
    expect(resolveTarget(path('/v2/models/iris/infer'), model, fixed(0.2))).toEqual({
      ok: true,
      target: { version: 2, fallback: 1 },
    });
    expect(resolveTarget(path('/v2/models/iris'), model, fixed(0.2))).toEqual({
      ok: true,
      target: { version: 1, fallback: 2 },
    });
  });

  it('answers 503 while the model has no version, and leaves health calls unversioned', () => {
    expect(resolveTarget(path('/v1/models/iris:predict'), {}, fixed(0))).toMatchObject({
      ok: false,
      status: 503,
    });
    expect(resolveTarget(path('/v2/health/ready'), {}, fixed(0))).toEqual({
      ok: true,
      target: { version: undefined },
    });
  });
});

import { describe, expect, it } from 'vitest';
import { parseGatewayPath, upstreamPath, type GatewayPath } from './gateway-path.js';

function parsed(path: string, model = 'iris'): GatewayPath {
  const result = parseGatewayPath(path, model);
  if (!result.ok) throw new Error(`refused ${path}: ${result.detail}`);
  return result.path;
}

describe('parseGatewayPath', () => {
  it.each([
    ['/v1/models/iris', 'v1', 'status', undefined, undefined],
    ['/v1/models/iris/versions/3', 'v1', 'status', 3, undefined],
    ['/v1/models/iris/labels/canary', 'v1', 'status', undefined, 'canary'],
    ['/v1/models/iris/metadata', 'v1', 'metadata', undefined, undefined],
    ['/v1/models/iris/versions/12/metadata', 'v1', 'metadata', 12, undefined],
    ['/v1/models/iris:predict', 'v1', 'predict', undefined, undefined],
    ['/v1/models/iris/versions/2:classify', 'v1', 'classify', 2, undefined],
    ['/v1/models/iris/labels/stable:regress', 'v1', 'regress', undefined, 'stable'],
    ['/v2/models/iris', 'v2', 'metadata', undefined, undefined],
    ['/v2/models/iris/infer', 'v2', 'infer', undefined, undefined],
    ['/v2/models/iris/versions/4/infer', 'v2', 'infer', 4, undefined],
    ['/v2/models/iris/versions/4/ready', 'v2', 'ready', 4, undefined],
    ['/v2/models/iris/versions/4', 'v2', 'metadata', 4, undefined],
  ] as const)('reads %s', (path, protocol, operation, version, label) => {
    const p = parsed(path);
    expect({ protocol: p.protocol, operation: p.operation, version: p.version, label: p.label }).toEqual({
      protocol,
      operation,
      version,
      label,
    });
  });

  it('takes POST for inference and GET or HEAD for the rest', () => {
    expect(parsed('/v1/models/iris:predict').methods).toEqual(['POST']);
    expect(parsed('/v2/models/iris/infer').inference).toBe(true);
    expect(parsed('/v1/models/iris/metadata').methods).toEqual(['GET', 'HEAD']);
    expect(parsed('/v2/models/iris/ready').inference).toBe(false);
  });

  it('serves the V2 health calls for any model, without a version', () => {
    const health = parsed('/v2/health/ready');
    expect(health).toMatchObject({ operation: 'health-ready', modelScoped: false });
    expect(upstreamPath(health, 'iris', undefined)).toBe('/v2/health/ready');
    expect(parsed('/v2/health/live').operation).toBe('health-live');
  });

  it.each([
    ['/v1/models/other:predict', 'another model'],
    ['/v2/models/other/infer', 'another model'],
    ['/v1/models/iris/versions/v2:predict', 'integers'],
    ['/v1/models/iris/versions/-1', 'integers'],
    ['/v2/repository/models/iris/load', 'No such'],
    ['/v2/repository/index', 'No such'],
    ['/v1/models/iris:explain', 'No such'],
    ['/v1/models/iris/versions/1/labels/x', 'No such'],
    ['/v3/models/iris', 'No such'],
    ['', 'No such'],
  ])('refuses %s', (path, detail) => {
    const result = parseGatewayPath(path, 'iris');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.detail).toContain(detail);
  });

  it('compares the model name decoded', () => {
    expect(parsed('/v1/models/my%2Dmodel:predict', 'my-model').operation).toBe('predict');
  });

  it('keeps the query apart', () => {
    expect(parsed('/v1/models/iris:predict?a=1&b=2').query).toBe('?a=1&b=2');
  });
});

describe('upstreamPath', () => {
  it.each([
    ['/v1/models/iris:predict', 3, '/v1/models/iris/versions/3:predict'],
    ['/v1/models/iris/labels/canary:classify', 7, '/v1/models/iris/versions/7:classify'],
    ['/v1/models/iris', 3, '/v1/models/iris/versions/3'],
    ['/v1/models/iris/metadata?x=1', 3, '/v1/models/iris/versions/3/metadata?x=1'],
    ['/v2/models/iris/infer', 3, '/v2/models/iris/versions/3/infer'],
    ['/v2/models/iris/ready', 3, '/v2/models/iris/versions/3/ready'],
    ['/v2/models/iris', 3, '/v2/models/iris/versions/3'],
    ['/v2/models/iris/versions/5/infer', 5, '/v2/models/iris/versions/5/infer'],
  ])('sends %s for version %i as %s', (path, version, expected) => {
    expect(upstreamPath(parsed(path), 'iris', version)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { BackendRegistry, type BackendState } from './backend-registry.js';
import { StaticEndpointSource } from './static-endpoint-source.js';

function setUp() {
  const source = new StaticEndpointSource();
  const released: string[] = [];
  const registry = new BackendRegistry(source, (origin) => released.push(origin));
  return { source, released, registry };
}

describe('BackendRegistry', () => {
  it('follows the source and keeps a backend state across updates', () => {
    const { source, registry } = setUp();
    source.set('m', [{ id: 'a', url: 'http://10.0.0.1:8080', versions: [1] }]);
    const a = registry.backends('m')[0] as BackendState;
    expect(a).toMatchObject({
      id: 'a',
      origin: 'http://10.0.0.1:8080',
      host: '10.0.0.1:8080',
      versions: [1],
    });
    registry.acquire(a);
    source.set('m', [
      { id: 'a', url: 'http://10.0.0.1:8080', versions: [1, 2] },
      { id: 'b', url: 'http://10.0.0.2:8080' },
    ]);
    const after = registry.backends('m');
    expect(after.map((b) => b.id)).toEqual(['a', 'b']);
    expect(after[0]).toBe(a);
    expect(after[0]?.outstanding).toBe(1);
    expect(after[0]?.versions).toEqual([1, 2]);
  });

  it('closes the pool of a backend that left at once when idle, or after its last request', () => {
    const { source, released, registry } = setUp();
    source.set('m', [
      { id: 'a', url: 'http://10.0.0.1:8080' },
      { id: 'b', url: 'http://10.0.0.2:8080' },
    ]);
    const a = registry.backends('m')[0] as BackendState;
    registry.acquire(a);
    source.set('m', []);
    expect(registry.backends('m')).toEqual([]);
    expect(released).toEqual(['http://10.0.0.2:8080']);
    registry.release(a);
    expect(released).toEqual(['http://10.0.0.2:8080', 'http://10.0.0.1:8080']);
  });

  it('keeps a pool two models share until neither uses it', () => {
    const { source, released, registry } = setUp();
    source.set('m', [{ id: 'a', url: 'http://10.0.0.1:8080' }]);
    source.set('n', [{ id: 'a', url: 'http://10.0.0.1:8080' }]);
    registry.backends('m');
    registry.backends('n');
    source.set('m', []);
    expect(released).toEqual([]);
    source.set('n', []);
    expect(released).toEqual(['http://10.0.0.1:8080']);
  });

  it('ignores changes of models it was never asked about, and stops following on close', () => {
    const { source, released, registry } = setUp();
    source.set('m', [{ id: 'a', url: 'http://10.0.0.1:8080' }]);
    source.set('m', []);
    expect(released).toEqual([]);
    source.set('m', [{ id: 'a', url: 'http://10.0.0.1:8080' }]);
    expect(registry.backends('m')).toHaveLength(1);
    registry.close();
    source.set('m', []);
    expect(registry.backends('m')).toHaveLength(1);
  });
});

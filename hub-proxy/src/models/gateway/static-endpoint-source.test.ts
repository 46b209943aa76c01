import { describe, expect, it } from 'vitest';
import { StaticEndpointSource } from './static-endpoint-source.js';

describe('StaticEndpointSource', () => {
  it('sets, adds and removes endpoints, telling listeners each time', () => {
    const source = new StaticEndpointSource();
    const heard: string[] = [];
    const stop = source.subscribe((model) => heard.push(model));
    source.set('m', [{ id: 'a', url: 'http://127.0.0.1:1' }]);
    source.add('m', { id: 'b', url: 'http://127.0.0.1:2' });
    source.add('m', { id: 'a', url: 'http://127.0.0.1:3' });
    expect(source.endpoints('m')).toEqual([
      { id: 'b', url: 'http://127.0.0.1:2' },
      { id: 'a', url: 'http://127.0.0.1:3' },
    ]);
    source.remove('m', 'b');
    source.remove('m', 'absent');
    expect(source.endpoints('m').map((e) => e.id)).toEqual(['a']);
    expect(heard).toEqual(['m', 'm', 'm', 'm']);
    stop();
    source.set('m', []);
    expect(heard).toHaveLength(4);
    expect(source.endpoints('m')).toEqual([]);
    expect(source.endpoints('unknown')).toEqual([]);
  });
});

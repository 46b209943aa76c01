import type { KubernetesObject, V1EndpointSlice, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  matchesLabels,
  parseLabelSelector,
  type InformerEventType,
  type InformerListener,
  type LabelSelectorInput,
} from '../../k8s/index.js';
import { EndpointSliceSource, type CacheView } from './endpoint-slice-source.js';

/**
 * The mapping from slices and pods to endpoints, over an in-memory store
 * with the informer cache's read and event calls. The same source against
 * the real apiserver, controller-manager and kwok is in
 * tests/integration/models-kubernetes.test.ts.
 */
class MemoryCache<T extends KubernetesObject> implements CacheView<T> {
  private readonly objects = new Map<string, T>();
  private readonly listeners: Record<InformerEventType, Set<InformerListener<T>>> = {
    add: new Set(),
    update: new Set(),
    delete: new Set(),
  };

  on(event: InformerEventType, listener: InformerListener<T>): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  get(name: string, namespace = 'models'): T | undefined {
    return this.objects.get(`${namespace}/${name}`);
  }

  list(filter: { labelSelector?: LabelSelectorInput } = {}): T[] {
    const requirements = filter.labelSelector === undefined ? [] : parseLabelSelector(filter.labelSelector);
    return [...this.objects.values()].filter((o) => matchesLabels(requirements, o.metadata?.labels));
  }

  put(object: T): void {
    const key = `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
    const previous = this.objects.get(key);
    this.objects.set(key, object);
    for (const listener of this.listeners[previous ? 'update' : 'add']) listener(object, previous);
  }

  remove(object: T): void {
    this.objects.delete(`${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`);
    for (const listener of this.listeners.delete) listener(object);
  }
}

function pod(name: string, versions: string, model = 'ctr'): V1Pod {
  return {
    metadata: {
      name,
      namespace: 'models',
      uid: `uid-${name}`,
      labels: { 'turing.dev/model': model, 'turing.dev/model-versions': versions },
    },
  };
}

function slice(
  name: string,
  endpoints: { pod: string; ip: string; ready?: boolean; hostname?: string }[],
  options: { model?: string; service?: string; port?: string; addressType?: string } = {},
): V1EndpointSlice {
  const model = options.model ?? 'ctr';
  return {
    metadata: {
      name,
      namespace: 'models',
      labels: {
        'turing.dev/model': model,
        'kubernetes.io/service-name': options.service ?? `model-${model}`,
      },
    },
    addressType: options.addressType ?? 'IPv4',
    ports: [{ name: options.port ?? 'http', port: 8080, protocol: 'TCP' }],
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: e.ready === undefined ? {} : { ready: e.ready },
      ...(e.hostname ? { hostname: e.hostname } : {}),
      targetRef: { kind: 'Pod', name: e.pod, namespace: 'models', uid: `uid-${e.pod}` },
    })),
  };
}

function source() {
  const slices = new MemoryCache<V1EndpointSlice>();
  const pods = new MemoryCache<V1Pod>();
  const endpoints = new EndpointSliceSource({ endpointSlices: slices, pods });
  const heard: string[] = [];
  endpoints.subscribe((model) => heard.push(model));
  return { slices, pods, endpoints, heard };
}

describe('EndpointSliceSource', () => {
  it('offers only endpoints marked ready, with the versions of the pod behind each', () => {
    const { slices, pods, endpoints } = source();
    pods.put(pod('a', '1.2'));
    pods.put(pod('b', '1.2'));
    pods.put(pod('c', '1.2'));
    slices.put(
      slice('model-ctr-x1', [
        { pod: 'b', ip: '10.0.0.7', ready: true },
        { pod: 'a', ip: '10.0.0.6', ready: true },
        { pod: 'c', ip: '10.0.0.8', ready: false },
      ]),
    );
    expect(endpoints.endpoints('ctr')).toEqual([
      { id: 'a', url: 'http://10.0.0.6:8080', versions: [1, 2] },
      { id: 'b', url: 'http://10.0.0.7:8080', versions: [1, 2] },
    ]);
  });

  it('sends nothing to an endpoint whose readiness is unknown, or whose pod it cannot see yet', () => {
    const { slices, pods, endpoints, heard } = source();
    slices.put(
      slice('model-ctr-x1', [
        { pod: 'a', ip: '10.0.0.6' },
        { pod: 'b', ip: '10.0.0.7', ready: true },
      ]),
    );
    pods.put(pod('a', '1'));
    expect(endpoints.endpoints('ctr')).toEqual([]);
    expect(heard).toEqual([]);
    // The pod arrives after its slice: the endpoint appears then.
    pods.put(pod('b', '3'));
    expect(endpoints.endpoints('ctr')).toEqual([{ id: 'b', url: 'http://10.0.0.7:8080', versions: [3] }]);
    expect(heard).toEqual(['ctr']);
  });

  it('takes the versions from the endpoint hostname while its pod is not cached yet', () => {
    const { slices, endpoints } = source();
    slices.put(
      slice('model-ctr-x1', [
        { pod: 'new', ip: '10.0.0.9', ready: true, hostname: 'v1-2' },
        { pod: 'odd', ip: '10.0.0.10', ready: true, hostname: 'web-0' },
      ]),
    );
    expect(endpoints.endpoints('ctr')).toEqual([
      { id: 'new', url: 'http://10.0.0.9:8080', versions: [1, 2] },
    ]);
  });

  it('tells listeners once per real change, and follows a pod relabelled with new versions', () => {
    const { slices, pods, endpoints, heard } = source();
    pods.put(pod('a', '1'));
    slices.put(slice('model-ctr-x1', [{ pod: 'a', ip: '10.0.0.6', ready: true }]));
    slices.put(slice('model-ctr-x1', [{ pod: 'a', ip: '10.0.0.6', ready: true }]));
    expect(heard).toEqual(['ctr']);
    pods.put(pod('a', '1.2'));
    expect(endpoints.endpoints('ctr')[0]?.versions).toEqual([1, 2]);
    expect(heard).toEqual(['ctr', 'ctr']);
    slices.put(slice('model-ctr-x1', [{ pod: 'a', ip: '10.0.0.6', ready: false }]));
    expect(endpoints.endpoints('ctr')).toEqual([]);
    expect(heard).toEqual(['ctr', 'ctr', 'ctr']);
  });

  it('merges a model’s slices and ignores other Services, FQDN slices and slices without an http port', () => {
    const { slices, pods, endpoints } = source();
    pods.put(pod('a', '1'));
    pods.put(pod('b', '1'));
    pods.put(pod('z', '1', 'other'));
    slices.put(slice('model-ctr-x1', [{ pod: 'a', ip: '10.0.0.6', ready: true }]));
    slices.put(slice('model-ctr-x2', [{ pod: 'b', ip: 'fd00::7', ready: true }], { addressType: 'IPv6' }));
    slices.put(slice('foreign', [{ pod: 'z', ip: '10.0.0.9', ready: true }], { service: 'somebody-else' }));
    slices.put(slice('fqdn', [{ pod: 'a', ip: 'a.example', ready: true }], { addressType: 'FQDN' }));
    slices.put(slice('grpc', [{ pod: 'a', ip: '10.0.0.6', ready: true }], { port: 'grpc' }));
    expect(endpoints.endpoints('ctr')).toEqual([
      { id: 'a', url: 'http://10.0.0.6:8080', versions: [1] },
      { id: 'b', url: 'http://[fd00::7]:8080', versions: [1] },
    ]);
    expect(endpoints.endpoints('other')).toEqual([]);
  });

  it('forgets a model whose slices are deleted', () => {
    const { slices, pods, endpoints, heard } = source();
    pods.put(pod('a', '1'));
    const only = slice('model-ctr-x1', [{ pod: 'a', ip: '10.0.0.6', ready: true }]);
    slices.put(only);
    slices.remove(only);
    expect(endpoints.endpoints('ctr')).toEqual([]);
    expect(endpoints.models()).toEqual([]);
    expect(heard).toEqual(['ctr', 'ctr']);
  });
});

import { describe, expect, it } from 'vitest';

import { readCookie } from './cookies';
import { EventStreamParser } from './sse';
import type { HubContext } from './urls';
import { hubBaseUrl, hubLoginUrl, serviceUrl, userServerUrl } from './urls';

const hub: HubContext = {
  hubHost: '',
  hubPrefix: '/hub/',
  baseUrl: '/user/alice/',
  user: 'alice',
  serverName: '',
};

describe('urls', () => {
  it('derives the service URL from the hub prefix, not the server base URL', () => {
    expect(hubBaseUrl(hub)).toBe('/');
    expect(serviceUrl(hub)).toBe('/services/turing/');
    expect(serviceUrl({ ...hub, hubPrefix: '/jh/hub/', baseUrl: '/jh/user/alice/' }, 'tx')).toBe(
      '/jh/services/tx/',
    );
    expect(serviceUrl({ ...hub, hubHost: 'https://hub.example', hubPrefix: '/hub' })).toBe(
      'https://hub.example/services/turing/',
    );
  });

  it('uses the server base URL outside JupyterHub', () => {
    expect(serviceUrl({ ...hub, hubPrefix: '', baseUrl: '/lab-root/' })).toBe('/lab-root/services/turing/');
  });

  it('builds login and user-server URLs', () => {
    expect(hubLoginUrl(hub, '/user/alice/lab?x=1')).toBe('/hub/login?next=%2Fuser%2Falice%2Flab%3Fx%3D1');
    expect(userServerUrl(hub, '')).toBe('/user/alice/');
    expect(userServerUrl(hub, 'gpu-1')).toBe('/user/alice/gpu-1/');
    expect(userServerUrl({ ...hub, user: 'a@b.c' }, 'x y')).toBe('/user/a%40b.c/x%20y/');
  });
});

describe('readCookie', () => {
  it('finds a cookie by exact name and decodes it', () => {
    expect(readCookie('x-turing-xsrf=no; turing-xsrf=a%3Db; other=1', 'turing-xsrf')).toBe('a=b');
    expect(readCookie('turing-xsrf=', 'turing-xsrf')).toBe('');
    expect(readCookie('a=1; b', 'turing-xsrf')).toBeUndefined();
    expect(readCookie('turing-xsrf=%E0%A4%A', 'turing-xsrf')).toBe('%E0%A4%A');
  });
});

describe('EventStreamParser', () => {
  it('joins multi-line data, ignores comments and other fields, handles split CRLF', () => {
    const seen: string[] = [];
    const parser = new EventStreamParser((d) => seen.push(d));
    parser.push('event: progress\nid: 1\ndata: a\ndata:b\r');
    parser.push('\n\r\n: comment\n\ndata\n\n');
    parser.push('data: unterminated');
    parser.end();
    expect(seen).toEqual(['a\nb', '']);
  });
});

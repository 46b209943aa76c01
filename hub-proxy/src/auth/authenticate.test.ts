import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../http/errors.js';
import { readCredential, wantsLoginRedirect } from './authenticate.js';

function fakeRequest(method: string, headers: Record<string, string>): Request {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, headers: lower, get: (name: string) => lower[name.toLowerCase()] } as unknown as Request;
}

describe('silent-login rule', () => {
  it('redirects a same-origin browser fetch and a browser navigation without credentials', () => {
    expect(
      wantsLoginRedirect(fakeRequest('GET', { 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'cors' })),
    ).toBe(true);
    expect(
      wantsLoginRedirect(fakeRequest('GET', { 'Sec-Fetch-Site': 'none', 'Sec-Fetch-Mode': 'navigate' })),
    ).toBe(true);
    expect(wantsLoginRedirect(fakeRequest('HEAD', { Accept: 'text/html,application/xhtml+xml' }))).toBe(true);
  });

  it('gives scripts, cross-site requests and writes a 401 instead', () => {
    expect(wantsLoginRedirect(fakeRequest('GET', { Accept: '*/*' }))).toBe(false);
    expect(
      wantsLoginRedirect(fakeRequest('GET', { Accept: 'application/json', 'Sec-Fetch-Mode': 'cors' })),
    ).toBe(false);
    expect(
      wantsLoginRedirect(fakeRequest('GET', { 'Sec-Fetch-Site': 'cross-site', Accept: 'text/html' })),
    ).toBe(false);
    expect(wantsLoginRedirect(fakeRequest('POST', { 'Sec-Fetch-Site': 'same-origin' }))).toBe(false);
    expect(
      wantsLoginRedirect(fakeRequest('GET', { 'Sec-Fetch-Site': 'same-origin', Authorization: 'token x' })),
    ).toBe(false);
  });
});

describe('readCredential', () => {
  it('takes "token" and "Bearer" Authorization headers, case-insensitively', () => {
    expect(readCredential(fakeRequest('GET', { Authorization: 'token abc' }), 'c')).toEqual({
      token: 'abc',
      via: 'token',
    });
    expect(readCredential(fakeRequest('GET', { Authorization: 'bearer abc' }), 'c')).toEqual({
      token: 'abc',
      via: 'token',
    });
  });

  it('prefers the Authorization header over the cookie, and falls back to the cookie', () => {
    expect(readCredential(fakeRequest('GET', { Authorization: 'Bearer h', Cookie: 'c=k' }), 'c')?.via).toBe(
      'token',
    );
    expect(readCredential(fakeRequest('GET', { Cookie: 'other=1; c=k' }), 'c')).toEqual({
      token: 'k',
      via: 'cookie',
    });
    expect(readCredential(fakeRequest('GET', {}), 'c')).toBeUndefined();
  });

  it('rejects a malformed Authorization header rather than ignoring it', () => {
    expect(() => readCredential(fakeRequest('GET', { Authorization: 'Basic dXNlcjpwdw==' }), 'c')).toThrow(
      UnauthorizedError,
    );
  });
});

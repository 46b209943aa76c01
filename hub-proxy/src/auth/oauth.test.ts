import { describe, expect, it } from 'vitest';
import { callbackPath, isSafeNext } from './oauth.js';

describe('OAuth next-URL check', () => {
  it('accepts same-origin relative paths', () => {
    for (const next of ['/', '/services/turing/api/v1/me', '/user/alice/lab?reset=1#x']) {
      expect(isSafeNext(next)).toBe(true);
    }
  });

  it('rejects absolute, protocol-relative and backslash URLs', () => {
    for (const next of [
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
      '',
      'relative',
      '/a\nb',
    ]) {
      expect(isSafeNext(next)).toBe(false);
    }
  });

  it('serves the callback at the path of an absolute callback URL', () => {
    expect(callbackPath('https://hub.example/services/turing/oauth_callback')).toBe(
      '/services/turing/oauth_callback',
    );
    expect(callbackPath('/services/turing/oauth_callback')).toBe('/services/turing/oauth_callback');
  });
});

import { describe, expect, it } from 'vitest';
import { passesCsrf } from './csrf.js';

describe('CSRF double-submit rule', () => {
  it('lets cookie-authenticated reads through without the header', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      expect(passesCsrf({ method, via: 'cookie', cookieValue: undefined, headerValue: undefined })).toBe(
        true,
      );
    }
  });

  it('rejects cookie-authenticated writes without the header, or with a different value', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(passesCsrf({ method, via: 'cookie', cookieValue: 'abc', headerValue: undefined })).toBe(false);
      expect(passesCsrf({ method, via: 'cookie', cookieValue: 'abc', headerValue: 'abd' })).toBe(false);
      expect(passesCsrf({ method, via: 'cookie', cookieValue: undefined, headerValue: 'abc' })).toBe(false);
      expect(passesCsrf({ method, via: 'cookie', cookieValue: '', headerValue: '' })).toBe(false);
    }
  });

  it('accepts a cookie-authenticated write whose header echoes the cookie', () => {
    expect(passesCsrf({ method: 'POST', via: 'cookie', cookieValue: 'abc', headerValue: 'abc' })).toBe(true);
  });

  it('exempts token-authenticated writes', () => {
    expect(
      passesCsrf({ method: 'DELETE', via: 'token', cookieValue: undefined, headerValue: undefined }),
    ).toBe(true);
  });
});

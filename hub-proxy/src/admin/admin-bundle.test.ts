import { describe, expect, it } from 'vitest';
import { contentTypeOf, isHashedName } from './admin-bundle.js';

describe('isHashedName', () => {
  it("recognises vite's content-hashed file names", () => {
    expect(isHashedName('index-Bq3xK9aZ.js')).toBe(true);
    expect(isHashedName('vendor-react-D4f_a-1x.css')).toBe(true);
    expect(isHashedName('font.a1b2c3d4.woff2')).toBe(true);
  });

  it('does not take ordinary words for hashes', () => {
    expect(isHashedName('logo.svg')).toBe(false);
    expect(isHashedName('my-component.js')).toBe(false);
    expect(isHashedName('index.html')).toBe(false);
  });
});

describe('contentTypeOf', () => {
  it('names scripts, styles and images by extension, anything else as bytes', () => {
    expect(contentTypeOf('a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('a.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('a.woff2')).toBe('font/woff2');
    expect(contentTypeOf('a.js.map')).toBe('application/json; charset=utf-8');
    expect(contentTypeOf('a.exe')).toBe('application/octet-stream');
  });
});

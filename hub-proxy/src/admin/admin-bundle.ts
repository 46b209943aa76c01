import { readFile, realpath } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

/** Content types of the files a vite build emits; anything else is served as bytes. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/** The content type of a bundle file, by its extension. */
export function contentTypeOf(fileName: string): string {
  return CONTENT_TYPES[extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * True for vite's content-hashed names (`index-B3x_9kQa.js`): a hash segment
 * of 8+ URL-safe characters with a digit or capital, before the extension.
 * Those never change content, so they may be cached for a year.
 */
export function isHashedName(fileName: string): boolean {
  return /[-.](?=[A-Za-z0-9_-]*[0-9A-Z])[A-Za-z0-9_-]{8,}\.[A-Za-z0-9]+$/.test(fileName);
}

/** One file of the bundle, ready to send. */
export interface BundleAsset {
  body: Buffer;
  contentType: string;
  immutable: boolean;
}

/** A path segment that cannot leave its folder or reach a hidden file. */
function isPlainSegment(segment: string): boolean {
  return segment.length > 0 && !segment.startsWith('.') && !/[/\\\0]/.test(segment);
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/**
 * The built admin UI on disk (`index.html` and `assets/`), read on each
 * request so a rebuild shows up without a restart. Asset paths are checked
 * segment by segment and again after resolving links, so nothing outside
 * `assets/` is ever served.
 */
export class AdminBundle {
  constructor(readonly dir: string) {}

  /** The shell page; undefined when the bundle is not built. */
  async indexHtml(): Promise<string | undefined> {
    try {
      return await readFile(join(this.dir, 'index.html'), 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** The file at `assets/<segments...>`; undefined for a missing file or a path that leaves `assets/`. */
  async asset(segments: readonly string[]): Promise<BundleAsset | undefined> {
    if (segments.length === 0 || !segments.every(isPlainSegment)) return undefined;
    try {
      const root = await realpath(join(this.dir, 'assets'));
      const file = await realpath(join(root, ...segments));
      if (!file.startsWith(root + sep)) return undefined;
      const name = segments[segments.length - 1] ?? '';
      return { body: await readFile(file), contentType: contentTypeOf(name), immutable: isHashedName(name) };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }
}

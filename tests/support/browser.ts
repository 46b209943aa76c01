import { isSecretCookie, registerSecret } from './secrets-scan.js';

/** One stored cookie. */
export interface StoredCookie {
  name: string;
  value: string;
  path: string;
  httpOnly: boolean;
  sameSite?: string;
}

/** A response plus every URL visited on the way (the first is the request URL). */
export interface BrowserResponse {
  response: Response;
  chain: string[];
}

/** Options for {@link Browser.fetch}. */
export interface BrowserFetchInit extends RequestInit {
  /** Follow redirects like a browser (default true); cookies are kept at every hop. */
  follow?: boolean;
}

/**
 * A minimal browser for tests: a path-aware cookie jar over `fetch` that
 * follows redirects hop by hop so `Set-Cookie` on intermediate responses is
 * honoured. One origin only (everything runs on 127.0.0.1 behind the hub).
 */
export class Browser {
  private readonly jar = new Map<string, StoredCookie>();

  /** Headers sent on every request and every redirect hop (e.g. `Sec-Fetch-Site`). */
  constructor(private readonly defaultHeaders: Record<string, string> = {}) {}

  async fetch(url: string, init: BrowserFetchInit = {}): Promise<BrowserResponse> {
    const { follow = true, ...rest } = init;
    const chain = [url];
    let current = new URL(url);
    let request: RequestInit = rest;
    for (let hop = 0; hop < 20; hop++) {
      const headers = new Headers({ ...this.defaultHeaders });
      new Headers(request.headers).forEach((v, k) => headers.set(k, v));
      const cookie = this.cookieHeader(current.pathname);
      if (cookie) headers.set('Cookie', cookie);
      const response = await fetch(current, { ...request, headers, redirect: 'manual' });
      this.store(response);
      const location = response.headers.get('location');
      if (location) registerRedirectSecrets(location, current);
      if (!follow || response.status < 300 || response.status >= 400 || !location) return { response, chain };
      await response.body?.cancel();
      current = new URL(location, current);
      chain.push(current.href);
      // 301/302/303 turn into a GET without a body, as browsers do.
      request = { method: 'GET', headers: request.headers };
    }
    throw new Error(`too many redirects: ${chain.join(' -> ')}`);
  }

  /** The cookie called `name`, if any path holds one. */
  cookie(name: string): StoredCookie | undefined {
    return [...this.jar.values()].find((c) => c.name === name);
  }

  cookies(): StoredCookie[] {
    return [...this.jar.values()];
  }

  /** Sets a cookie by hand (e.g. to build a browser holding only one cookie). */
  setCookie(cookie: StoredCookie): void {
    this.jar.set(`${cookie.path} ${cookie.name}`, cookie);
  }

  private cookieHeader(path: string): string {
    return [...this.jar.values()]
      .filter((c) => pathMatches(path, c.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  private store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const cookie: StoredCookie = {
        name: pair.slice(0, eq),
        value: pair.slice(eq + 1),
        path: '/',
        httpOnly: false,
      };
      if (isSecretCookie(cookie.name)) registerSecret('cookie', cookie.value);
      let expired = false;
      for (const attribute of attributes) {
        const [key = '', value = ''] = attribute.split('=', 2);
        switch (key.toLowerCase()) {
          case 'path':
            cookie.path = value || '/';
            break;
          case 'httponly':
            cookie.httpOnly = true;
            break;
          case 'samesite':
            cookie.sameSite = value;
            break;
          case 'max-age':
            if (Number(value) <= 0) expired = true;
            break;
          case 'expires':
            if (Date.parse(value) <= Date.now()) expired = true;
            break;
        }
      }
      const key = `${cookie.path} ${cookie.name}`;
      if (expired) this.jar.delete(key);
      else this.jar.set(key, cookie);
    }
  }
}

/** An OAuth redirect carries the authorization code (and state): both are secrets for the scan. */
function registerRedirectSecrets(location: string, base: URL): void {
  const params = new URL(location, base).searchParams;
  registerSecret('oauth-code', params.get('code'));
  registerSecret('oauth-state', params.get('state'));
}

/** RFC 6265 path-match. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}

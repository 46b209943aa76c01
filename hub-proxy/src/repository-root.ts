import { fileURLToPath } from 'node:url';

/**
 * The repository root (`/app` in the image), where `admin-ui/dist`, `images/`
 * and the local runtimes' files are. Resolved from this module, which sits at
 * the top of `hub-proxy/src` and `hub-proxy/dist`: the bundle the image runs
 * (`dist/hub-proxy.mjs`) is at the same depth, so sources, compiled files and
 * the bundle all find the same root.
 */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * `npm run demo`: starts the local Turing stack on loopback and prints its URL
 * and a ready API token. `--kubernetes` also starts the test control plane
 * (etcd, kube-apiserver, controllers, kwok) and points hub-proxy at it.
 * Ctrl-C stops every process it started.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ControlPlane } from '../tests/support/control-plane.js';
import { waitUntil } from '../tests/support/child-process.js';
import { installCrds } from '../tests/support/crds.js';
import { createNamespace } from '../tests/support/namespaces.js';
import { freePort } from '../tests/support/ports.js';
import { turingHub } from '../tests/support/turing-hub.js';
import type { JupyterHub } from '../tests/support/jupyterhub.js';

const began = Date.now();
const useKubernetes = process.argv.includes('--kubernetes');
const hubProxyMain = fileURLToPath(new URL('../hub-proxy/src/main.ts', import.meta.url));
const stops: Array<() => Promise<void>> = [];

let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function start(): Promise<{ hub: JupyterHub; token: string }> {
  const environment: Record<string, string> = {
    TURING_RUNTIME: 'local',
    // Jobs and their artifacts survive demo restarts, beside the checkout.
    TURING_JOBS_STATE_DIR: fileURLToPath(new URL('../.turing/demo/jobs', import.meta.url)),
    TURING_ARTIFACTS_DIR: fileURLToPath(new URL('../.turing/demo/artifacts', import.meta.url)),
  };
  if (useKubernetes) {
    const controlPlane = new ControlPlane();
    stops.push(() => controlPlane.stop());
    await controlPlane.start();
    await installCrds(controlPlane.kubeconfigPath);
    await createNamespace(controlPlane.kubeconfigPath, 'turing');
    Object.assign(environment, {
      TURING_RUNTIME: 'kubernetes',
      TURING_KUBECONFIG: controlPlane.kubeconfigPath,
      TURING_NAMESPACE: 'turing',
    });
    console.log(`[demo] control plane up; KUBECONFIG=${controlPlane.kubeconfigPath}`);
  }
  const hub = turingHub({
    apiToken: randomBytes(24).toString('hex'),
    url: `http://127.0.0.1:${await freePort()}`,
    // Managed: the hub starts hub-proxy and hands it the JUPYTERHUB_* settings.
    command: [process.execPath, '--import', import.meta.resolve('tsx'), hubProxyMain],
    environment,
  });
  stops.push(() => hub.stop());
  await hub.start();
  await waitUntil('hub-proxy', async () => (await fetch(`${hub.url}/services/turing/readyz`)).ok, {
    timeoutMs: 60_000,
  });
  await hub.createUser('demo');
  return { hub, token: await hub.tokenFor('demo') };
}

try {
  const { hub, token } = await start();
  console.log(`[demo] started in ${((Date.now() - began) / 1000).toFixed(1)} s; logs in ${hub.dir}`);
  console.log(
    `[demo] open ${hub.url}/hub/ and log in with any user name and any password ("admin" is an admin)`,
  );
  console.log(`[demo] try: curl -H "Authorization: token $TOKEN" $URL/services/turing/api/v1/me`);
  console.log(`URL=${hub.url}`);
  console.log(`TOKEN=${token}`);
  console.log('[demo] press Ctrl-C to stop');
} catch (err) {
  console.error(`[demo] failed to start: ${(err as Error).message}`);
  await shutdown(1);
}

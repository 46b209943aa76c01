/**
 * `npm run demo`: starts the local Turing stack on loopback (scripts/demo-stack.ts)
 * and prints its URL, how to log in and a ready API token.
 *
 *   --kubernetes      also start the test control plane and use the kubernetes runtime
 *   --state-dir=DIR   where jobs, artifacts and homes live (default .turing/demo;
 *                     or TURING_DEMO_STATE_DIR)
 *
 * The local job runtime is for one person: the first user to use jobs owns
 * them. TURING_LOCAL_RUNTIME_UNSAFE_MULTIUSER=1 lets every user in (each can
 * then read the others' jobs through their notebooks).
 *
 * Ctrl-C stops every process it started.
 */
import { relative } from 'node:path';
import { DEMO_ADMIN, DemoStack } from './demo-stack.js';

const began = Date.now();
const stateDirArg = process.argv.find((a) => a.startsWith('--state-dir='))?.slice('--state-dir='.length);
const unsafeMultiUser = process.env.TURING_LOCAL_RUNTIME_UNSAFE_MULTIUSER;
const stack = new DemoStack({
  kubernetes: process.argv.includes('--kubernetes'),
  stateDir: stateDirArg ?? process.env.TURING_DEMO_STATE_DIR,
  ...(unsafeMultiUser
    ? { serviceEnvironment: { TURING_LOCAL_RUNTIME_UNSAFE_MULTIUSER: unsafeMultiUser } }
    : {}),
  log: (line) => console.log(`[demo] ${line}`),
});

async function shutdown(code: number): Promise<never> {
  await stack.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  const { hub, opsUrl } = await stack.start();
  await hub.createUser(DEMO_ADMIN);
  const token = await hub.tokenFor(DEMO_ADMIN);
  const seconds = ((Date.now() - began) / 1000).toFixed(1);
  const inCheckout = relative(process.cwd(), stack.stateDir);
  const state = inCheckout && !inCheckout.startsWith('..') ? inCheckout : stack.stateDir;
  console.log(`[demo] started in ${seconds} s; jobs and homes in ${state}, hub logs in ${hub.dir}`);
  console.log(`[demo] open ${hub.url}/hub/login and log in with any user name and any password`);
  console.log(
    `[demo]   ("${DEMO_ADMIN}" is a Turing admin: ${hub.url}/services/turing/admin/); JupyterLab opens with the Turing panels.`,
  );
  console.log(`[demo] hub-proxy readiness and metrics: ${opsUrl}/readyz and ${opsUrl}/metrics`);
  if (!process.argv.includes('--kubernetes') && !unsafeMultiUser) {
    console.log(
      '[demo] jobs run on this machine as you: the first user to use them owns them (see docs/operations.md).',
    );
  }
  console.log('[demo] try the example: open ctr-report.ipynb, press Schedule, change a parameter, Schedule.');
  console.log(
    `[demo] API as user "demo": curl -H "Authorization: token $TOKEN" $URL/services/turing/api/v1/me`,
  );
  console.log(`URL=${hub.url}`);
  console.log(`TOKEN=${token}`);
  console.log('[demo] press Ctrl-C to stop');
} catch (err) {
  console.error(`[demo] failed to start: ${(err as Error).message}`);
  await shutdown(1);
}

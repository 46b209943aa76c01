/**
 * `npm run demo`: starts the local Turing stack on loopback and prints its URL.
 * Ctrl-C stops every process it started.
 */
import { JupyterHub } from '../tests/support/jupyterhub.js';

const began = Date.now();
const hub = new JupyterHub({ adminUsers: ['admin'] });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n[demo] ${signal}: stopping`);
  await hub.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  await hub.start();
} catch (err) {
  console.error(`[demo] JupyterHub failed to start: ${String(err)}`);
  await hub.stop({ keepFiles: true });
  process.exit(1);
}
console.log(`[demo] started in ${((Date.now() - began) / 1000).toFixed(1)} s; hub log: ${hub.logFile}`);
console.log('[demo] log in with any user name and any password (DummyAuthenticator); "admin" is an admin.');
console.log(`URL=${hub.url}/hub/`);
console.log('[demo] press Ctrl-C to stop');

/**
 * One leader-election candidate as its own OS process, for tests that kill -9
 * the leader. Usage:
 *   tsx lease-candidate.ts <kubeconfig> <namespace> <lease> <identity> <leaseSeconds> <retryMs>
 * Prints one JSON line per event on stdout: {"event":"leading"|"stopped"|"released","identity","at"}.
 * SIGTERM releases the lease and exits.
 */
import { LeaderElector, createKubeClients } from '../../hub-proxy/src/k8s/index.js';

const [kubeconfigPath, namespace, leaseName, identity, leaseSeconds, retryMs] = process.argv.slice(2);
if (!kubeconfigPath || !namespace || !leaseName || !identity) {
  console.error(
    'usage: lease-candidate.ts <kubeconfig> <namespace> <lease> <identity> [leaseSeconds] [retryMs]',
  );
  process.exit(2);
}
const leaseDurationSeconds = Number(leaseSeconds ?? 3);
const retryPeriodMs = Number(retryMs ?? 250);

const report = (event: string): void => {
  process.stdout.write(`${JSON.stringify({ event, identity, at: Date.now() })}\n`);
};

const elector = new LeaderElector({
  clients: createKubeClients({ kubeconfigPath, namespace }),
  leaseName,
  identity,
  leaseDurationSeconds,
  renewDeadlineMs: Math.floor(leaseDurationSeconds * 1000 * 0.66),
  retryPeriodMs,
  renewIntervalMs: Math.floor((leaseDurationSeconds * 1000) / 6),
  onStartedLeading: () => report('leading'),
  onStoppedLeading: () => report('stopped'),
});
process.once('SIGTERM', () => {
  void elector.release().then((released) => {
    report(released ? 'released' : 'not-released');
    process.exit(0);
  });
});
report('started');
elector.start();

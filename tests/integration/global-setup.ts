import type { TestProject } from 'vitest/node';
import { ControlPlane } from '../support/control-plane.js';
import { installCrds } from '../support/crds.js';
import {
  describeLeaks,
  removeSecretsScan,
  scanForSecrets,
  startSecretsScan,
} from '../support/secrets-scan.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfigPath: string;
  }
}

/**
 * Starts one real control plane (with Turing's CRDs) for the integration run
 * and stops it afterwards; then scans every log the run captured for the
 * secrets it minted (tests/support/secrets-scan.ts) and fails the run on a hit.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Before anything starts: the workers and every child process inherit the directory.
  const scanDir = startSecretsScan();
  const controlPlane = new ControlPlane();
  try {
    await controlPlane.start();
    // As `helm install` does: the chart's CRDs exist before hub-proxy starts.
    await installCrds(controlPlane.kubeconfigPath);
  } catch (err) {
    await controlPlane.stop({ keepFiles: true });
    removeSecretsScan(scanDir);
    throw err;
  }
  const t = controlPlane.timings;
  console.log(
    `[control-plane] ready in ${t.total} ms (etcd ${t.etcd} ms, kube-apiserver ${t.kubeApiserver} ms, ` +
      `fake nodes ${t.nodes} ms); logs in ${controlPlane.dir}`,
  );
  project.provide('kubeconfigPath', controlPlane.kubeconfigPath);
  return async () => {
    await controlPlane.stop();
    checkLogsForSecrets(scanDir);
  };
}

/**
 * A throw from a global teardown does not fail a Vitest run (it is printed
 * as "error during close" and the exit code stays 0), so a leak sets the
 * exit code itself.
 */
function checkLogsForSecrets(dir: string): void {
  const { secrets, files, bytes, leaks } = scanForSecrets(dir);
  const scope = `${secrets} secrets in ${files} log files (${(bytes / 1e6).toFixed(1)} MB)`;
  if (leaks.length === 0) {
    console.log(`[secrets-scan] no secret in any log: ${scope}`);
    removeSecretsScan(dir);
    return;
  }
  console.error(
    `[secrets-scan] FAILED: ${leaks.length} secret(s) found in logs (${scope}); kept in ${dir}\n` +
      describeLeaks(leaks),
  );
  process.exitCode = 1;
}

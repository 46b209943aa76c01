import type { TestProject } from 'vitest/node';
import { ControlPlane } from '../support/control-plane.js';
import { installCrds } from '../support/crds.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfigPath: string;
  }
}

/** Starts one real control plane (with Turing's CRDs) for the integration run and stops it afterwards. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const controlPlane = new ControlPlane();
  try {
    await controlPlane.start();
    // As `helm install` does: the chart's CRDs exist before hub-proxy starts.
    await installCrds(controlPlane.kubeconfigPath);
  } catch (err) {
    await controlPlane.stop({ keepFiles: true });
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
  };
}

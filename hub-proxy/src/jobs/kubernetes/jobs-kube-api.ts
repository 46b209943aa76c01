import type { KubernetesObject, V1CronJob, V1Job, V1Secret } from '@kubernetes/client-node';
import {
  NOTEBOOK_JOB_API_VERSION,
  NOTEBOOK_JOB_GROUP,
  NOTEBOOK_JOB_KIND,
  NOTEBOOK_JOB_PLURAL,
  type NotebookJob,
} from '../model.js';
import {
  GroupedResourceClient,
  OwnedResourceStore,
  type KubeClients,
  type OwnedResourceType,
} from '../../k8s/index.js';

/** The NotebookJob custom resource as the stores and caches address it. */
export const NOTEBOOK_JOB_RESOURCE: OwnedResourceType & { group: string } = {
  group: NOTEBOOK_JOB_GROUP,
  version: NOTEBOOK_JOB_API_VERSION.split('/')[1] ?? 'v1alpha1',
  plural: NOTEBOOK_JOB_PLURAL,
  kind: NOTEBOOK_JOB_KIND,
  apiVersion: NOTEBOOK_JOB_API_VERSION,
};

/**
 * The Kubernetes resources the jobs runtime works on, in the clients'
 * namespace. NotebookJobs are handled as plain `KubernetesObject`s (client-node's
 * metadata types say `Date` where the API sends strings) and turned into
 * {@link NotebookJob}s with {@link asNotebookJob}.
 */
export interface JobsKubeApi {
  readonly clients: KubeClients;
  /** NotebookJob objects, for create/replace (resourceVersion-checked) and delete. */
  readonly definitions: OwnedResourceStore<KubernetesObject>;
  /** NotebookJob objects, raw JSON, with status merge patches. */
  readonly notebookJobs: GroupedResourceClient<KubernetesObject>;
  /** batch/v1 Jobs (one per run). */
  readonly jobs: GroupedResourceClient<V1Job>;
  /** batch/v1 CronJobs (one per scheduled NotebookJob). */
  readonly cronJobs: GroupedResourceClient<V1CronJob>;
  /** Runner Secrets (one per NotebookJob). */
  readonly secrets: OwnedResourceStore<V1Secret>;
}

/** Binds the resources to `clients`. */
export function jobsKubeApi(clients: KubeClients): JobsKubeApi {
  return {
    clients,
    definitions: new OwnedResourceStore<KubernetesObject>(clients, NOTEBOOK_JOB_RESOURCE),
    notebookJobs: new GroupedResourceClient<KubernetesObject>(clients, NOTEBOOK_JOB_RESOURCE),
    jobs: new GroupedResourceClient<V1Job>(clients, { group: 'batch', version: 'v1', plural: 'jobs' }),
    cronJobs: new GroupedResourceClient<V1CronJob>(clients, {
      group: 'batch',
      version: 'v1',
      plural: 'cronjobs',
    }),
    secrets: new OwnedResourceStore<V1Secret>(clients, {
      version: 'v1',
      plural: 'secrets',
      kind: 'Secret',
      apiVersion: 'v1',
    }),
  };
}

/**
 * A NotebookJob as API JSON. Typed client-node results may hold `Date`s in
 * metadata; the JSON round trip turns them back into strings.
 */
export function asNotebookJob(object: KubernetesObject): NotebookJob {
  return JSON.parse(JSON.stringify(object)) as NotebookJob;
}

/** The object to send for a NotebookJob (the stores take client-node's object type). */
export function asKubernetesObject(job: NotebookJob): KubernetesObject {
  return job as unknown as KubernetesObject;
}

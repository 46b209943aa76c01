import { Conflict } from '../../hub-proxy/src/errors/index.js';
import type { ModelSpec } from '../../hub-proxy/src/models/model.js';
import {
  MODEL_SERVER_API_VERSION,
  MODEL_SERVER_KIND,
} from '../../hub-proxy/src/models/model-server-schema.js';
import { MODEL_LABELS, modelObjectName } from '../../hub-proxy/src/models/kubernetes/index.js';
import {
  modelSpecFixture,
  versionFixture,
} from '../../hub-proxy/src/models/kubernetes/testing/model-server-fixture.js';
import { JOB_NAME_POD_LABEL, RUNNER_CONTAINER } from '../../hub-proxy/src/jobs/kubernetes/index.js';
import { followPodLog, toKubeError, type KubeError } from '../../hub-proxy/src/k8s/index.js';
import { eventually } from '../support/eventually.js';
import {
  isForbiddenMessage,
  rule,
  type BaseObjects,
  type HubProxyAsServiceAccount,
  type HubProxyOperation,
} from './rbac-hub-proxy.js';

/**
 * Opens the follow stream of `runId`'s pod log as hub-proxy's service
 * account and closes it at once; the refusal if the API server refused, else
 * undefined (kwok's own answer for a pod it serves no log for is not a refusal).
 */
async function followRunPodLog(hp: HubProxyAsServiceAccount, runId: string): Promise<KubeError | undefined> {
  const pods = await hp.admin.core.listNamespacedPod({
    namespace: hp.namespace,
    labelSelector: `${JOB_NAME_POD_LABEL}=${runId}`,
  });
  const pod = pods.items[0]?.metadata?.name;
  if (!pod) throw new Error(`run ${runId} has no pod`);
  const controller = new AbortController();
  try {
    await followPodLog(hp.clients.kubeConfig, {
      namespace: hp.namespace,
      pod,
      container: RUNNER_CONTAINER,
      signal: controller.signal,
    });
    return undefined;
  } catch (err) {
    const error = toKubeError(err);
    return error.kind === 'forbidden' ? error : undefined;
  } finally {
    controller.abort();
  }
}

/** alice's MLServer model serving version 1 on one to two replicas, unless `change` says otherwise. */
export function servedModelSpec(name: string, change: Partial<ModelSpec> = {}): ModelSpec {
  return modelSpecFixture({
    name,
    owner: 'alice',
    replicas: { min: 1, max: 2 },
    versions: [versionFixture(1)],
    ...change,
  });
}

/**
 * The models feature's operations (hub-proxy/src/models/kubernetes/): the
 * ModelServer store, the caches the gateway routes from, the controller's
 * Deployment, Service, PodDisruptionBudget, autoscaler, serving ConfigMaps
 * and status, and pod logs. One per (resource, verb) the Role grants.
 */
export function modelOperations(hp: HubProxyAsServiceAccount, base: BaseObjects): HubProxyOperation[] {
  const { admin, namespace } = hp;
  let model = '';
  let configMap = '';

  const read = (apiVersion: string, kind: string, name: string) => () =>
    admin.objects.read({ apiVersion, kind, metadata: { name, namespace } });
  const hpa = (objectName: string) => read('autoscaling/v2', 'HorizontalPodAutoscaler', objectName);
  const exists = (apiVersion: string, kind: string) => (objectName: string) =>
    hp.exists(read(apiVersion, kind, objectName));

  /** Publishes a new model; resolves once the controller has made `done` (given the object name) hold. */
  const publish = async (done: (objectName: string) => Promise<boolean>, change: Partial<ModelSpec> = {}) => {
    const since = Date.now();
    model = hp.fresh('model');
    await hp.models.create(servedModelSpec(model, change));
    await hp.reconciled(modelObjectName(model), since, () => done(modelObjectName(model)));
  };
  /** A new model with everything applied (the autoscaler comes last). */
  const published = () => publish(exists('autoscaling/v2', 'HorizontalPodAutoscaler'));
  /** As the API's PATCH: read, write at that version, read again after losing to the controller's status write. */
  const updateModel = async (change: Partial<ModelSpec>) => {
    for (let attempt = 1; ; attempt++) {
      const record = await eventually('the model in the cache', 5000, () => hp.models.get(model));
      try {
        await hp.models.update({ ...record.spec, ...change }, record.resourceVersion);
        return;
      } catch (err) {
        if (!(err instanceof Conflict) || attempt === 10) throw err;
      }
    }
  };
  const editModel = async (change: Partial<ModelSpec>, done: () => Promise<boolean>) => {
    const since = Date.now();
    await updateModel(change);
    await hp.reconciled(modelObjectName(model), since, done);
  };
  /** An edit re-applies every object; the autoscaler, applied last, shows the new maximum. */
  const reapplied = () =>
    editModel({ replicas: { min: 1, max: 3 } }, async () => {
      const found = (await hpa(modelObjectName(model))()) as { spec?: { maxReplicas?: number } };
      return found.spec?.maxReplicas === 3;
    });
  const servingConfigs = async () =>
    (
      await admin.core.listNamespacedConfigMap({
        namespace,
        labelSelector: `${MODEL_LABELS.model}=${model},${MODEL_LABELS.role}=serving-config`,
      })
    ).items.map((c) => c.metadata?.name ?? '');
  /**
   * A published model whose `kind` object (as a deleted model's of the same
   * name would be) has no owner: the next apply takes it over.
   */
  const disowned = (apiVersion: string, kind: string) => async () => {
    await published();
    await hp.adminPatch(apiVersion, kind, modelObjectName(model), { metadata: { ownerReferences: null } });
  };
  const freshModel = async () => {
    model = hp.fresh('model');
    await hp.models.create(servedModelSpec(model));
  };

  const modelServers = rule('turing.dev', 'modelservers');
  const deployments = rule('apps', 'deployments');
  const services = rule('', 'services');
  const pdbs = rule('policy', 'poddisruptionbudgets');
  const hpas = rule('autoscaling', 'horizontalpodautoscalers');
  const slices = rule('discovery.k8s.io', 'endpointslices');

  return [
    {
      grant: modelServers('get'),
      name: 'reading a model before the cache syncs',
      run: async () => {
        if (!(await hp.modelRuntime().get(base.servedModel)))
          throw new Error('the served model was not found');
      },
    },
    {
      grant: modelServers('list'),
      name: 'listing models before the cache syncs',
      run: async () => void (await hp.modelRuntime().list()),
    },
    {
      grant: modelServers('watch'),
      name: 'a new replica’s ModelServer cache syncs',
      run: () => hp.follow((hooks) => hp.modelRuntime(undefined, hooks).caches.modelServers),
    },
    {
      grant: modelServers('create'),
      name: 'publishing a model',
      run: async () => void (await hp.models.create(servedModelSpec(hp.fresh('model')))),
    },
    {
      grant: modelServers('update'),
      name: 'editing a model',
      prepare: freshModel,
      run: () => updateModel({ replicas: { min: 1, max: 3 } }),
    },
    {
      grant: modelServers('delete'),
      name: 'deleting a model',
      prepare: freshModel,
      run: () => hp.models.delete(model),
    },
    {
      grant: rule('turing.dev', 'modelservers/status')('patch'),
      name: 'the controller reports a new model’s status',
      run: () =>
        publish(async (name) => {
          const server = (await read(MODEL_SERVER_API_VERSION, MODEL_SERVER_KIND, name)()) as {
            status?: { phase?: string };
          };
          return server.status?.phase !== undefined;
        }),
    },
    {
      grant: rule('turing.dev', 'modelservers/finalizers')('update'),
      name: 'the controller applies a new model’s Service, owned by its ModelServer',
      refusedBy: 'blockOwnerDeletion',
      run: () => publish(exists('v1', 'Service')),
    },

    {
      grant: deployments('list'),
      name: 'a new replica’s model Deployment cache lists',
      run: () => hp.follow((hooks) => hp.modelRuntime(undefined, hooks).caches.deployments),
    },
    {
      grant: deployments('watch'),
      name: 'a new replica’s model Deployment cache syncs',
      run: () => hp.follow((hooks) => hp.modelRuntime(undefined, hooks).caches.deployments),
    },
    {
      grant: deployments('create'),
      name: 'the controller applies a new model’s Deployment',
      run: () => publish(exists('apps/v1', 'Deployment')),
    },
    {
      grant: deployments('patch'),
      name: 'the controller re-applies an edited model’s Deployment',
      prepare: published,
      run: reapplied,
    },
    {
      grant: deployments('delete'),
      name: 'the controller takes over a model’s Deployment it does not own',
      refusedBy: 'ownerReference',
      prepare: disowned('apps/v1', 'Deployment'),
      run: reapplied,
    },
    {
      grant: services('create'),
      name: 'the controller applies a new model’s Service',
      run: () => publish(exists('v1', 'Service')),
    },
    {
      grant: services('patch'),
      name: 'the controller re-applies an edited model’s Service',
      prepare: published,
      run: reapplied,
    },
    {
      grant: services('delete'),
      name: 'the controller takes over a model’s Service it does not own',
      refusedBy: 'ownerReference',
      prepare: disowned('v1', 'Service'),
      run: reapplied,
    },
    {
      grant: pdbs('create'),
      name: 'the controller applies a new model’s PodDisruptionBudget',
      run: () => publish(exists('policy/v1', 'PodDisruptionBudget')),
    },
    {
      grant: pdbs('patch'),
      name: 'the controller re-applies an edited model’s PodDisruptionBudget',
      prepare: published,
      run: reapplied,
    },
    {
      grant: pdbs('delete'),
      name: 'the controller takes over a model’s PodDisruptionBudget it does not own',
      refusedBy: 'ownerReference',
      prepare: disowned('policy/v1', 'PodDisruptionBudget'),
      run: reapplied,
    },
    {
      grant: hpas('create'),
      name: 'the controller applies a new model’s autoscaler',
      run: published,
    },
    {
      grant: hpas('patch'),
      name: 'the controller re-applies an edited model’s autoscaler',
      prepare: published,
      run: reapplied,
    },
    {
      grant: hpas('delete'),
      name: 'the controller removes the autoscaler of a disabled model',
      prepare: published,
      run: () => editModel({ disabled: true }, async () => !(await hp.exists(hpa(modelObjectName(model))))),
    },
    {
      grant: slices('list'),
      name: 'a new replica’s EndpointSlice cache lists',
      run: () => hp.follow((hooks) => hp.modelRuntime(undefined, hooks).caches.endpointSlices),
    },
    {
      grant: slices('watch'),
      name: 'a new replica’s EndpointSlice cache syncs',
      run: () => hp.follow((hooks) => hp.modelRuntime(undefined, hooks).caches.endpointSlices),
    },
    {
      grant: rule('', 'pods/log')('get'),
      name: 'reading a model’s logs and following a run’s live log',
      run: async () => {
        // The jobs' live log follows the run pod's runner container, as RunPodLogs opens it.
        const runLog = await followRunPodLog(hp, base.runId);
        // hub-proxy puts a pod's unreadable log in its section; kwok serves no log in this namespace, so a readable one fails later.
        const text = await hp.models.logs(base.servedModel, 5);
        const modelRefused = isForbiddenMessage(text);
        if (runLog && modelRefused) throw runLog;
        if (runLog || modelRefused) {
          throw new Error(`only one of the two pods/log reads was refused: ${runLog?.message ?? text}`);
        }
        if (!text.startsWith('[')) throw new Error(`no log section: ${text}`);
      },
    },
    {
      grant: rule('', 'configmaps')('delete'),
      name: 'the controller deletes a serving config no pod mounts any more',
      prepare: async () => {
        // Disabled: scaled to zero, so once its pod is gone nothing mounts the config.
        const configured = async (name: string) =>
          (await servingConfigs()).length === 1 && (await exists('apps/v1', 'Deployment')(name));
        await publish(configured, { disabled: true });
        [configMap = ''] = await servingConfigs();
        await eventually('no pod of the disabled model', 20_000, async () => {
          const pods = await admin.core.listNamespacedPod({
            namespace,
            labelSelector: `${MODEL_LABELS.model}=${model}`,
          });
          return pods.items.length === 0 || undefined;
        });
      },
      run: () =>
        editModel(
          { versions: [versionFixture(2)], traffic: { stable: 2, canaryPercent: 0 } },
          async () => !(await servingConfigs()).includes(configMap),
        ),
    },
  ];
}

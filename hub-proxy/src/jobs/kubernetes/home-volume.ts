import type { V1EnvVar, V1Pod, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { NotebookJob } from '../model.js';
import { expandUserTemplate, ownerJupyterPath, type HomeVolumeSettings } from '../owner-home.js';
import { ANNOTATIONS } from '../../ownership/labels.js';

/**
 * The run owner's home volume in a run pod (`jobs.homeVolume`): KubeSpawner's
 * per-user PVC, mounted where the user's server mounts it, so the absolute
 * interpreter paths in their kernelspecs (`/home/jovyan/.conda/envs/<env>/bin/python`)
 * resolve, and `JUPYTER_PATH` pointing at its kernelspecs. HOME stays the
 * scratch volume: Jupyter's runtime files and caches need a writable place.
 *
 * The claim is usually ReadWriteOnce: a pod on another node than the user's
 * running server cannot attach it and waits (docs/jobs.md). A claim that does
 * not exist is turned into a failed run by {@link missingClaimOf}'s watcher.
 */

/** Name of the home volume in the run pod. */
export const HOME_VOLUME_NAME = 'home';

/** What the run pod gets for the owner's home. */
export interface HomeMount {
  claimName: string;
  volume: V1Volume;
  mount: V1VolumeMount;
  env: V1EnvVar[];
}

/** The owner's raw hub name, as the jobs service stamps it. */
function ownerName(job: NotebookJob): string {
  const owner = job.metadata.annotations?.[ANNOTATIONS.ownerName];
  if (!owner) throw new Error(`NotebookJob ${job.metadata.name ?? '?'} has no owner annotation`);
  return owner;
}

/** The claim KubeSpawner made for the owner of `job`'s default server. */
export function homeClaimName(
  job: NotebookJob,
  settings: Pick<HomeVolumeSettings, 'claimNameTemplate'>,
): string {
  return expandUserTemplate(settings.claimNameTemplate, ownerName(job));
}

/** The volume, mount and environment that give a run of `job` its owner's home. */
export function homeMount(job: NotebookJob, settings: HomeVolumeSettings): HomeMount {
  const claimName = homeClaimName(job, settings);
  return {
    claimName,
    volume: {
      name: HOME_VOLUME_NAME,
      persistentVolumeClaim: { claimName, ...(settings.readOnly ? { readOnly: true } : {}) },
    },
    mount: { name: HOME_VOLUME_NAME, mountPath: settings.mountPath, readOnly: settings.readOnly },
    env: [{ name: 'JUPYTER_PATH', value: ownerJupyterPath(settings.mountPath) }],
  };
}

/** The kube-scheduler's words for a pod whose claim is missing (volumebinding plugin). */
const CLAIM_NOT_FOUND = /persistentvolumeclaim "([^"]+)" not found/;

/**
 * The claim a pending pod waits for in vain: the scheduler marked it
 * Unschedulable because a PersistentVolumeClaim it mounts does not exist.
 * Undefined for every other pod, including one merely waiting for GPUs.
 */
export function missingClaimOf(pod: V1Pod): string | undefined {
  if (pod.status?.phase !== 'Pending' || pod.metadata?.deletionTimestamp) return undefined;
  const scheduled = pod.status.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status !== 'False' || scheduled.reason !== 'Unschedulable') return undefined;
  const claim = CLAIM_NOT_FOUND.exec(scheduled.message ?? '')?.[1];
  if (claim === undefined) return undefined;
  const mounted = pod.spec?.volumes?.some((v) => v.persistentVolumeClaim?.claimName === claim);
  return mounted ? claim : undefined;
}

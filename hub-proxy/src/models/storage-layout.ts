import { ownerLabelValue } from '../ownership/ownership.js';

/**
 * Where models live in the artifact store, under the owner's prefix so the
 * per-user byte limit counts them:
 *
 *   users/<slug>/models/<name>/blobs/<blob>/<path>    files of one version
 *   users/<slug>/models/<name>/uploads/<id>.json      an upload in progress
 */
export const modelKeys = {
  modelPrefix: (owner: string, name: string) => `users/${ownerLabelValue(owner)}/models/${name}/`,
  blobPrefix: (owner: string, name: string, blob: string) =>
    `users/${ownerLabelValue(owner)}/models/${name}/blobs/${blob}/`,
  uploadSession: (owner: string, name: string, uploadId: string) =>
    `users/${ownerLabelValue(owner)}/models/${name}/uploads/${uploadId}.json`,
  uploadsPrefix: (owner: string, name: string) => `users/${ownerLabelValue(owner)}/models/${name}/uploads/`,
};

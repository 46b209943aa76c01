import { z } from 'zod';
import type { ArtifactStore } from '../artifacts/index.js';
import { Unauthenticated, NotFound } from '../errors/index.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { defineStreamRoute } from '../http/streaming-route.js';
import { bearerKey } from './api-keys.js';
import type { ModelRuntime, ModelVersion } from './model.js';
import { artifactClaimsAllow, type ModelArtifactTokens } from './model-artifact-token.js';
import { modelFilePathSchema, modelNameSchema, versionParamSchema } from './schemas.js';

const tags = ['models'];
const versionParams = z.object({ name: modelNameSchema, version: versionParamSchema });
const fileParams = versionParams.extend({ file: modelFilePathSchema });

const TOKEN_NOTE =
  "For serving pods' init containers, with the model-artifact token hub-proxy gives them " +
  '(`Authorization: Bearer`): 401 without a valid one, 404 for a model, version or file it does not reach.';

/**
 * `/api/v1/model-artifacts/...`: what an init container downloads, with a
 * scoped, expiring token bound to one model incarnation (uid, owner) and
 * a few versions.
 */
export function modelArtifactRoutes(
  runtime: Pick<ModelRuntime, 'get'>,
  artifacts: ArtifactStore,
  tokens: ModelArtifactTokens,
): RouteDefinition[] {
  async function authorizedVersion(
    authorization: string | undefined,
    name: string,
    version: number,
  ): Promise<ModelVersion> {
    const claims = tokens.verify(bearerKey(authorization) ?? '');
    if (!claims) throw new Unauthenticated('A valid model-artifact token is required.');
    const record = await runtime.get(name);
    const found = record?.spec.versions.find((v) => v.version === version);
    const allowed =
      record?.uid !== undefined &&
      artifactClaimsAllow(claims, { name, uid: record.uid, owner: record.spec.owner }, version);
    if (!record || !found || !allowed)
      throw new NotFound(`No version ${version} of model "${name}" for this token.`);
    return found;
  }
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/model-artifacts/:name/versions/:version/manifest',
      operationId: 'getModelArtifactManifest',
      summary: "The files of a version (serving pods' init containers only)",
      description: TOKEN_NOTE,
      tags,
      auth: 'none',
      params: versionParams,
      response: z.object({ files: z.array(z.object({ path: z.string(), sizeBytes: z.number().int() })) }),
      handler: async ({ req, params }) => {
        const version = await authorizedVersion(req.headers.authorization, params.name, params.version);
        return { files: version.files };
      },
    }),
    defineStreamRoute({
      method: 'get',
      path: '/api/v1/model-artifacts/:name/versions/:version/files/:file',
      operationId: 'getModelArtifactFile',
      summary: "One file of a version (serving pods' init containers only; the path URL-encoded)",
      description: TOKEN_NOTE,
      tags,
      auth: 'none',
      params: fileParams,
      produces: { 'application/octet-stream': { description: 'The file.' } },
      handler: async ({ req, params }) => {
        const version = await authorizedVersion(req.headers.authorization, params.name, params.version);
        const file = version.files.find((f) => f.path === params.file);
        const stored = file && (await artifacts.get(version.storagePrefix + file.path));
        if (!stored) throw new NotFound(`Version ${params.version} has no file "${params.file}".`);
        return {
          kind: 'stream',
          contentType: 'application/octet-stream',
          headers: { 'Content-Length': String(stored.info.sizeBytes) },
          body: stored.body,
        };
      },
    }),
  ];
}

import type { Request } from 'express';
import { z } from 'zod';
import type { Identity } from '../auth/identity.js';
import { requestContext } from '../http/context.js';
import { defineRawBodyRoute } from '../http/raw-body-route.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { defineStreamRoute } from '../http/streaming-route.js';
import {
  commitUploadBodySchema,
  createApiKeyBodySchema,
  createdApiKeySchema,
  createModelBodySchema,
  createUploadBodySchema,
  logsQuerySchema,
  modelListSchema,
  modelFilePathSchema,
  modelNameSchema,
  modelSchema,
  modelVersionSchema,
  ownerQuerySchema,
  patchModelBodySchema,
  servingRuntimeViewSchema,
  statsSchema,
  trafficSchema,
  uploadFileSchema,
  uploadSchema,
  versionListSchema,
  apiKeyViewSchema,
} from './schemas.js';
import type { ModelsService } from './service.js';

const tags = ['models'];
const nameParams = z.object({ name: modelNameSchema });
const uploadParams = nameParams.extend({
  uploadId: z.string().regex(/^[0-9a-f]{24}$/, { error: 'is not an upload id' }),
});
const fileParams = uploadParams.extend({ file: modelFilePathSchema });
const keyParams = nameParams.extend({
  id: z.string().regex(/^[0-9a-f]{16}$/, { error: 'is not an API key id' }),
});

/** Logs are what the serving code printed: never a document the browser may run. */
const USER_CONTENT_HEADERS = {
  'Content-Security-Policy': "sandbox; default-src 'none'",
  'X-Content-Type-Options': 'nosniff',
};

/** Where the gateway's live figures come from. */
export interface ModelStatsSource {
  stats(model: string): z.input<typeof statsSchema>;
}

/** `/api/v1/models...`: models, versions, uploads, traffic, API keys, logs and live figures. */
export function modelRoutes(models: ModelsService, stats: ModelStatsSource): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/models',
      operationId: 'listModels',
      summary: 'List your models (admins: every model, or ?user=)',
      tags,
      auth: 'user',
      query: ownerQuerySchema,
      response: modelListSchema,
      handler: async ({ identity, query }) => ({ items: await models.list(identity, query.user) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/models',
      operationId: 'createModel',
      summary: 'Create a model (no versions yet: upload one to serve it)',
      description:
        '409 if the name is taken (model names are shared by all users: they name the URL); ' +
        '400 for a runtime not in the catalog; 403/429 past the GPU or model quota.',
      tags,
      auth: 'user',
      body: createModelBodySchema,
      response: modelSchema,
      status: 201,
      handler: ({ identity, body }) => models.create(identity, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/models/runtimes',
      operationId: 'listServingRuntimes',
      summary: 'The serving runtimes of the catalog and the formats each serves',
      tags,
      auth: 'user',
      response: z.object({ items: z.array(servingRuntimeViewSchema) }),
      handler: () => ({ items: models.runtimes() }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/models/:name',
      operationId: 'getModel',
      summary: 'Read one model with its versions, traffic and status',
      tags,
      auth: 'user',
      params: nameParams,
      response: modelSchema,
      handler: ({ identity, params }) => models.get(identity, params.name),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/models/:name',
      operationId: 'updateModel',
      summary: 'Change runtime version, replicas, resources, who may call it, or disable it',
      tags,
      auth: 'user',
      params: nameParams,
      body: patchModelBodySchema,
      response: modelSchema,
      handler: ({ identity, params, body }) => models.patch(identity, params.name, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/models/:name',
      operationId: 'deleteModel',
      summary: 'Delete a model, what serves it and its files',
      tags,
      auth: 'user',
      params: nameParams,
      response: z.undefined(),
      status: 204,
      handler: async ({ identity, params, req }) => {
        await noteOwnerForAdmin(models, identity, params.name, req);
        await models.delete(identity, params.name);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/models/:name/versions',
      operationId: 'listModelVersions',
      summary: "A model's versions, oldest first",
      tags,
      auth: 'user',
      params: nameParams,
      response: versionListSchema,
      handler: async ({ identity, params }) => ({ items: await models.versions(identity, params.name) }),
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/models/:name/traffic',
      operationId: 'setModelTraffic',
      summary: 'Pin the stable version, optionally with a canary at a percentage',
      description: 'The previous versions keep serving until replicas with the new set are ready.',
      tags,
      auth: 'user',
      params: nameParams,
      body: trafficSchema,
      response: modelSchema,
      handler: ({ identity, params, body }) => models.setTraffic(identity, params.name, body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/models/:name/traffic/promote',
      operationId: 'promoteModelCanary',
      summary: 'The canary takes all traffic (409 without a canary)',
      tags,
      auth: 'user',
      params: nameParams,
      response: modelSchema,
      handler: ({ identity, params }) => models.promote(identity, params.name),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/models/:name/traffic/rollback',
      operationId: 'rollBackModelTraffic',
      summary: 'Drop the canary, or return to the split before the last change',
      tags,
      auth: 'user',
      params: nameParams,
      response: modelSchema,
      handler: ({ identity, params }) => models.rollBack(identity, params.name),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/models/:name/uploads',
      operationId: 'startModelUpload',
      summary: "Start uploading a new version's files (paths and sizes)",
      description: '413 when the files together exceed the version size limit.',
      tags,
      auth: 'user',
      params: nameParams,
      body: createUploadBodySchema,
      response: uploadSchema,
      status: 201,
      handler: ({ identity, params, body }) => models.startUpload(identity, params.name, body.files),
    }),
    uploadFileRoute(models),
    defineRoute({
      method: 'post',
      path: '/api/v1/models/:name/uploads/:uploadId/commit',
      operationId: 'commitModelUpload',
      summary: 'Turn a complete upload into the next version, with a rollout',
      description:
        "422 when the files are not a model (naming what was expected) or not of the model's format; " +
        'the signature of a SavedModel is read from saved_model.pb.',
      tags,
      auth: 'user',
      params: uploadParams,
      body: commitUploadBodySchema,
      bodyOptional: true,
      response: modelVersionSchema,
      status: 201,
      handler: async ({ identity, params, body }) => {
        const { storagePrefix: _hidden, ...version } = await models.commitUpload(
          identity,
          params.name,
          params.uploadId,
          body.rollout,
        );
        return version;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/models/:name/api-keys',
      operationId: 'listModelApiKeys',
      summary: "A model's API keys (never the keys themselves)",
      tags,
      auth: 'user',
      params: nameParams,
      response: z.object({ items: z.array(apiKeyViewSchema) }),
      handler: async ({ identity, params }) => ({ items: await models.apiKeys(identity, params.name) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/models/:name/api-keys',
      operationId: 'createModelApiKey',
      summary: 'Create an API key for in-cluster callers; the key is shown once',
      tags,
      auth: 'user',
      params: nameParams,
      body: createApiKeyBodySchema,
      response: createdApiKeySchema,
      status: 201,
      handler: ({ identity, params, body }) => models.createApiKey(identity, params.name, body.label),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/models/:name/api-keys/:id',
      operationId: 'revokeModelApiKey',
      summary: 'Revoke an API key at once',
      tags,
      auth: 'user',
      params: keyParams,
      response: z.undefined(),
      status: 204,
      handler: async ({ identity, params, req }) => {
        await noteOwnerForAdmin(models, identity, params.name, req);
        await models.revokeApiKey(identity, params.name, params.id);
        return undefined;
      },
    }),
    defineStreamRoute({
      method: 'get',
      path: '/api/v1/models/:name/logs',
      operationId: 'getModelLogs',
      summary: 'The latest log lines of the serving replicas (text/plain)',
      tags,
      auth: 'user',
      params: nameParams,
      query: logsQuerySchema,
      produces: { 'text/plain': { description: 'Pod logs (Kubernetes) or the process log (local).' } },
      handler: async ({ identity, params, query }) => ({
        kind: 'stream',
        contentType: 'text/plain; charset=utf-8',
        headers: USER_CONTENT_HEADERS,
        body: await models.logs(identity, params.name, query.tailLines),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/models/:name/stats',
      operationId: 'getModelStats',
      summary: 'Request rate, p95 latency and errors through the gateway, last 10 minutes',
      tags,
      auth: 'user',
      params: nameParams,
      response: statsSchema,
      handler: async ({ identity, params }) => {
        await models.managed(identity, params.name);
        return stats.stats(params.name);
      },
    }),
  ];
}

/** `PUT .../uploads/:uploadId/files/:file`: the body streams into the artifact store. */
function uploadFileRoute(models: ModelsService): RouteDefinition {
  return defineRawBodyRoute({
    method: 'put',
    path: '/api/v1/models/:name/uploads/:uploadId/files/:file',
    operationId: 'putModelUploadFile',
    summary: 'Upload one announced file (the raw bytes; the path URL-encoded)',
    description:
      'The body is the file (`application/octet-stream`), streamed into the artifact store; ' +
      '413 past its announced size, 404 for a file not announced or an expired upload.',
    tags,
    auth: 'user',
    params: fileParams,
    response: uploadFileSchema,
    status: 201,
    handle: ({ identity, params, req }) =>
      models.putUploadFile(identity, params.name, params.uploadId, params.file, req),
  });
}

/**
 * An admin's 204 on someone's model carries no view naming its owner: look it
 * up first, so the audit log records whose model it was.
 */
async function noteOwnerForAdmin(
  models: ModelsService,
  identity: Identity,
  name: string,
  req: Request,
): Promise<void> {
  if (!identity.isAdmin) return;
  requestContext(req).subjectOwner = (await models.get(identity, name)).owner;
}

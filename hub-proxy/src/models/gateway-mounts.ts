import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { ExtraListener, RawRoute } from '../feature.js';
import { requestContext } from '../http/context.js';
import { NotFoundError, UnauthorizedError } from '../http/errors.js';
import { writeProblem } from './gateway/index.js';
import { mayCall } from './access.js';
import { bearerKey, matchApiKey } from './api-keys.js';
import type { ModelSpec } from './model.js';
import { modelNameSchema } from './schemas.js';

/** What the mounts need of the gateway and the model directory. */
export interface GatewayMountDeps {
  gateway: { handle(req: IncomingMessage, res: ServerResponse, model: string, path: string): void };
  spec(name: string): ModelSpec | undefined;
}

function unknownModel(name: string): NotFoundError {
  return new NotFoundError(`There is no model "${name}" you may call.`);
}

/**
 * `/services/turing/models/<name>/(v1|v2)/...` for hub users (token or
 * cookie, authenticated before this handler): the owner, admins, and the
 * users and groups the model names. Anyone else gets 404, so names of
 * private models are not revealed.
 */
export function hubGatewayRoute(deps: GatewayMountDeps): RawRoute {
  const handler: RequestHandler = (req, res) => {
    const identity = requestContext(req).identity;
    const name = String(req.params.model);
    if (!identity) {
      writeProblem(res, new UnauthorizedError());
      return;
    }
    const spec = modelNameSchema.safeParse(name).success ? deps.spec(name) : undefined;
    if (!spec || !mayCall(identity, identity.groups ?? [], spec)) {
      writeProblem(res, unknownModel(name));
      return;
    }
    // req.url is relative to the mount: everything after the model name.
    const rest = req.originalUrl.slice(
      req.originalUrl.indexOf(`/models/${name}/`) + `/models/${name}`.length,
    );
    deps.gateway.handle(req, res, name, rest);
  };
  return { path: '/models/:model/*rest', auth: 'user', handler };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const API_KEY_PATH = /^\/models\/([^/?#]+)(\/[^?#]*(?:\?.*)?)$/;

/**
 * The in-cluster listener: `/models/<name>/(v1|v2)/...` with
 * `Authorization: Bearer tmk_...`, for models that allow API keys. Keys are
 * checked against their stored hashes on every request, so a revoked key
 * stops at once.
 */
export function apiKeyListener(deps: GatewayMountDeps, host: string, port: number): ExtraListener {
  return {
    name: 'models-api-key',
    host,
    port,
    handler: (req, res) => {
      const match = API_KEY_PATH.exec(req.url ?? '');
      const [, encodedName = '', rest = '/'] = match ?? [];
      const name = safeDecode(encodedName);
      const spec = modelNameSchema.safeParse(name).success ? deps.spec(name) : undefined;
      if (!spec) {
        writeProblem(res, unknownModel(name || (req.url ?? '')));
        return;
      }
      const key = bearerKey(req.headers.authorization);
      if (!spec.access.apiKeys || !key || !matchApiKey(spec.apiKeys, key)) {
        const error = new UnauthorizedError(
          'A valid API key of this model is required (Authorization: Bearer tmk_...).',
        );
        writeProblem(res, error);
        return;
      }
      deps.gateway.handle(req, res, name, rest);
    },
  };
}

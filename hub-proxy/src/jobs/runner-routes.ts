import { z } from 'zod';
import { defineRawBodyRoute } from '../http/raw-body-route.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { RUN_ARTIFACT_NAMES } from './naming.js';
import { runIdParams } from './route-params.js';
import type { RunnerApiService } from './runner-api.js';

const tags = ['runner'];

const runParams = runIdParams;

const artifactParams = runParams.extend({
  file: z.enum(RUN_ARTIFACT_NAMES).meta({ description: 'Which output of the run.' }),
});

/** Body of `POST .../progress`. */
export const runnerProgressBodySchema = z
  .strictObject({
    cell: z
      .number()
      .int()
      .min(0)
      .meta({ description: 'Cells started so far (1-based index of the current one).' }),
    cells: z.number().int().min(0).meta({ description: 'Cells in the notebook, injected ones included.' }),
  })
  .refine((p) => p.cell <= p.cells, { error: 'cell must not exceed cells', path: ['cell'] })
  // JSON Schema cannot compare two properties, so the document states the rule in words.
  .meta({ description: 'Per-cell progress; `cell` must be at most `cells` (else 400 on `body.cell`).' });

/** One segment of a model output file path: not empty, `.` or `..`; no backslashes or control characters. */
const FILE_SEGMENT = String.raw`(?:[^/.\\\u0000-\u001f\u007f][^/\\\u0000-\u001f\u007f]*|\.[^/.\\\u0000-\u001f\u007f][^/\\\u0000-\u001f\u007f]*|\.\.[^/\\\u0000-\u001f\u007f]+)`;
/** A relative file path of `/`-separated {@link FILE_SEGMENT}s. */
const MODEL_OUTPUT_FILE_PATTERN = new RegExp(`^${FILE_SEGMENT}(?:/${FILE_SEGMENT})*$`);

/** `{id}` and `{path}` of a model output file. */
const modelOutputFileParams = runParams.extend({
  path: z
    .string()
    .min(1)
    .max(400)
    .regex(MODEL_OUTPUT_FILE_PATTERN, {
      error: 'must be a relative file path without empty, "." or ".." segments',
    })
    .meta({
      description:
        'The file, relative to the model output root, as one percent-encoded segment (`/` as `%2F`): ' +
        '`variables%2Fvariables.index`. No `.` or `..` segments.',
    }),
});

/** Body of `GET .../spec`. */
export const runnerSpecSchema = z.object({
  run: z.string(),
  job: z.string().meta({ description: 'User-facing job name.' }),
  attempt: z.number().int().min(1),
  kernel: z.string().meta({ description: 'Kernelspec name papermill starts.' }),
  parameters: z
    .record(z.string(), z.unknown())
    .meta({ description: "The job's parameters, run overrides on top." }),
  outputs: z.array(z.enum(['ipynb', 'html'])),
  notebook: z.record(z.string(), z.unknown()).meta({ description: 'The input snapshot (nbformat 4).' }),
  modelOutput: z.object({ model: z.string(), path: z.string() }).optional().meta({
    description:
      "For jobs with a model output: after a successful notebook run, upload every file under `path` (relative to the notebook's working directory).",
  }),
});

const artifactResponseSchema = z.object({
  key: z.string(),
  sizeBytes: z.number().int(),
});

const TOKEN_NOTE =
  'Authenticated with the run token hub-proxy gives the runner (`Authorization: Bearer`): 401 without ' +
  'a valid one, 404 for a run the token does not reach (none, another job’s or run’s, or a run of a ' +
  'later job of the same name), 409 once the run has ended.';

/** `PUT .../artifacts/:file`: the raw request body streams into the artifact store. */
function putArtifactRoute(service: RunnerApiService): RouteDefinition {
  return defineRawBodyRoute({
    method: 'put',
    path: '/api/v1/runner/runs/:id/artifacts/:file',
    operationId: 'putRunnerArtifact',
    summary: 'Upload an output of a run (runners only)',
    description:
      'The body is the file itself (`application/octet-stream`), streamed into the artifact store; ' +
      `413 past the size limits. ${TOKEN_NOTE}`,
    tags,
    auth: 'none',
    params: artifactParams,
    response: artifactResponseSchema,
    status: 201,
    handle: async ({ params, req }) => {
      const info = await service.putArtifact(req.headers.authorization, params.id, params.file, req);
      return { key: info.key, sizeBytes: info.sizeBytes };
    },
  });
}

/** `PUT .../model-output/files/:path`: one file of the run's model output, streamed into the store. */
function putModelOutputFileRoute(service: RunnerApiService): RouteDefinition {
  return defineRawBodyRoute({
    method: 'put',
    path: '/api/v1/runner/runs/:id/model-output/files/:path',
    operationId: 'putRunnerModelOutputFile',
    summary: "Upload a file of a run's model output (runners only)",
    description:
      'The body is the file itself (`application/octet-stream`), streamed into the artifact store ' +
      "under the run's model output; 413 past the size limits or the file count limit, 409 for a job " +
      `without a model output. ${TOKEN_NOTE}`,
    tags,
    auth: 'none',
    params: modelOutputFileParams,
    response: artifactResponseSchema,
    status: 201,
    handle: async ({ params, req }) => {
      const info = await service.putModelOutputFile(req.headers.authorization, params.id, params.path, req);
      return { key: info.key, sizeBytes: info.sizeBytes };
    },
  });
}

/** The runner-facing routes: spec, progress, artifact and model output uploads. */
export function runnerRoutes(service: RunnerApiService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/runner/runs/:id/spec',
      operationId: 'getRunnerSpec',
      summary: 'What a runner needs to execute a run (runners only)',
      description: `The input snapshot, kernel, effective parameters and output formats. ${TOKEN_NOTE}`,
      tags,
      auth: 'none',
      params: runParams,
      response: runnerSpecSchema,
      handler: ({ req, params }) => service.spec(req.headers.authorization, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/runner/runs/:id/progress',
      operationId: 'postRunnerProgress',
      summary: 'Report per-cell progress of a run (runners only)',
      description: TOKEN_NOTE,
      tags,
      auth: 'none',
      params: runParams,
      body: runnerProgressBodySchema,
      response: z.undefined(),
      status: 204,
      handler: async ({ req, params, body }) => {
        await service.progress(req.headers.authorization, params.id, body);
        return undefined;
      },
    }),
    putArtifactRoute(service),
    defineRoute({
      method: 'delete',
      path: '/api/v1/runner/runs/:id/model-output',
      operationId: 'deleteRunnerModelOutput',
      summary: "Clear a run's model output before uploading it (runners only)",
      description:
        'Removes what an earlier attempt of the run uploaded, so the output is exactly what the ' +
        `attempt that succeeds uploads. 409 for a job without a model output. ${TOKEN_NOTE}`,
      tags,
      auth: 'none',
      params: runParams,
      response: z.undefined(),
      status: 204,
      handler: async ({ req, params }) => {
        await service.clearModelOutput(req.headers.authorization, params.id);
        return undefined;
      },
    }),
    putModelOutputFileRoute(service),
  ];
}

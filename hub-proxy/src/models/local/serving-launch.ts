import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseQuantity } from '../../k8s/quantity.js';
import type { ModelFormat, ModelSpec, ModelVersion } from '../model.js';

/** What serves a model locally: MLServer (xgboost, sklearn) or the TF Serving stand-in (SavedModels). */
export type LocalServerKind = 'mlserver' | 'tfserving-standin';

/** How to start one serving process and how to tell it is ready. */
export interface LaunchPlan {
  kind: LocalServerKind;
  /** For messages: `MLServer`, `the TF Serving stand-in`. */
  label: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Its HTTP port on 127.0.0.1. */
  port: number;
}

/** Inputs of {@link prepareLaunch}. */
export interface LaunchRequest {
  spec: ModelSpec;
  /** The versions' format (one for all of them). */
  format: ModelFormat;
  /** The versions to serve. */
  versions: readonly ModelVersion[];
  /** Holds each version's files in `<versionsRoot>/<version>/`. */
  versionsRoot: string;
  /** The process's own folder (its model repository, working directory and pid file). */
  dir: string;
  port: number;
  mlserverPython: string;
  tensorflowPython: string;
  /** `serving/tfserving_standin.py`. */
  standinScript: string;
}

/** Variables a serving process inherits; nothing else of hub-proxy's environment (it holds secrets). */
const INHERITED_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR'];

/** Model file extensions MLServer's runtimes load, per format. */
const MODEL_FILE_EXTENSIONS: Record<Exclude<ModelFormat, 'tensorflow'>, readonly string[]> = {
  xgboost: ['.json', '.ubj', '.bst'],
  sklearn: ['.joblib', '.pkl'],
};

const MLSERVER_IMPLEMENTATIONS: Record<Exclude<ModelFormat, 'tensorflow'>, string> = {
  xgboost: 'mlserver_xgboost.XGBoostModel',
  sklearn: 'mlserver_sklearn.SKLearnModel',
};

/** The server a format needs. */
export function serverKindOf(format: ModelFormat): LocalServerKind {
  return format === 'tensorflow' ? 'tfserving-standin' : 'mlserver';
}

/**
 * Writes the configuration the server needs into `request.dir` and returns
 * how to start it. MLServer gets `repo/settings.json` (loopback, the given
 * HTTP port, gRPC on a port of the kernel's choosing, no metrics server,
 * inference in the main process) and one `repo/<version>/model-settings.json`
 * per version, named after the model, with the integer version as a string:
 * MLServer compares versions as strings, so only integers order right.
 * The stand-in takes everything on its command line.
 */
export async function prepareLaunch(request: LaunchRequest): Promise<LaunchPlan> {
  const { spec, format, dir, port } = request;
  const env = servingEnvironment(spec);
  const versions = request.versions.map((v) => v.version);
  if (format === 'tensorflow') {
    return {
      kind: 'tfserving-standin',
      label: 'the TF Serving stand-in',
      command: request.tensorflowPython,
      args: [
        request.standinScript,
        `--model_name=${spec.name}`,
        `--model_base_path=${request.versionsRoot}`,
        `--versions=${versions.join(',')}`,
        `--rest_api_port=${port}`,
        '--host=127.0.0.1',
        `--tensorflow_intra_op_parallelism=${env.OMP_NUM_THREADS}`,
      ],
      cwd: dir,
      env: { ...env, TF_CPP_MIN_LOG_LEVEL: '2' },
      port,
    };
  }
  const repo = join(dir, 'repo');
  await writeJson(join(repo, 'settings.json'), {
    host: '127.0.0.1',
    http_port: port,
    // grpc binds 127.0.0.1:0, a free port; MLServer has no switch to turn gRPC off.
    grpc_port: 0,
    metrics_endpoint: null,
    parallel_workers: 0,
    debug: false,
    model_repository_root: repo,
    metrics_dir: join(dir, 'metrics'),
    environments_dir: join(dir, 'envs'),
  });
  for (const version of request.versions) {
    await writeJson(join(repo, String(version.version), 'model-settings.json'), {
      name: spec.name,
      implementation: MLSERVER_IMPLEMENTATIONS[format],
      parameters: {
        uri: join(request.versionsRoot, String(version.version), modelFileOf(version, format)),
        version: String(version.version),
      },
    });
  }
  return {
    kind: 'mlserver',
    label: 'MLServer',
    command: request.mlserverPython,
    // The venv's `mlserver` script, run by its python (no reliance on the shebang).
    args: [join(dirname(request.mlserverPython), 'mlserver'), 'start', repo],
    cwd: dir,
    env,
    port,
  };
}

/**
 * A minimal environment: a few inherited variables, unbuffered Python and
 * `OMP_NUM_THREADS` = the CPUs asked for (1 below 2 CPUs: more threads than
 * cores made xgboost's p50 go from about 1 ms to 12-34 ms on 2 cores).
 */
export function servingEnvironment(spec: ModelSpec): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of INHERITED_ENV) if (process.env[name] !== undefined) env[name] = process.env[name];
  const cpus = parseQuantity(spec.resources.cpu) ?? 1;
  return { ...env, PYTHONUNBUFFERED: '1', OMP_NUM_THREADS: String(Math.max(1, Math.floor(cpus))) };
}

/** The file MLServer loads for `version`: its `modelFile`, or the one file with a known extension. */
export function modelFileOf(version: ModelVersion, format: Exclude<ModelFormat, 'tensorflow'>): string {
  if (version.modelFile) return version.modelFile;
  const extensions = MODEL_FILE_EXTENSIONS[format];
  const found = version.files.find((f) => extensions.some((e) => f.path.toLowerCase().endsWith(e)));
  if (!found) {
    throw new Error(
      `Version ${version.version} has no ${format} model file (${extensions.join(', ')} expected).`,
    );
  }
  return found.path;
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Trains and exports small models from a test, with the project's venvs,
 * and returns the files with the model's own predictions, so a test can
 * compare what a serving runtime answers with what the model says.
 *
 * xgboost and sklearn models are trained in `.venv` (as a notebook would);
 * Keras SavedModels are exported in `.venv-serving` (the only venv with
 * tensorflow-cpu). Parameters go to Python as JSON on stdin, never spliced
 * into code.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The hub's venv: notebooks train models here. */
export const MAIN_PYTHON = join(REPO, '.venv', 'bin', 'python');
/** The serving venv: MLServer and tensorflow-cpu. */
export const SERVING_PYTHON = join(REPO, '.venv-serving', 'bin', 'python');
/** The local stand-in for TF Serving. */
export const STANDIN_SCRIPT = join(REPO, 'serving', 'tfserving_standin.py');

/** A model written by a helper. */
export interface TrainedModel {
  /** The model file, or the SavedModel folder. */
  path: string;
  /** The rows predicted on. */
  inputs: number[][];
  /** The model's own predictions for `inputs`: class probabilities per row (xgboost, sklearn) or the output rows (Keras). */
  predictions: number[][];
}

/** Rows of 4 features the xgboost and sklearn helpers predict on unless told otherwise. */
export const FOUR_FEATURE_ROWS: number[][] = [
  [0.5, -1.2, 0.3, 2.0],
  [-0.7, 0.1, 1.5, -0.4],
  [1.1, 0.9, -0.2, 0.05],
];

const TRAIN_XGBOOST = `
import json, sys
import numpy as np
import xgboost as xgb
p = json.load(sys.stdin)
rng = np.random.default_rng(p["seed"])
X = rng.normal(size=(300, 4)).astype(np.float32)
y = (X[:, 0] + 0.5 * X[:, 1] - X[:, 2] > 0).astype(int)
model = xgb.XGBClassifier(n_estimators=p["trees"], max_depth=3, random_state=p["seed"])
model.fit(X, y)
model.save_model(p["path"])
rows = np.array(p["inputs"], dtype=np.float32)
print(json.dumps({"predictions": model.predict_proba(rows).tolist()}))
`;

const TRAIN_SKLEARN = `
import json, sys
import joblib
import numpy as np
from sklearn.linear_model import LogisticRegression
p = json.load(sys.stdin)
rng = np.random.default_rng(p["seed"])
X = rng.normal(size=(300, 4))
y = (X[:, 0] - X[:, 3] > 0).astype(int)
model = LogisticRegression().fit(X, y)
joblib.dump(model, p["path"])
rows = np.array(p["inputs"], dtype=np.float64)
print(json.dumps({"predictions": model.predict_proba(rows).tolist()}))
`;

const EXPORT_KERAS = `
import json, os, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import keras
p = json.load(sys.stdin)
kernel = np.array(p["kernel"], dtype=np.float32)
inputs = keras.Input(shape=(kernel.shape[0],), name=p["inputName"])
outputs = keras.layers.Dense(kernel.shape[1], name="scores")(inputs)
model = keras.Model(inputs, outputs)
model.layers[-1].set_weights([kernel, np.array(p["bias"], dtype=np.float32)])
model.export(p["path"], verbose=False)
rows = np.array(p["inputs"], dtype=np.float32)
print(json.dumps({"predictions": model.predict(rows, verbose=0).tolist()}))
`;

/** Trains an xgboost classifier (4 features) and saves it to `path` (`.json` or `.ubj`). */
export async function trainXgboost(
  path: string,
  options: { trees?: number; seed?: number; inputs?: number[][]; python?: string } = {},
): Promise<TrainedModel> {
  const inputs = options.inputs ?? FOUR_FEATURE_ROWS;
  const out = await runPython(options.python ?? MAIN_PYTHON, TRAIN_XGBOOST, {
    path,
    trees: options.trees ?? 5,
    seed: options.seed ?? 0,
    inputs,
  });
  return { path, inputs, predictions: out.predictions };
}

/** Trains an sklearn LogisticRegression (4 features) and saves it to `path` with joblib. */
export async function trainSklearn(
  path: string,
  options: { seed?: number; inputs?: number[][]; python?: string } = {},
): Promise<TrainedModel> {
  const inputs = options.inputs ?? FOUR_FEATURE_ROWS;
  const out = await runPython(options.python ?? MAIN_PYTHON, TRAIN_SKLEARN, {
    path,
    seed: options.seed ?? 0,
    inputs,
  });
  return { path, inputs, predictions: out.predictions };
}

/**
 * Exports a Keras model of one Dense layer with fixed weights (`kernel` is
 * inputs × outputs) as a SavedModel folder at `path` (`model.export`: its
 * `serving_default` signature takes `inputName`).
 */
export async function exportKerasDense(
  path: string,
  options: { kernel: number[][]; bias: number[]; inputs: number[][]; inputName?: string },
): Promise<TrainedModel> {
  const out = await runPython(SERVING_PYTHON, EXPORT_KERAS, {
    path,
    kernel: options.kernel,
    bias: options.bias,
    inputs: options.inputs,
    inputName: options.inputName ?? 'features',
  });
  return { path, inputs: options.inputs, predictions: out.predictions };
}

/** Runs `script` with `params` as JSON on stdin; returns the JSON object on its last stdout line. */
async function runPython(
  python: string,
  script: string,
  params: unknown,
): Promise<{ predictions: number[][] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-c', script], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', OMP_NUM_THREADS: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) {
        reject(new Error(`${python} exited with ${code}:\n${stderr.slice(-3000)}`));
        return;
      }
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(last) as { predictions: number[][] });
      } catch {
        reject(new Error(`no JSON result from ${python}:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
      }
    });
    child.stdin.end(JSON.stringify(params));
  });
}

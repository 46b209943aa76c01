import type {
  GatewayProtocol,
  ModelSignature,
  ModelTensorSpec,
  ModelVersion,
  ModelView,
} from '@turing/client';

/**
 * The "Try it" request bodies, prefilled from the serving version's
 * signature: zeros of the right shape and type, which the user edits.
 * `v1` is TF Serving's REST row format (`{"instances": [...]}`), `v2` the
 * Open Inference Protocol (`{"inputs": [{name, shape, datatype, data}]}`).
 */

/** JSON as the bodies hold it. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The features assumed when an xgboost or sklearn model does not say how many it takes. */
export const DEFAULT_FEATURE_COUNT = 1;

/** The gateway protocols a model's runtime speaks: TF Serving REST, or V2 for MLServer. */
export function protocolsOf(model: Pick<ModelView, 'runtime'>): GatewayProtocol[] {
  return model.runtime.kind === 'tfserving' ? ['v1'] : ['v2'];
}

/** The version whose signature the form follows: the stable one, else the newest. */
export function signatureVersion(model: Pick<ModelView, 'versions' | 'traffic'>): ModelVersion | undefined {
  const stable = model.traffic ? model.versions.find((v) => v.version === model.traffic?.stable) : undefined;
  return (
    stable ??
    model.versions.reduce<ModelVersion | undefined>(
      (newest, v) => (!newest || v.version > newest.version ? v : newest),
      undefined,
    )
  );
}

const V2_DATATYPES: Record<string, string> = {
  DT_FLOAT: 'FP32',
  DT_DOUBLE: 'FP64',
  DT_HALF: 'FP16',
  DT_INT8: 'INT8',
  DT_INT16: 'INT16',
  DT_INT32: 'INT32',
  DT_INT64: 'INT64',
  DT_UINT8: 'UINT8',
  DT_UINT16: 'UINT16',
  DT_UINT32: 'UINT32',
  DT_UINT64: 'UINT64',
  DT_BOOL: 'BOOL',
  DT_STRING: 'BYTES',
};

/** The V2 datatype of a signature dtype (`DT_FLOAT` -> `FP32`; V2 names pass through). */
export function v2Datatype(dtype: string): string {
  return V2_DATATYPES[dtype] ?? (/^(FP|INT|UINT)\d+$|^BOOL$|^BYTES$/.test(dtype) ? dtype : 'FP32');
}

/** A zero of a dtype (TF or V2 name): `""` for strings, `false` for booleans, else `0`. */
export function zeroOf(dtype: string): Json {
  const v2 = v2Datatype(dtype);
  return v2 === 'BYTES' ? '' : v2 === 'BOOL' ? false : 0;
}

/** A nested array of `zero` with the given dimensions (`[]`: the zero itself). */
export function filled(dims: readonly number[], zero: Json): Json {
  if (dims.length === 0) {
    return zero;
  }
  const [first = 1, ...rest] = dims;
  return Array.from({ length: first }, () => filled(rest, zero));
}

/** A dimension the user must fill in (`-1`, unknown) becomes 1. */
function known(dim: number): number {
  return dim > 0 ? dim : 1;
}

/** The dimensions of one instance: the shape without its batch dimension. */
function instanceDims(spec: ModelTensorSpec): number[] {
  return spec.shape ? spec.shape.slice(1).map(known) : [];
}

/** A TF Serving `:predict` body with one instance of zeros. */
export function tfPredictBody(signature: ModelSignature | undefined): { instances: Json[] } {
  const inputs = signature?.inputs ?? [];
  if (inputs.length === 0) {
    return { instances: [[0]] };
  }
  if (inputs.length === 1) {
    const [input] = inputs as [ModelTensorSpec];
    return { instances: [filled(instanceDims(input), zeroOf(input.dtype))] };
  }
  // Several named inputs: one object per instance, keyed by input name.
  const instance: { [key: string]: Json } = {};
  for (const input of inputs) {
    instance[input.name] = filled(instanceDims(input), zeroOf(input.dtype));
  }
  return { instances: [instance] };
}

/** One V2 input tensor. */
export interface V2Input {
  name: string;
  shape: number[];
  datatype: string;
  data: Json[];
}

/** The flat zeros of a shape. */
function flatZeros(shape: readonly number[], zero: Json): Json[] {
  const count = shape.reduce((product, d) => product * d, 1);
  return Array.from({ length: count }, () => zero);
}

/**
 * A V2 `/infer` body for one row of zeros: the signature's inputs (batch of
 * 1, unknown dimensions 1), else one `FP32` input of `featureCount` features.
 */
export function v2InferBody(
  signature: ModelSignature | undefined,
  featureCount = DEFAULT_FEATURE_COUNT,
): { inputs: V2Input[] } {
  const specs = signature?.inputs ?? [];
  if (specs.length === 0) {
    const shape = [1, featureCount];
    return { inputs: [{ name: 'input-0', shape, datatype: 'FP32', data: flatZeros(shape, 0) }] };
  }
  return {
    inputs: specs.map((spec) => {
      const shape = spec.shape ? [1, ...spec.shape.slice(1).map(known)] : [1, featureCount];
      const datatype = v2Datatype(spec.dtype);
      return { name: spec.name, shape, datatype, data: flatZeros(shape, zeroOf(datatype)) };
    }),
  };
}

/** The prefilled body of a model's protocol, and whether it follows a signature (else it is a guess). */
export function prefilledBody(
  model: Pick<ModelView, 'versions' | 'traffic'>,
  protocol: GatewayProtocol,
): { body: Json; fromSignature: boolean } {
  const signature = signatureVersion(model)?.signature;
  const fromSignature = (signature?.inputs.length ?? 0) > 0;
  const body = protocol === 'v1' ? tfPredictBody(signature) : v2InferBody(signature);
  return { body: body as unknown as Json, fromSignature };
}

/**
 * JSON for people: objects one key per line, arrays of plain values (or of
 * arrays) on one line, so a 28x28 input stays readable.
 */
export function formatJson(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    const flat = value.every((v) => typeof v !== 'object' || v === null || Array.isArray(v));
    if (flat || value.length === 0) {
      return JSON.stringify(value);
    }
    const inner = indent + '  ';
    return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) {
      return '{}';
    }
    const inner = indent + '  ';
    const lines = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`);
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

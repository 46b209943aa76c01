import type { ModelSignature, TensorSpec } from '../model.js';
import { protoFields, protoInt, protoString, ProtobufError, type ProtoField } from './protobuf-reader.js';

/**
 * Reads the serving signature from `saved_model.pb` (tensorflow.SavedModel):
 * `meta_graphs` (2) -> `signature_def` (5, map<string, SignatureDef>) ->
 * `inputs` (1) / `outputs` (2), each a map<string, TensorInfo> with `dtype`
 * (2) and `tensor_shape` (3, dims (2) with `size` (1)). Field numbers are
 * from tensorflow/core/protobuf/meta_graph.proto.
 */

/** TF DataType enum values (tensorflow/core/framework/types.proto) to their names. */
const DATA_TYPES: Record<number, string> = {
  1: 'DT_FLOAT',
  2: 'DT_DOUBLE',
  3: 'DT_INT32',
  4: 'DT_UINT8',
  5: 'DT_INT16',
  6: 'DT_INT8',
  7: 'DT_STRING',
  8: 'DT_COMPLEX64',
  9: 'DT_INT64',
  10: 'DT_BOOL',
  14: 'DT_BFLOAT16',
  17: 'DT_UINT16',
  18: 'DT_COMPLEX128',
  19: 'DT_HALF',
  22: 'DT_UINT32',
  23: 'DT_UINT64',
};

/** The signature TF Serving uses when a request names none. */
export const DEFAULT_SIGNATURE = 'serving_default';

/** Thrown when the bytes are not a SavedModel with a usable signature; the message is readable. */
export class SavedModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SavedModelError';
  }
}

function mapEntry(entry: Uint8Array): { key: string; value: Uint8Array | undefined } {
  let key = '';
  let value: Uint8Array | undefined;
  for (const field of protoFields(entry)) {
    if (field.number === 1) key = protoString(field);
    else if (field.number === 2 && field.wire === 'bytes') value = field.value;
  }
  return { key, value };
}

function shapeOf(bytes: Uint8Array): number[] | null {
  const dims: number[] = [];
  for (const field of protoFields(bytes)) {
    if (field.number === 3 && field.wire === 'varint' && field.value !== 0n) return null; // unknown_rank
    if (field.number !== 2 || field.wire !== 'bytes') continue;
    let size = 0;
    for (const dim of protoFields(field.value)) if (dim.number === 1) size = protoInt(dim);
    dims.push(size);
  }
  return dims;
}

function tensorSpec(name: string, bytes: Uint8Array): TensorSpec {
  let dtype = 'DT_INVALID';
  let shape: number[] | null = null;
  for (const field of protoFields(bytes)) {
    if (field.number === 2) dtype = DATA_TYPES[protoInt(field)] ?? `DT_${protoInt(field)}`;
    else if (field.number === 3 && field.wire === 'bytes') shape = shapeOf(field.value);
  }
  return { name, dtype, shape };
}

function tensorMap(fields: ProtoField[], number: number): TensorSpec[] {
  return fields
    .filter((f): f is ProtoField & { wire: 'bytes' } => f.number === number && f.wire === 'bytes')
    .map((f) => mapEntry(f.value))
    .map(({ key, value }) => tensorSpec(key, value ?? new Uint8Array()))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every signature of the first MetaGraph tagged `serve` (or the first MetaGraph), by name. */
export function readSavedModelSignatures(bytes: Uint8Array): Map<string, ModelSignature> {
  let metaGraphs: Uint8Array[];
  try {
    metaGraphs = [...protoFields(bytes)]
      .filter((f): f is ProtoField & { wire: 'bytes' } => f.number === 2 && f.wire === 'bytes')
      .map((f) => f.value);
  } catch (err) {
    throw new SavedModelError(
      `saved_model.pb is not a SavedModel protobuf (${(err as ProtobufError).message})`,
    );
  }
  if (metaGraphs.length === 0) throw new SavedModelError('saved_model.pb holds no MetaGraph');
  const chosen = metaGraphs.find(hasServeTag) ?? metaGraphs[0] ?? new Uint8Array();
  const signatures = new Map<string, ModelSignature>();
  try {
    for (const field of protoFields(chosen)) {
      if (field.number !== 5 || field.wire !== 'bytes') continue;
      const { key, value } = mapEntry(field.value);
      const def = [...protoFields(value ?? new Uint8Array())];
      signatures.set(key, { name: key, inputs: tensorMap(def, 1), outputs: tensorMap(def, 2) });
    }
  } catch (err) {
    throw new SavedModelError(`saved_model.pb has a malformed signature (${(err as Error).message})`);
  }
  return signatures;
}

function hasServeTag(metaGraph: Uint8Array): boolean {
  for (const field of protoFields(metaGraph)) {
    if (field.number !== 1 || field.wire !== 'bytes') continue;
    for (const info of protoFields(field.value)) {
      if (info.number === 4 && info.wire === 'bytes' && protoString(info) === 'serve') return true;
    }
  }
  return false;
}

/** The `serving_default` signature (what TF Serving answers with); throws a readable error without it. */
export function readServingSignature(bytes: Uint8Array): ModelSignature {
  const signatures = readSavedModelSignatures(bytes);
  const signature = signatures.get(DEFAULT_SIGNATURE);
  if (!signature) {
    const names = [...signatures.keys()];
    throw new SavedModelError(
      `saved_model.pb has no "${DEFAULT_SIGNATURE}" signature` +
        (names.length
          ? ` (it has: ${names.join(', ')})`
          : ' (it has none): export it with model.export(dir)'),
    );
  }
  return signature;
}

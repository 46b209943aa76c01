import { describe, expect, it } from 'vitest';
import { readSavedModelSignatures, readServingSignature, SavedModelError } from './saved-model-signature.js';

// A tiny protobuf writer, only to build SavedModel bytes for the reader under test.
function varint(value: number): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, BigInt(value));
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}
const bytes = (number: number, payload: number[]) => [
  ...varint((number << 3) | 2),
  ...varint(payload.length),
  ...payload,
];
const int = (number: number, value: number) => [...varint(number << 3), ...varint(value)];
const text = (number: number, value: string) => bytes(number, [...new TextEncoder().encode(value)]);
const entry = (key: string, value: number[]) => [...text(1, key), ...bytes(2, value)];
const tensor = (dtype: number, dims: number[]) => [
  ...text(1, 'serving_default_x:0'),
  ...int(2, dtype),
  ...bytes(
    3,
    dims.flatMap((size) => bytes(2, int(1, size))),
  ),
];
const signature = (inputs: [string, number[]][], outputs: [string, number[]][]) => [
  ...inputs.flatMap(([name, t]) => bytes(1, entry(name, t))),
  ...outputs.flatMap(([name, t]) => bytes(2, entry(name, t))),
  ...text(3, 'tensorflow/serving/predict'),
];
const metaGraph = (tags: string[], signatures: [string, number[]][]) => [
  ...bytes(
    1,
    tags.flatMap((t) => text(4, t)),
  ),
  ...bytes(2, [...text(1, 'a graph we never decode'), 0x08, 0x01]),
  ...signatures.flatMap(([name, def]) => bytes(5, entry(name, def))),
];
const savedModel = (...graphs: number[][]) =>
  new Uint8Array([...int(1, 1), ...graphs.flatMap((g) => bytes(2, g))]);

describe('readServingSignature', () => {
  it('reads inputs and outputs with dtype and shape, -1 for unknown dimensions', () => {
    const sig = signature([['keras_tensor', tensor(1, [-1, 4])]], [['output_0', tensor(1, [-1, 1])]]);
    const pb = savedModel(metaGraph(['serve'], [['serving_default', sig]]));
    expect(readServingSignature(pb)).toEqual({
      name: 'serving_default',
      inputs: [{ name: 'keras_tensor', dtype: 'DT_FLOAT', shape: [-1, 4] }],
      outputs: [{ name: 'output_0', dtype: 'DT_FLOAT', shape: [-1, 1] }],
    });
  });

  it('prefers the MetaGraph tagged serve over an earlier one', () => {
    const train = signature([['a', tensor(3, [2])]], []);
    const serve = signature([['b', tensor(9, [3])]], []);
    const pb = savedModel(
      metaGraph(['train'], [['serving_default', train]]),
      metaGraph(['serve'], [['serving_default', serve]]),
    );
    expect(readServingSignature(pb).inputs).toEqual([{ name: 'b', dtype: 'DT_INT64', shape: [3] }]);
  });

  it('names the signatures it has when serving_default is missing', () => {
    const pb = savedModel(metaGraph(['serve'], [['predict', signature([], [])]]));
    expect(() => readServingSignature(pb)).toThrow(/no "serving_default" signature \(it has: predict\)/);
    expect([...readSavedModelSignatures(pb).keys()]).toEqual(['predict']);
  });

  it('refuses bytes that are not a protobuf with a readable error', () => {
    const junk = new TextEncoder().encode('{"this is": "json, not a SavedModel"}');
    expect(() => readServingSignature(junk)).toThrow(SavedModelError);
  });

  it('refuses a protobuf without MetaGraphs', () => {
    expect(() => readServingSignature(new Uint8Array(int(1, 1)))).toThrow(/holds no MetaGraph/);
  });
});

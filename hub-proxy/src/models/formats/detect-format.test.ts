import { describe, expect, it } from 'vitest';
import { Unprocessable } from '../../errors/index.js';
import { detectModel } from './detect-format.js';

const files = (...paths: string[]) => paths.map((path) => ({ path, sizeBytes: 10 }));
const reader = (contents: Record<string, string>) => async (path: string) =>
  new TextEncoder().encode(contents[path] ?? '');

describe('detectModel', () => {
  it('takes an xgboost JSON model with a learner', async () => {
    await expect(
      detectModel(files('model.json'), reader({ 'model.json': '{"learner": {}, "version": [3, 0, 0]}' })),
    ).resolves.toEqual({ format: 'xgboost', modelFile: 'model.json' });
  });

  it('reads the feature count of an xgboost JSON model as its input signature', async () => {
    const model = '{"learner": {"learner_model_param": {"num_feature": "4"}}, "version": [3, 2, 0]}';
    const detected = await detectModel(files('model.json'), reader({ 'model.json': model }));
    expect(detected.signature?.inputs).toEqual([{ name: 'input-0', dtype: 'FP32', shape: [-1, 4] }]);
  });

  it('takes .ubj and .bst as xgboost and .joblib and .pkl as sklearn without reading them', async () => {
    const unread = async () => {
      throw new Error('must not read');
    };
    expect((await detectModel(files('m.ubj'), unread)).format).toBe('xgboost');
    expect((await detectModel(files('m.BST'), unread)).format).toBe('xgboost');
    expect((await detectModel(files('clf.joblib'), unread)).format).toBe('sklearn');
    expect((await detectModel(files('clf.pkl'), unread)).format).toBe('sklearn');
  });

  it('refuses a JSON file that is not an xgboost model, naming what was expected', async () => {
    const error = await detectModel(files('config.json'), reader({ 'config.json': '{"a": 1}' })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Unprocessable);
    expect((error as Error).message).toMatch(/not an xgboost model.*expected a TensorFlow SavedModel folder/);
  });

  it('refuses a folder of notebooks with the expected inputs in the message', async () => {
    await expect(detectModel(files('a.ipynb', 'data.csv'), reader({}))).rejects.toThrow(
      /has no saved_model.pb and is not a single model file; expected .*\.joblib or \.pkl/,
    );
  });

  it('refuses a SavedModel folder without variables/', async () => {
    await expect(detectModel(files('saved_model.pb'), reader({}))).rejects.toThrow(/no variables\/ folder/);
  });

  it('refuses a saved_model.pb that is not a SavedModel', async () => {
    await expect(
      detectModel(files('saved_model.pb', 'variables/variables.index'), reader({ 'saved_model.pb': 'nope' })),
    ).rejects.toThrow(/Not a usable SavedModel/);
  });

  it('refuses an empty upload', async () => {
    await expect(detectModel([], reader({}))).rejects.toThrow(/No files were uploaded/);
  });
});

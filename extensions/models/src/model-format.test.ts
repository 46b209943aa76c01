import { describe, expect, it } from 'vitest';

import type { SourceListing } from './model-format';
import { describeFormatProblem, detectModelFormat, extensionOf, formatOfFile } from './model-format';
import { modelNameFromPath, validateModelName } from './model-name';
import { englishTranslate as trans } from './testing/translate';

const file = (name: string, sizeBytes = 100): SourceListing => ({
  kind: 'file',
  name,
  files: [{ path: name, sizeBytes }],
  directories: [],
});

const savedModel: SourceListing = {
  kind: 'directory',
  name: 'mnist',
  files: [
    { path: 'saved_model.pb', sizeBytes: 90_000 },
    { path: 'fingerprint.pb', sizeBytes: 50 },
    { path: 'variables/variables.index', sizeBytes: 1_000 },
    { path: 'variables/variables.data-00000-of-00001', sizeBytes: 400_000 },
  ],
  directories: ['assets', 'variables'],
};

describe('model format detection', () => {
  it('tells xgboost and sklearn files by their extension, in any case', () => {
    for (const name of ['model.json', 'model.ubj', 'booster.BST']) {
      expect(detectModelFormat(file(name))).toMatchObject({ ok: true, format: 'xgboost', modelFile: name });
    }
    for (const name of ['clf.joblib', 'pipeline.pkl']) {
      expect(detectModelFormat(file(name))).toMatchObject({ ok: true, format: 'sklearn' });
    }
    expect(formatOfFile('notes.txt')).toBeUndefined();
    expect(extensionOf('.bashrc')).toBe('');
  });

  it('takes a folder with saved_model.pb and variables/ as a SavedModel, with every file', () => {
    const detection = detectModelFormat(savedModel);
    expect(detection).toEqual({ ok: true, format: 'tensorflow', files: savedModel.files });
  });

  it('names what a folder lacks to be a SavedModel, and what was expected', () => {
    const detection = detectModelFormat({ ...savedModel, name: 'data', directories: ['assets'] });
    expect(detection).toEqual({
      ok: false,
      problem: { kind: 'not-a-saved-model', name: 'data', missing: ['variables/'] },
    });
    const text = describeFormatProblem(detection.ok ? (undefined as never) : detection.problem, trans);
    expect(text).toContain('The folder "data" is not a TensorFlow SavedModel: it has no variables/.');
    expect(text).toContain('saved_model.pb and variables/');
    expect(text).toContain('(.json, .ubj, .bst)');
    expect(text).toContain('(.joblib, .pkl)');
  });

  it('points at a model file inside a folder that is not a SavedModel', () => {
    const listing: SourceListing = {
      kind: 'directory',
      name: 'out',
      files: [
        { path: 'model.ubj', sizeBytes: 10 },
        { path: 'logs/train.txt', sizeBytes: 10 },
      ],
      directories: ['logs'],
    };
    const detection = detectModelFormat(listing);
    expect(detection).toMatchObject({
      ok: false,
      problem: { missing: ['saved_model.pb', 'variables/'], modelFile: 'model.ubj' },
    });
    if (!detection.ok) {
      expect(describeFormatProblem(detection.problem, trans)).toContain(
        'To publish model.ubj, use Publish Model on that file.',
      );
    }
  });

  it('refuses other files and empty model files with a readable reason', () => {
    const csv = detectModelFormat(file('data.csv'));
    expect(csv).toEqual({
      ok: false,
      problem: { kind: 'not-a-model-file', name: 'data.csv', extension: '.csv' },
    });
    if (!csv.ok) {
      expect(describeFormatProblem(csv.problem, trans)).toMatch(
        /^"data.csv" is not a model file: \.csv files/,
      );
    }
    const empty = detectModelFormat(file('model.json', 0));
    expect(empty).toEqual({ ok: false, problem: { kind: 'empty', name: 'model.json' } });
  });
});

describe('model names', () => {
  it('derives a valid name from a file or folder path', () => {
    expect(modelNameFromPath('work/Iris Model.json')).toBe('iris-model');
    expect(modelNameFromPath('export/mnist/1/')).toBe('mnist');
    expect(modelNameFromPath('2024_clf.pkl')).toBe('model-2024-clf');
    expect(modelNameFromPath('work/café.joblib')).toBe('cafe');
    expect(modelNameFromPath('model.tar.json')).toBe('model-tar');
    const long = modelNameFromPath(`${'a'.repeat(39)}-b.json`);
    expect(long).toBe('a'.repeat(39));
    expect(validateModelName(long)).toBeNull();
  });

  it('checks the DNS-label rules', () => {
    expect(validateModelName('iris-v2')).toBeNull();
    expect(validateModelName('')).toBe('empty');
    expect(validateModelName('a'.repeat(41))).toBe('too-long');
    expect(validateModelName('Iris')).toBe('invalid');
    expect(validateModelName('2iris')).toBe('invalid');
    expect(validateModelName('iris-')).toBe('invalid');
  });
});

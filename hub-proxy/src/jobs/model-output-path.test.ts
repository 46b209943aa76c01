import { describe, expect, it } from 'vitest';
import { modelOutputPathProblem } from './model-output-path.js';
import { createJobBodySchema, patchJobBodySchema } from './schemas.js';

const job = {
  name: 'train',
  notebook: { path: 'train.ipynb', content: { nbformat: 4, cells: [] } },
  environment: 'cpu-base',
};

/** The field paths and messages of a refused create with `modelOutput`. */
function refusals(modelOutput: unknown): { field: string; message: string }[] {
  const result = createJobBodySchema.safeParse({ ...job, modelOutput });
  if (result.success) return [];
  return result.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
}

describe('model output paths', () => {
  it('accepts files and folders relative to the working directory', () => {
    for (const path of ['model/', 'model', 'out/model.json', './model', 'a.b/c-d_e', '.']) {
      expect(modelOutputPathProblem(path), path).toBeUndefined();
    }
  });

  it('refuses paths that leave the working directory or are malformed, saying why', () => {
    expect(modelOutputPathProblem('')).toMatch(/enter the file or folder/);
    expect(modelOutputPathProblem('/tmp/model')).toMatch(/relative/);
    expect(modelOutputPathProblem('~/model')).toMatch(/relative/);
    expect(modelOutputPathProblem('../model')).toMatch(/no "\.\."/);
    expect(modelOutputPathProblem('a/../../model/')).toMatch(/no "\.\."/);
    expect(modelOutputPathProblem('a//b')).toMatch(/"\/\/"/);
    expect(modelOutputPathProblem('a\\b')).toMatch(/"\/" between folders/);
    expect(modelOutputPathProblem(' model')).toMatch(/spaces/);
    expect(modelOutputPathProblem('mo\ndel')).toMatch(/control characters/);
  });
});

describe('modelOutput in job bodies', () => {
  it('accepts a canary at 1 to 99 percent and a replace, and leaves it out by default', () => {
    expect(refusals({ model: 'ctr', path: 'model/', rollout: { kind: 'canary', percent: 1 } })).toEqual([]);
    expect(refusals({ model: 'ctr', path: 'model/', rollout: { kind: 'canary', percent: 99 } })).toEqual([]);
    expect(refusals({ model: 'c'.repeat(40), path: 'm.json', rollout: { kind: 'replace' } })).toEqual([]);
    expect(createJobBodySchema.parse(job)).not.toHaveProperty('modelOutput');
  });

  it('names the bad field: model name, path or percent', () => {
    const ok = { model: 'ctr', path: 'model/', rollout: { kind: 'replace' } };
    expect(refusals({ ...ok, model: 'CTR' }).map((e) => e.field)).toEqual(['modelOutput.model']);
    expect(refusals({ ...ok, model: 'c'.repeat(41) }).map((e) => e.field)).toEqual(['modelOutput.model']);
    expect(refusals({ ...ok, model: '1ctr' }).map((e) => e.field)).toEqual(['modelOutput.model']);
    expect(refusals({ ...ok, path: '../x' })).toEqual([
      { field: 'modelOutput.path', message: 'must stay inside the working directory (no "..")' },
    ]);
    for (const percent of [0, 100, 12.5]) {
      expect(
        refusals({ ...ok, rollout: { kind: 'canary', percent } }).map((e) => e.field),
        String(percent),
      ).toEqual(['modelOutput.rollout.percent']);
    }
    expect(refusals({ ...ok, rollout: { kind: 'canary' } }).map((e) => e.field)).toEqual([
      'modelOutput.rollout.percent',
    ]);
    expect(refusals({ ...ok, rollout: { kind: 'replace', percent: 10 } })).not.toEqual([]);
  });

  it('lets a patch clear the model output with null', () => {
    expect(patchJobBodySchema.parse({ modelOutput: null })).toEqual({ modelOutput: null });
  });
});

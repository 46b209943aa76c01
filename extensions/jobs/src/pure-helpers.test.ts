import type { Run } from '@turing/client';
import { describe, expect, it } from 'vitest';

import { layoutDurationChart, outcomeOf, runSeconds } from './chart-scale';
import { describeCron } from './cron-description';
import { formatDuration } from './format';
import { jobNameFromPath, validateJobName } from './job-name';
import { legacyNotebookDigest, notebookDigest, stableStringify, stripNotebook } from './notebook-digest';
import { withoutTransientFields } from './notebook-source';
import { DEFAULT_PANEL_SETTINGS, readPanelSettings, readScheduleSettings } from './settings';
import { EXECUTED_NOTEBOOK_DIGEST, executedNotebook } from './testing/notebook-fixture';
import { runFixture } from './testing/run-fixture';
import { englishTranslate } from './testing/translate';

describe('cron descriptions', () => {
  it('describes five-field expressions and refuses others', () => {
    expect(describeCron('0 2 * * *')).toBe('At 02:00');
    expect(describeCron('0 9 * * 1-5')).toBe('At 09:00, Monday through Friday');
    expect(describeCron('* * * *')).toBeUndefined();
    expect(describeCron('0 0 0 * * *')).toBeUndefined();
    expect(describeCron('99 * * * *')).toBeUndefined();
  });
});

describe('job names', () => {
  it('derives a valid name from a notebook path', () => {
    expect(jobNameFromPath('work/Daily CTR Report.ipynb')).toBe('daily-ctr-report');
    expect(jobNameFromPath('2024_sales.ipynb')).toBe('job-2024-sales');
    expect(jobNameFromPath('Ünïcödé__.ipynb')).toBe('unicode');
    expect(jobNameFromPath('数据.ipynb')).toBe('job');
    const long = jobNameFromPath(`${'a'.repeat(37)}-b.ipynb`);
    expect(long).toBe('a'.repeat(37));
    for (const path of [
      'x/Daily CTR Report.ipynb',
      '2024_sales.ipynb',
      '数据.ipynb',
      `${'a'.repeat(60)}.ipynb`,
    ]) {
      expect(validateJobName(jobNameFromPath(path))).toBeNull();
    }
  });

  it('refuses names hub-proxy would refuse', () => {
    expect(validateJobName('')).toBe('empty');
    expect(validateJobName('a'.repeat(38))).toBeNull();
    expect(validateJobName('a'.repeat(39))).toBe('too-long');
    expect(validateJobName('Daily')).toBe('invalid');
    expect(validateJobName('1job')).toBe('invalid');
    expect(validateJobName('job-')).toBe('invalid');
    expect(validateJobName('daily-ctr')).toBeNull();
  });
});

describe('notebook digest', () => {
  it('matches an independently computed sha256 of the stripped, key-sorted notebook (the old form)', async () => {
    await expect(legacyNotebookDigest(executedNotebook())).resolves.toBe(EXECUTED_NOTEBOOK_DIGEST);
  });

  it('gives a notebook with outputs the same digest as the same notebook stripped', async () => {
    const executed = executedNotebook();
    const stripped = stripNotebook(executed);
    expect(stripped.cells[0]?.outputs).toEqual([]);
    expect(stripped.cells[0]?.execution_count).toBeNull();
    expect(stripped.cells[0]?.metadata).toEqual({ tags: ['parameters'] });
    expect(executed.cells[0]?.outputs).toHaveLength(1);
    await expect(notebookDigest(stripped)).resolves.toBe(await notebookDigest(executed));
  });

  it('changes when a source changes, not when keys are reordered', async () => {
    const edited = executedNotebook();
    edited.cells[2] = { ...edited.cells[2], source: 'print(n * 3)' } as (typeof edited.cells)[2];
    const original = await notebookDigest(executedNotebook());
    expect(await notebookDigest(edited)).not.toBe(original);
    const { cells, metadata, nbformat, nbformat_minor } = executedNotebook();
    await expect(notebookDigest({ nbformat_minor, cells, nbformat, metadata })).resolves.toBe(original);
  });

  it('sorts keys recursively but keeps array order', () => {
    expect(stableStringify({ b: [{ z: 1, a: 2 }, 1], a: null })).toBe('{"a":null,"b":[{"a":2,"z":1},1]}');
  });
});

const run = (id: string, state: Run['state'], durationSeconds?: number): Run =>
  runFixture(id, state, { durationSeconds });

describe('duration chart scaling', () => {
  it('scales bar heights to the longest run, oldest first, skipping unfinished runs', () => {
    const runs = [
      run('r4', 'running'),
      run('r3', 'failed', 30),
      run('r2', 'succeeded', 60),
      run('r1', 'timed_out', 15),
    ];
    const { bars, maxSeconds } = layoutDurationChart(runs, { width: 100, height: 50, maxBars: 10, gap: 2 });
    expect(maxSeconds).toBe(60);
    expect(bars.map((b) => [b.run.id, b.outcome, b.height, b.y])).toEqual([
      ['r1', 'timeout', 12.5, 37.5],
      ['r2', 'success', 50, 0],
      ['r3', 'failure', 25, 25],
    ]);
    expect(bars.map((b) => b.x)).toEqual([70, 80, 90]);
    expect(bars.every((b) => b.width === 8)).toBe(true);
  });

  it('keeps only the newest maxBars runs and gives instant runs a visible bar', () => {
    const runs = [run('new', 'succeeded', 0), run('mid', 'cancelled', 0), run('old', 'succeeded', 0)];
    const { bars, maxSeconds } = layoutDurationChart(runs, {
      width: 20,
      height: 10,
      maxBars: 2,
      minBarHeight: 2,
    });
    expect(maxSeconds).toBe(1);
    expect(bars.map((b) => b.run.id)).toEqual(['mid', 'new']);
    expect(bars.map((b) => b.height)).toEqual([2, 2]);
  });

  it('derives durations from timestamps and outcomes from states', () => {
    const r = {
      ...run('r', 'succeeded'),
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:01:30Z',
    };
    expect(runSeconds(r)).toBe(90);
    expect(runSeconds(run('q', 'queued'))).toBeUndefined();
    expect(outcomeOf('queued')).toBeUndefined();
    expect(outcomeOf('cancelled')).toBe('cancelled');
  });
});

describe('formatting and settings', () => {
  it('formats durations', () => {
    expect(formatDuration(45.4, englishTranslate)).toBe('45 s');
    expect(formatDuration(200, englishTranslate)).toBe('3 min 20 s');
    expect(formatDuration(7500, englishTranslate)).toBe('2 h 5 min');
    expect(formatDuration(3600, englishTranslate)).toBe('1 h');
  });

  it('falls back to the defaults for bad settings', () => {
    expect(readPanelSettings({ activePollSeconds: 0, outputDirectory: '/out/' })).toEqual({
      ...DEFAULT_PANEL_SETTINGS,
      outputDirectory: 'out',
    });
    expect(readScheduleSettings({ defaultConcurrency: 'sometimes', defaultRetries: 2.7 })).toEqual({
      defaultRetries: 2,
      defaultTimeoutMinutes: 60,
      defaultConcurrency: 'forbid',
    });
  });
});

describe('open notebook content', () => {
  it('drops the transient fields Jupyter never saves, so the digest matches the saved file', async () => {
    const saved = executedNotebook();
    const inEditor = executedNotebook() as ReturnType<typeof executedNotebook> & {
      metadata: { signature?: string };
    };
    inEditor.metadata.signature = 'sha256:abc';
    inEditor.cells.forEach((cell) => Object.assign(cell.metadata, { trusted: false }));
    // The old digest form kept them; jobs created before still carry it.
    expect(await legacyNotebookDigest(inEditor)).not.toBe(await legacyNotebookDigest(saved));
    const cleaned = withoutTransientFields(inEditor);
    expect(cleaned.metadata).not.toHaveProperty('signature');
    expect(inEditor.cells[0]?.metadata).toHaveProperty('trusted');
    await expect(legacyNotebookDigest(cleaned)).resolves.toBe(EXECUTED_NOTEBOOK_DIGEST);
    await expect(notebookDigest(inEditor)).resolves.toBe(await notebookDigest(saved));
  });
});

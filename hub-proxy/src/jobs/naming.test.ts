import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ownerPrefixOf, validateArtifactKey } from '../artifacts/index.js';
import { NOTEBOOK_JOB_NAME_MAX } from './notebook-job-schema.js';
import {
  JOB_NAME_MAX,
  JOB_NAME_PATTERN,
  artifactKeys,
  dependencyRunId,
  jobObjectName,
  manualRunId,
} from './naming.js';

/** Two user names whose first 6 hex of sha256 (the 24-bit suffix object names used to carry) are equal. */
const OLD_SUFFIX_COLLISION = ['user9955', 'user11153'] as const;
const oldSuffix = (owner: string) => createHash('sha256').update(owner).digest('hex').slice(0, 6);

describe('job artifact keys', () => {
  it('accepts every key the jobs feature makes and finds its owner prefix', () => {
    const object = jobObjectName('Alice@Example.org', 'daily-ctr');
    const key = artifactKeys.runArtifact('Alice@Example.org', object, manualRunId(object), 'log.txt');
    expect(validateArtifactKey(key)).toBe(key);
    expect(ownerPrefixOf(key)).toBe(artifactKeys.ownerPrefix('Alice@Example.org'));
  });
});

describe('jobObjectName', () => {
  it('appends 13 base32 characters (65 bits) of sha256(owner) to the job name', () => {
    expect(jobObjectName('alice', 'daily')).toMatch(/^daily-[0-9a-v]{13}$/);
    expect(jobObjectName('alice', 'daily')).toBe(jobObjectName('alice', 'daily'));
    expect(jobObjectName('alice', 'daily')).not.toBe(jobObjectName('Alice', 'daily'));
  });

  it('gives different objects to owners whose old 24-bit suffix collided', () => {
    const [a, b] = OLD_SUFFIX_COLLISION;
    expect(oldSuffix(a)).toBe(oldSuffix(b)); // the premise: they shared "daily-<6 hex>"
    expect(jobObjectName(a, 'daily')).not.toBe(jobObjectName(b, 'daily'));
  });

  it('keeps every derived name within the Kubernetes limits for the longest job name', () => {
    const jobName = 'x'.repeat(JOB_NAME_MAX);
    expect(JOB_NAME_PATTERN.test(jobName)).toBe(true);
    expect(JOB_NAME_PATTERN.test(`${jobName}x`)).toBe(false);
    const object = jobObjectName('someone-with-a-long-name@example.org', jobName);
    expect(object.length).toBeLessThanOrEqual(NOTEBOOK_JOB_NAME_MAX);
    // The CronJob is named like the object: at most 52 characters.
    expect(object.length).toBeLessThanOrEqual(52);
    // Its Jobs append "-<up to 10 digits>"; run ids are Job names and pod label values: 63.
    expect(`${object}-${'9'.repeat(10)}`.length).toBeLessThanOrEqual(63);
    expect(manualRunId(object).length).toBeLessThanOrEqual(63);
    expect(dependencyRunId(object, `${object}-m00000000`).length).toBeLessThanOrEqual(63);
  });
});

import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelSpec, ModelVersion } from '../model.js';
import { PID_FILE, signalGroup } from './serving-process.js';

/**
 * Where the local runtime keeps a model's files under its state dir:
 *
 *   records/<model>.json             the record (LocalModelRecordStore)
 *   versions/<model>/<version>/      a version's files, written once
 *   serving/<model>/<id>/            one serving process: config, pid file
 *   logs/<model>.log                 every process of the model appends here
 */
export class LocalModelFiles {
  readonly records: string;
  private readonly versions: string;
  private readonly serving: string;
  private readonly logs: string;

  constructor(stateDir: string) {
    this.records = join(stateDir, 'records');
    this.versions = join(stateDir, 'versions');
    this.serving = join(stateDir, 'serving');
    this.logs = join(stateDir, 'logs');
  }

  /** Holds `<version>/` folders of `model`. */
  versionsRoot(model: string): string {
    return join(this.versions, model);
  }

  /** A new, empty folder for one serving process of `model`. */
  async newProcessDir(model: string, versions: readonly number[]): Promise<string> {
    const dir = join(this.serving, model, `${versions.join('-')}-${randomUUID().slice(0, 8)}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  logPath(model: string): string {
    return join(this.logs, `${model}.log`);
  }

  /**
   * Writes `version`'s files with `materialize` unless they are there:
   * versions are immutable, and each is written into a temp folder renamed
   * into place, so a half-written version is never served.
   */
  async materializeOnce(
    spec: ModelSpec,
    version: ModelVersion,
    materialize: (spec: ModelSpec, version: ModelVersion, dir: string) => Promise<void>,
  ): Promise<void> {
    const root = this.versionsRoot(spec.name);
    const target = join(root, String(version.version));
    if (await exists(target)) return;
    const temp = join(root, `.${version.version}-${randomUUID().slice(0, 8)}.tmp`);
    await mkdir(temp, { recursive: true });
    try {
      await materialize(spec, version, temp);
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { recursive: true, force: true });
      throw new Error(`Cannot fetch version ${version.version}: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * Kills serving processes a previous hub-proxy left behind (it crashed),
   * removes every process folder, and the versions of models not in `models`.
   */
  async removeLeftovers(models: ReadonlySet<string>): Promise<void> {
    for (const model of await listDir(this.serving)) {
      for (const id of await listDir(join(this.serving, model))) {
        const dir = join(this.serving, model, id);
        const pid = Number((await readFile(join(dir, PID_FILE), 'utf8').catch(() => '')).trim());
        // Only a process that still runs from these folders: the pid may have been reused.
        const cmdline = pid > 0 ? await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '') : '';
        if (cmdline.includes(dir) || cmdline.includes(this.versionsRoot(model))) signalGroup(pid, 'SIGKILL');
      }
    }
    await rm(this.serving, { recursive: true, force: true });
    for (const model of await listDir(this.versions)) {
      if (!models.has(model)) await rm(this.versionsRoot(model), { recursive: true, force: true });
    }
  }

  /** Removes everything of `model` but its record. */
  async removeModel(model: string): Promise<void> {
    await rm(this.versionsRoot(model), { recursive: true, force: true });
    await rm(join(this.serving, model), { recursive: true, force: true });
    await rm(this.logPath(model), { force: true });
    await rm(`${this.logPath(model)}.1`, { force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return readdir(path).then(
    () => true,
    () => false,
  );
}

async function listDir(path: string): Promise<string[]> {
  return readdir(path).catch(() => []);
}

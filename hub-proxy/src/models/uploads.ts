import { randomBytes } from 'node:crypto';
import { validateArtifactKey, type ArtifactStore } from '../artifacts/index.js';
import { InvalidInput, NotFound, TooLarge, Unprocessable } from '../errors/index.js';
import type { ModelFile } from './model.js';
import { modelKeys } from './storage-layout.js';

/** An upload in progress: the files announced, kept in the artifact store so any replica can take the next request. */
export interface UploadSession {
  id: string;
  owner: string;
  model: string;
  files: ModelFile[];
  /** Where the files go (the version's storage prefix once committed). */
  storagePrefix: string;
  createdAt: string;
  expiresAt: string;
}

/** Settings of {@link ModelUploads}. */
export interface ModelUploadsOptions {
  artifacts: ArtifactStore;
  /** Largest version, all files together. */
  maxVersionBytes: number;
  ttlSeconds: number;
  now?: () => Date;
}

/**
 * Uploads of a version's files, one request per file: announced first (paths
 * and sizes, checked against the limit), streamed straight into the artifact
 * store, then committed by the service. A file may not exceed its announced
 * size, and commit refuses a missing or short one.
 */
export class ModelUploads {
  private readonly now: () => Date;

  constructor(private readonly options: ModelUploadsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Starts an upload of `files`; discards this model's expired uploads on the way. */
  async create(owner: string, model: string, files: readonly ModelFile[]): Promise<UploadSession> {
    const id = randomBytes(12).toString('hex');
    const storagePrefix = modelKeys.blobPrefix(owner, model, `upload-${id}`);
    checkFiles(files, storagePrefix, this.options.maxVersionBytes);
    await this.sweep(owner, model);
    const created = this.now();
    const session: UploadSession = {
      id,
      owner,
      model,
      files: files.map((f) => ({ path: f.path, sizeBytes: f.sizeBytes })),
      storagePrefix,
      createdAt: created.toISOString(),
      expiresAt: new Date(created.getTime() + this.options.ttlSeconds * 1000).toISOString(),
    };
    await this.options.artifacts.put(
      modelKeys.uploadSession(owner, model, id),
      new TextEncoder().encode(JSON.stringify(session)),
      { contentType: 'application/json' },
    );
    return session;
  }

  /** The live upload `id` of the owner's model; NotFound when there is none or it expired. */
  async get(owner: string, model: string, id: string): Promise<UploadSession> {
    const gone = new NotFound(
      `Upload "${id}" of model "${model}" does not exist or has expired; start again.`,
    );
    if (!/^[0-9a-f]{24}$/.test(id)) throw gone;
    const stored = await this.options.artifacts.get(modelKeys.uploadSession(owner, model, id));
    if (!stored) throw gone;
    const chunks: Uint8Array[] = [];
    for await (const chunk of stored.body) chunks.push(chunk);
    const session = JSON.parse(Buffer.concat(chunks).toString('utf8')) as UploadSession;
    if (Date.parse(session.expiresAt) <= this.now().getTime()) throw gone;
    return session;
  }

  /** Streams one announced file into the store; TooLarge past its announced size. */
  async putFile(session: UploadSession, path: string, body: AsyncIterable<Uint8Array>): Promise<ModelFile> {
    const announced = session.files.find((f) => f.path === path);
    if (!announced) {
      throw new NotFound(`"${path}" is not one of the files announced for upload ${session.id}.`);
    }
    const info = await this.options.artifacts.put(session.storagePrefix + path, limited(body, announced), {
      contentType: 'application/octet-stream',
    });
    return { path, sizeBytes: info.sizeBytes };
  }

  /** Checks every announced file arrived whole; returns them. */
  async complete(session: UploadSession): Promise<ModelFile[]> {
    const stored = new Map(
      (await this.options.artifacts.list(session.storagePrefix)).map((i) => [
        i.key.slice(session.storagePrefix.length),
        i.sizeBytes,
      ]),
    );
    const problems = session.files.flatMap((f, i) => {
      const size = stored.get(f.path);
      if (size === undefined) return [{ field: `files[${i}]`, message: `"${f.path}" was not uploaded` }];
      if (size !== f.sizeBytes) {
        return [{ field: `files[${i}]`, message: `"${f.path}" has ${size} of ${f.sizeBytes} bytes` }];
      }
      return [];
    });
    if (problems.length) {
      throw new Unprocessable(
        problems,
        `The upload is incomplete: ${problems.map((p) => p.message).join('; ')}.`,
      );
    }
    return session.files;
  }

  /** Forgets the session (its files stay when they became a version). */
  async close(session: UploadSession, keepFiles: boolean): Promise<void> {
    await this.options.artifacts.delete(modelKeys.uploadSession(session.owner, session.model, session.id));
    if (!keepFiles) await this.options.artifacts.deletePrefix(session.storagePrefix);
  }

  private async sweep(owner: string, model: string): Promise<void> {
    const prefix = modelKeys.uploadsPrefix(owner, model);
    for (const key of await this.options.artifacts.keys(prefix)) {
      const id = key.slice(prefix.length).replace(/\.json$/, '');
      const live = await this.get(owner, model, id).then(
        () => true,
        () => false,
      );
      if (!live) {
        await this.options.artifacts.delete(key);
        await this.options.artifacts.deletePrefix(modelKeys.blobPrefix(owner, model, `upload-${id}`));
      }
    }
  }
}

function checkFiles(files: readonly ModelFile[], prefix: string, maxBytes: number): void {
  const problems: { field: string; message: string }[] = [];
  const seen = new Set<string>();
  files.forEach((f, i) => {
    try {
      validateArtifactKey(prefix + f.path);
    } catch (err) {
      problems.push({ field: `body.files[${i}].path`, message: (err as Error).message });
    }
    if (seen.has(f.path))
      problems.push({ field: `body.files[${i}].path`, message: `"${f.path}" is listed twice` });
    seen.add(f.path);
  });
  if (problems.length) throw new InvalidInput(problems, 'Some file paths cannot be stored.');
  const total = files.reduce((sum, f) => sum + f.sizeBytes, 0);
  if (total > maxBytes) {
    throw new TooLarge(`The model is ${total} bytes; a version may have at most ${maxBytes} bytes.`);
  }
}

async function* limited(body: AsyncIterable<Uint8Array>, file: ModelFile): AsyncIterable<Uint8Array> {
  let received = 0;
  for await (const chunk of body) {
    received += chunk.byteLength;
    if (received > file.sizeBytes) {
      throw new TooLarge(`"${file.path}" is larger than the ${file.sizeBytes} bytes announced for it.`);
    }
    yield chunk;
  }
}

import type { Response } from 'express';
import { InvalidInput, PreconditionRequired } from '../errors/index.js';

const QUOTED = /^"([^"\\\s,]{1,256})"$/;
const BARE = /^([^"\\\s,*]{1,256})$/;
const FIELD = 'header.If-Match';

/**
 * The version an `If-Match` header names: one entity tag, quoted (`"42"`,
 * as the ETag was sent) or bare (`42`). Missing: 428, so no write can skip
 * the check. `*`, weak tags and lists: 400, since each would let a write
 * through without naming the version it was based on.
 */
export function expectedVersion(header: string | undefined, missingMessage?: string): string {
  const value = header?.trim() ?? '';
  if (value === '') throw new PreconditionRequired(missingMessage);
  if (value === '*') {
    throw new InvalidInput(
      [{ field: FIELD, message: 'must name the version you read ("*" would overwrite any concurrent edit)' }],
      'If-Match must be the ETag of your last read.',
    );
  }
  const version = QUOTED.exec(value)?.[1] ?? BARE.exec(value)?.[1];
  if (version === undefined) {
    throw new InvalidInput(
      [
        {
          field: FIELD,
          message: 'must be one strong entity tag, such as "12345", as the ETag header sent it',
        },
      ],
      'If-Match must be the ETag of your last read.',
    );
  }
  return version;
}

/** The `ETag` header value of a version. */
export function etagOf(version: string): string {
  return `"${version}"`;
}

/** `body`, after setting the response's `ETag` to its `version`: a versioned read or write answered. */
export function withEtag<T extends { version: string }>(res: Response, body: T): T {
  res.setHeader('ETag', etagOf(body.version));
  return body;
}

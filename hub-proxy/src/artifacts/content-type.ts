import { InvalidInput } from '../errors/index.js';

/** Stored when a put names no content type. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** Longest content type kept; enough for any real media type with parameters. */
export const MAX_CONTENT_TYPE_LENGTH = 200;

// `type/subtype` plus optional parameters, printable ASCII only: it ends up
// in HTTP headers (S3, downloads), where anything else is unsafe.
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*;[\x20-\x7e]*)?$/;

/** The content type to store for a put: the given one if valid, else the default. Throws InvalidInput if invalid. */
export function normalizeContentType(contentType: string | undefined): string {
  if (contentType === undefined || contentType === '') return DEFAULT_CONTENT_TYPE;
  if (contentType.length > MAX_CONTENT_TYPE_LENGTH || !MEDIA_TYPE.test(contentType)) {
    throw new InvalidInput(
      [
        {
          field: 'contentType',
          message: `must be a media type like "text/html", at most ${MAX_CONTENT_TYPE_LENGTH} characters`,
        },
      ],
      'Invalid artifact content type.',
    );
  }
  return contentType;
}

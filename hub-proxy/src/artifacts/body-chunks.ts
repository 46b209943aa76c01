/**
 * The chunks of a put body, one shape for both kinds the store accepts. A
 * whole `Uint8Array` is one chunk; streams (Node readables, generators) are
 * iterated as they arrive, so limits can stop a body before it is all read.
 */
export async function* chunksOf(body: Uint8Array | AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (body instanceof Uint8Array) {
    yield body;
    return;
  }
  for await (const chunk of body) {
    // A readable with an encoding set yields strings despite the type.
    yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
}
